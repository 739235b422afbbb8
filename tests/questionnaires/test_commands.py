"""`vendordd questionnaires validate | publish | list | diff | export`: output and exit codes."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from tests.auth.apps import app_variant
from tests.questionnaires.sample_definitions import mini, question, write
from vendordd.audit.models import AuditEvent
from vendordd.questionnaires.models import QuestionnaireVersion

# One file with each kind of mistake the issue names; the line numbers are asserted below.
BAD = """\
key: bad
version: 1.0.0
title: Bad questionnaire
description: Every kind of mistake.
domains:
  - {key: embedded, title: Embedded GenAI, weight: 40}
questions:
  - key: EG-01
    domain: embedded
    text: Does the product use generative AI?
    type: yes_no
    show_if: {question: EG-02, equals: own}
    scoring: {weight: 3, points: {"yes": 100, "no": 0}}
    regulatory: [HK-HKMA-GENAI 1]
  - key: EG-02
    domain: embedded
    text: Which model do you use?
    type: single_choice
    options:
      - {value: own, label: Our own model}
      - {value: third_party, label: A third-party model}
    show_if: {question: EG-01, is_true: true}
    red_flags:
      - when: {question: EG-02, equals: rented}
        message: Rented models need review.
    regulatory: [SG-MAS-AIRG 4.2]
  - key: EG-03
    domain: embedded
    text: Describe your AI governance.
    text: Describe it again.
    type: long_text
    show_if: {question: EG-09, answered: true}
    regulatory: [XX-MADEUP 1]
  - key: EG-03
    domain: embedded
    text: A second question with the third one's key.
    type: number
    regulatory: [EU-AIA 50]
  - key: EG-04
    domain: embedded
    text: How many models do you use?
    type: number
    scoring: {weight: 7, bands: [{min: 0, points: 100}]}
    regulatory: [EU-AIA 50]
