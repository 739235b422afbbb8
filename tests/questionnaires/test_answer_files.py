"""Answer files: the demo vendors load cleanly; mismatches and bad answers are reported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from vendordd.questionnaires.answer_files import load_answer_file
from vendordd.questionnaires.loading import load_definition
from vendordd.resources import resource_dir

FOLDER = resource_dir("questionnaires")
DEMO = FOLDER / "demo"
HEADER = "questionnaire: genai-due-diligence\nversion: 1.0.0\ntitle: Test vendor\n"


@pytest.fixture(scope="module")
def standard():
    return load_definition(FOLDER / "genai-due-diligence.yaml")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["strong", "weak", "knockouts", "no-genai"])
def test_the_demo_files_load_without_errors(standard, name):
    loaded = load_answer_file(DEMO / f"{name}.yaml", standard)

    assert loaded.errors == {}
    assert loaded.title
    assert loaded.context["tier"] in ("T1", "T2", "T3", "T4")
    assert isinstance(loaded.context["critical"], bool)
    assert loaded.answers["EG-07"] is True  # every demo vendor signs the completeness attestation


def test_the_demo_vendors_differ_as_their_titles_say(standard):
    strong, weak, knockouts, no_genai = (
        load_answer_file(DEMO / f"{name}.yaml", standard).answers
        for name in ("strong", "weak", "knockouts", "no-genai")
    )

    assert strong["TR-01"] == "never" and knockouts["TR-01"] == "no_opt_out"
    assert knockouts["CN-01"] == "refused" and knockouts["MC-02"] == "none"
    assert knockouts["RD-03"] == "not_committed"
    assert not {"prompt", "output"} & set(knockouts["LG-01"])
    assert weak["DR-02a"] == "global" and strong["DR-02a"] == "pinned"
    assert no_genai["EG-01"] is False
    assert not any(key.startswith(("LG-", "IP-", "CN-01", "MC-")) for key in no_genai)


def test_answers_are_read_as_text_then_typed_by_their_question(standard):
    loaded = load_answer_file(DEMO / "strong.yaml", standard)

    models = loaded.answers["CN-01b"]
    assert models[0]["version"] == "2024-08-06"  # a YAML date, kept as the text written
    assert models[1]["version"] == "20241022"
    assert loaded.answers["CN-05"] == date(2026, 8, 20)
    assert loaded.answers["BC-01"] == 99.95
    assert loaded.answers["DR-01a"] == ("HK", "SG")


def test_provider_names_resolve_to_registry_keys(standard):
    lookup = {"openai": "openai", "anthropic": "anthropic", "azure openai service": "azure-openai"}

    loaded = load_answer_file(DEMO / "strong.yaml", standard, lookup)

    assert loaded.answers["CN-01a"] == ("openai", "anthropic")
    assert loaded.answers["CN-01b"][0]["hosting"] == ("azure-openai",)
    assert loaded.answers["CN-03a"] == ("azure-openai", "Amazon Bedrock")  # not in this lookup


def test_a_mismatched_version_or_questionnaire_is_reported(standard, tmp_path):
    text = "questionnaire: genai-dd\nversion: 1.0\ntitle: Old file\nanswers:\n  EG-01: yes\n"

    loaded = load_answer_file(write(tmp_path, text), standard)

    assert loaded.errors == {
        "questionnaire": "the file answers questionnaire 'genai-dd', not 'genai-due-diligence'",
        "version": "the file answers version '1.0', not '1.0.0'",
    }
    assert loaded.answers == {"EG-01": True}


def test_each_bad_answer_is_reported_by_key(standard, tmp_path):
    answers = "answers:\n  EG-01: perhaps\n  DR-01a: [HK, UK]\n  XX-01: yes\n  TR-01: never\n"

    loaded = load_answer_file(write(tmp_path, HEADER + answers), standard)

    assert loaded.answers == {"TR-01": "never"}
    assert loaded.errors == {
        "EG-01": "answer yes or no, not 'perhaps'",
        "DR-01a": "not an ISO 3166 alpha-2 country code: UK (e.g. HK, SG, DE)",
        "XX-01": "no question 'XX-01' in genai-due-diligence 1.0.0",
    }


@pytest.mark.parametrize(
    "text",
    ["answers: [EG-01: yes\n", "- just a list\n", HEADER + "answers: [EG-01]\n"],
    ids=["invalid YAML", "not a mapping", "answers not a mapping"],
)
def test_a_file_that_is_not_an_answer_file_is_one_error(standard, tmp_path, text):
    loaded = load_answer_file(write(tmp_path, text), standard)

    assert list(loaded.errors) == ["file"]
    assert loaded.answers == {}
