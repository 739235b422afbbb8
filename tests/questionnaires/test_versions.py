"""Published versions: registering, immutability, lookups, and the start-up check of the files."""

from __future__ import annotations

from datetime import timedelta

import pytest
import yaml
from sqlmodel import select

from tests.conftest import NOW, SYSTEM
from tests.questionnaires.sample_definitions import mini, question, write
from vendordd import create_app
from vendordd.audit.models import AuditEvent
from vendordd.config import ConfigError
from vendordd.questionnaires.loading import content_hash, load_definition, questionnaire_files
from vendordd.questionnaires.models import QuestionnaireVersion
from vendordd.questionnaires.services import (
    CHANGED,
    INVALID,
    NOT_PUBLISHED,
    PUBLISHED,
    REFUSED,
    UNCHANGED,
    QuestionnairesInvalid,
    check_folder,
    definition_for,
    file_status,
    find_version,
    latest_version,
    publish_all,
    validate_at_startup,
    versions,
)


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "questionnaires"


def publish(db, folder, now=NOW):
    report = publish_all(db, now=now, actor=SYSTEM, folder=folder)
    db.commit()
    return report


def states(report) -> dict[str, str]:
    return {outcome.file: outcome.state for outcome in report.outcomes}


def test_publishing_registers_the_version_with_its_content_and_an_audit_event(db, folder):
    path = write(folder, mini())
    report = publish(db, folder)
    assert states(report) == {"questionnaires/mini.yaml": PUBLISHED}
    assert report.summary == "1 published, 0 unchanged, 0 refused"
    row = db.exec(select(QuestionnaireVersion)).one()
    definition = load_definition(path)
    assert (row.key, row.version, row.major, row.minor, row.patch) == ("mini", "1.0.0", 1, 0, 0)
    assert (row.title, row.question_count, row.source_file) == (
        "Mini questionnaire",
        4,
        "mini.yaml",
    )
    assert row.content_hash == content_hash(definition)
    assert row.published_at == NOW
    assert row.definition["questions"][1]["show_if"] == {"question": "EG-01", "is_true": True}
    event = db.exec(select(AuditEvent)).one()
    assert (event.action, event.object_type, event.object_id) == (
        "questionnaire.published",
        "questionnaire_version",
        str(row.id),
    )
    assert event.object_label == "mini 1.0.0"
    assert event.actor_label == "test"
    assert event.changes["content_hash"] == [None, row.content_hash]
    assert event.changes["question_count"] == [None, 4]


def test_publishing_again_changes_nothing(db, folder):
    write(folder, mini())
    publish(db, folder)
    # Layout and comments are not content: the same definition rewritten is still unchanged.
    (folder / "mini.yaml").write_text("# reformatted\n" + yaml.safe_dump(mini(), indent=4))
    report = publish(db, folder, now=NOW + timedelta(days=1))
    assert states(report) == {"questionnaires/mini.yaml": UNCHANGED}
    assert len(db.exec(select(QuestionnaireVersion)).all()) == 1
    assert len(db.exec(select(AuditEvent)).all()) == 1


def test_changed_content_under_a_published_version_is_refused_with_advice(db, folder):
    write(folder, mini())
    publish(db, folder)
    original = db.exec(select(QuestionnaireVersion)).one().content_hash
    changed = mini()
    question(changed, "EG-01")["text"] = "Does the product use GenAI anywhere?"
    write(folder, changed)
    write(folder, mini(key="other"))  # a valid file alongside still publishes
    report = publish(db, folder)
    assert states(report) == {
        "questionnaires/mini.yaml": REFUSED,
        "questionnaires/other.yaml": PUBLISHED,
    }
    refused = report.outcomes[0]
    assert refused.messages == (
        "questionnaires/mini.yaml: mini 1.0.0 is already published with different content;"
        " raise the version (e.g. 1.0.1) to publish the change",
    )
    rows = db.exec(select(QuestionnaireVersion).where(QuestionnaireVersion.key == "mini")).all()
    assert [(row.version, row.content_hash) for row in rows] == [("1.0.0", original)]


def test_raising_the_version_publishes_the_change_beside_the_old_one(db, folder):
    write(folder, mini())
    publish(db, folder)
    changed = mini(version="1.0.1")
    question(changed, "EG-01")["text"] = "Does the product use GenAI anywhere?"
    write(folder, changed)
    assert states(publish(db, folder)) == {"questionnaires/mini.yaml": PUBLISHED}
    assert [row.version for row in versions(db, "mini")] == ["1.0.1", "1.0.0"]
    old = definition_for(db, find_version(db, key="mini", version="1.0.0").id)
    assert old.by_key["EG-01"].text == "Does the product use generative AI?"


def test_an_invalid_file_is_refused_with_its_problems_and_valid_ones_still_publish(db, folder):
    broken = mini(key="broken")
    question(broken, "EG-02")["show_if"] = {"question": "EG-99", "is_true": True}
    write(folder, broken)
    write(folder, mini())
    report = publish(db, folder)
    assert states(report) == {
        "questionnaires/broken.yaml": REFUSED,
        "questionnaires/mini.yaml": PUBLISHED,
    }
    (message,) = report.outcomes[0].messages
    assert "question EG-02, show_if.question: condition on missing question 'EG-99'" in message
    assert [row.key for row in versions(db)] == ["mini"]