"""


@pytest.fixture
def cli(app, folder):
    """A CLI runner on an app whose questionnaires folder is `folder` (empty at start-up)."""
    with app_variant(app, questionnaires_path=folder) as variant:
        yield variant.test_cli_runner()


def run(runner, *args: str):
    return runner.invoke(args=["vendordd", "questionnaires", *args])


def test_validate_reports_every_problem_with_file_line_question_and_field(runner, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    result = run(runner, "validate", str(path))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{path}:12: question EG-01, show_if: show_if conditions form a cycle:"
        " EG-01 → EG-02 → EG-01",
        f"{path}:24: question EG-02, red_flags.0.when.equals: EG-02 has no option rented;"
        " its options are own, third_party",
        f"{path}:30: question EG-03, text: key 'text' appears twice in this mapping",
        f"{path}:32: question EG-03, show_if.question: condition on missing question 'EG-09'",
        f"{path}:33: question EG-03, regulatory.0: unknown regulatory tag 'XX-MADEUP';"
        " use one of the prefixes in reference §5.1",
        f"{path}:34: question EG-03, key: duplicate question key 'EG-03'",
        f"{path}:43: question EG-04, scoring.weight: Input should be less than or equal to 5",
        "1 file checked, 7 problems.",
    ]


def test_validate_accepts_good_files_and_folders(runner, folder):
    write(folder, mini())
    write(folder, mini(key="other"))
    result = run(runner, "validate", str(folder / "mini.yaml"))
    assert (result.exit_code, result.output) == (0, "OK: 1 file checked, no problems.\n")
    result = run(runner, "validate", str(folder))
    assert (result.exit_code, result.output) == (0, "OK: 2 files checked, no problems.\n")


def test_validate_defaults_to_the_configured_folder(runner, folder, monkeypatch):
    broken = mini()
    question(broken, "EG-02")["options"][1]["value"] = "own"
    path = write(folder, broken)
    monkeypatch.setenv("VENDORDD_QUESTIONNAIRES_PATH", str(folder))
    result = run(runner, "validate")
    assert result.exit_code == 1
    assert f"{path}:" in result.output
    assert "option value 'own' appears more than once" in result.output
    assert result.output.endswith("1 file checked, 2 problems.\n")


def test_validate_refuses_a_folder_without_questionnaires(runner, folder):
    result = run(runner, "validate", str(folder))
    assert result.exit_code == 1
    assert f"No questionnaire files (*.yaml) in {folder}." in result.output


def test_validate_runs_while_the_app_would_refuse_to_start(app, folder, monkeypatch):
    # The author's way to see why the app does not start: nothing here may build the app.
    write(folder, mini(version="1.0"))
    monkeypatch.setenv("VENDORDD_QUESTIONNAIRES_PATH", str(folder))
    result = run(app.test_cli_runner(), "validate")
    assert result.exit_code == 1
    assert "version: String should match pattern" in result.output


def test_publish_prints_each_file_and_refuses_a_changed_version(app, cli, folder):
    write(folder, mini())
    result = run(cli, "publish")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "questionnaires/mini.yaml: published mini 1.0.0\n"
        "1 file: 1 published, 0 unchanged, 0 refused.\n"
    )
    changed = mini()
    question(changed, "DR-02")["help"] = "Calendar days before the move, at the latest."
    write(folder, changed)
    write(folder, mini(key="second"))
    result = run(cli, "publish")
    assert result.exit_code == 1
    assert result.output == (
        "questionnaires/mini.yaml: refused mini 1.0.0\n"
        "  questionnaires/mini.yaml: mini 1.0.0 is already published with different content;"
        " raise the version (e.g. 1.0.1) to publish the change\n"
        "questionnaires/second.yaml: published second 1.0.0\n"
        "2 files: 1 published, 0 unchanged, 1 refused.\n"
    )
    # The refusal did not roll back the valid file's publication. (The `db` fixture would push
    # the other app's context, which the commands would then use.)
    with Session(app.extensions["vendordd.engine"]) as db:
        assert sorted(db.exec(select(QuestionnaireVersion.key)).all()) == ["mini", "second"]
        assert len(db.exec(select(AuditEvent)).all()) == 2


def test_list_shows_published_versions_and_files_not_published(cli, folder):
    result = run(cli, "list")
    assert result.exit_code == 0
    assert result.output == (
        "No questionnaire is published yet; run `vendordd questionnaires publish`.\n"
    )
    write(folder, mini())
    run(cli, "publish")
    write(folder, mini(key="later", title="Later questionnaire"))
    result = run(cli, "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["key", "version", "title", "questions", "hash", "published", "at"]
    assert lines[1].split()[:5] == ["mini", "1.0.0", "Mini", "questionnaire", "4"]
    assert lines[1].endswith(" UTC")
    assert lines[2:] == [
        "Files not published:",
        "questionnaires/later.yaml: not yet published later 1.0.0",
        "  run `vendordd questionnaires publish` to publish",
    ]


def publish_two_versions(cli, folder) -> None:
    write(folder, mini(), "mini-1.0.0.yaml")
    newer = mini(version="1.1.0")
    question(newer, "EG-01")["text"] = "Does the product use GenAI?"
    newer["questions"] = [q for q in newer["questions"] if q["key"] != "DR-02"]
    write(folder, newer, "mini-1.1.0.yaml")
    assert run(cli, "publish").exit_code == 0


def test_diff_lists_added_removed_and_changed_questions(cli, folder):
    publish_two_versions(cli, folder)
    result = run(cli, "diff", "mini", "1.0.0", "1.1.0")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "mini 1.0.0 → 1.1.0",
        "Added questions (0): none",
        "Removed questions (1): DR-02",
        "Changed questions (1):",
        "  EG-01: text",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("mini", "1.0.0", "9.9.9"),
            "No published version 9.9.9 of mini; its published versions are 1.1.0, 1.0.0.",
        ),
        (("maxi", "1.0.0", "1.1.0"), "No questionnaire 'maxi' is published (published: mini)."),
    ],
)
def test_diff_names_what_is_unknown(cli, folder, args, message):
    publish_two_versions(cli, folder)
    result = run(cli, "diff", *args)
    assert result.exit_code == 1
    assert f"Error: {message}" in result.output


def test_export_writes_the_latest_or_the_named_version(cli, folder, tmp_path):
    publish_two_versions(cli, folder)
    target = tmp_path / "out.xlsx"
    result = run(cli, "export", "mini", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote mini 1.1.0 (3 questions) to {target}.\n"
    assert "1.1.0" in _hidden_identity(target.read_bytes())
    result = run(cli, "export", "mini", "--version", "1.0.0", "-o", str(target))
    assert result.output == f"Wrote mini 1.0.0 (4 questions) to {target}.\n"
    assert "1.0.0" in _hidden_identity(target.read_bytes())


def test_export_of_nothing_published_fails_clearly(cli, tmp_path):
    result = run(cli, "export", "mini", "-o", str(tmp_path / "out.xlsx"))
    assert result.exit_code == 1
    assert "No questionnaire 'mini' is published (nothing is published yet)." in result.output
    assert not (tmp_path / "out.xlsx").exists()


def _hidden_identity(data: bytes) -> list:
    """The values on the workbook's hidden sheet that names the questionnaire and version."""
    book = load_workbook(BytesIO(data))
    hidden = [sheet for sheet in book.worksheets if sheet.sheet_state == "hidden"]
    return [value for sheet in hidden for row in sheet.iter_rows(values_only=True) for value in row]