def test_two_files_claiming_one_version_are_not_both_published(db, folder):
    write(folder, mini(), "a.yaml")
    other = mini(title="Another title")
    write(folder, other, "b.yaml")
    report = publish(db, folder)
    assert states(report) == {"questionnaires/a.yaml": PUBLISHED, "questionnaires/b.yaml": REFUSED}
    assert "mini 1.0.0 is also defined in questionnaires/a.yaml" in report.outcomes[1].messages[0]


def test_latest_version_compares_numbers_not_text(db, folder):
    for version in ("1.9.0", "1.10.0", "1.2.3"):
        write(folder, mini(version=version), f"mini-{version}.yaml")
    publish(db, folder)
    assert latest_version(db, "mini").version == "1.10.0"
    assert [row.version for row in versions(db, "mini")] == ["1.10.0", "1.9.0", "1.2.3"]
    assert latest_version(db, "nothing") is None
    assert find_version(db, key="mini", version="2.0.0") is None


def test_a_stored_definition_reads_back_equal_to_the_file(db, folder):
    path = write(folder, mini())
    publish(db, folder)
    row = db.exec(select(QuestionnaireVersion)).one()
    stored = definition_for(db, row.id)
    assert stored == load_definition(path)
    assert content_hash(stored) == row.content_hash
    assert definition_for(db, row.id) is stored  # parsed once
    with pytest.raises(LookupError):
        definition_for(db, row.id + 1)


def test_the_cache_follows_the_content_not_the_id(db, folder):
    # Test databases reuse ids after emptying: another content under the same id is reread.
    write(folder, mini())
    publish(db, folder)
    row = db.exec(select(QuestionnaireVersion)).one()
    assert definition_for(db, row.id).title == "Mini questionnaire"
    other = mini(title="Renamed")
    row.definition = other
    row.content_hash = "0" * 64
    db.commit()
    assert definition_for(db, row.id).title == "Renamed"


def test_file_status_names_each_state(db, folder):
    write(folder, mini())
    publish(db, folder)
    changed = mini()
    question(changed, "DR-02")["unit"] = "calendar days"
    write(folder, changed)
    write(folder, mini(key="fresh"))
    broken = mini(key="broken")
    question(broken, "EG-01")["scoring"]["weight"] = 9
    write(folder, broken)
    found = {item.file: item for item in file_status(db, folder=folder)}
    assert {name: item.state for name, item in found.items()} == {
        "questionnaires/broken.yaml": INVALID,
        "questionnaires/fresh.yaml": NOT_PUBLISHED,
        "questionnaires/mini.yaml": CHANGED,
    }
    assert "scoring.weight: Input should be less than or equal to 5" in "".join(
        found["questionnaires/broken.yaml"].messages
    )


def test_every_shipped_questionnaire_is_valid():
    files = questionnaire_files()
    assert [path.name for path in files if path.name == "genai-due-diligence.yaml"] == [
        "genai-due-diligence.yaml"
    ]
    problems = [str(problem) for item in check_folder() for problem in item.problems]
    assert problems == []


def start(tmp_path, folder):
    return create_app(
        {
            "database_url": "sqlite://",
            "instance_path": tmp_path / "instance",
            "secret_key": "test-secret-key-that-is-long-enough-0123456789",
            "testing": True,
            "questionnaires_path": folder,
        }
    )


def test_the_app_refuses_to_start_with_an_invalid_questionnaire(tmp_path, folder):
    broken = mini()
    question(broken, "EG-01")["regulatory"] = ["XX-UNKNOWN 1"]
    question(broken, "DR-02")["scoring"]["weight"] = 0
    path = write(folder, broken)
    with pytest.raises(QuestionnairesInvalid) as refused:
        start(tmp_path, folder)
    assert isinstance(refused.value, ConfigError)
    message = str(refused.value)
    assert message.startswith(f"the questionnaires in {folder} have 2 problems; fix them")
    assert f"{path}:" in message
    assert "question EG-01, regulatory.0: unknown regulatory tag 'XX-UNKNOWN'" in message
    assert "question DR-02, scoring.weight: Input should be greater than or equal to 1" in message


def test_the_app_starts_again_once_the_file_is_fixed(tmp_path, folder):
    broken = mini()
    question(broken, "EG-01")["type"] = "yes_or_no"
    write(folder, broken)
    with pytest.raises(QuestionnairesInvalid):
        validate_at_startup(folder)
    write(folder, mini())  # the parse of the broken file, cached by mtime and size, is stale
    app = start(tmp_path, folder)
    assert "questionnaires.index" in app.view_functions


def test_the_app_refuses_a_questionnaires_path_that_is_not_a_folder(tmp_path):
    with pytest.raises(QuestionnairesInvalid, match="is not a folder of questionnaire files"):
        start(tmp_path, tmp_path / "missing")
