"""Loading definitions: every mistake is reported with file, line, question and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from vendordd.questionnaires.loading import (
    DefinitionInvalid,
    Problem,
    content_hash,
    load_definition,
    read_definition,
)

BASE = """\
key: mini
version: 1.0.0
title: Mini questionnaire
description: A small questionnaire for loader tests.
domains:
  - {key: embedded, title: Embedded GenAI, weight: 50}
  - {key: residency, title: Residency, weight: 50}
questions:
  - key: EG-01
    domain: embedded
    text: Does the product use generative AI?
    type: yes_no
    scoring: {weight: 3, points: {'yes': 100, 'no': 0}}
    regulatory: [SG-MINDFORGE vendor-added AI features]
  - key: EG-02
    domain: embedded
    text: How can the administrator control AI features?
    type: single_choice
    options:
      - {value: granular, label: Per feature}
      - {value: none, label: Not at all}
    show_if: {question: EG-01, is_true: true}
    scoring: {weight: 4, points: {granular: 100, none: 0}}
    red_flags:
      - when: {question: EG-02, equals: none}
        message: AI features cannot be switched off.
    regulatory: [HK-HKMA-GENAI opt-out]
  - key: DR-01
    domain: residency
    text: Where is the data stored?
    type: countries
    scoring: {weight: 5, policy: data_location}
    maps_to: fourth_party.storage_countries
    regulatory: [EU-DORA 30(2)(b)]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def changed(old: str, new: str, text: str = BASE) -> str:
    assert old in text, f"test setup: {old!r} is not in the definition"
    return text.replace(old, new, 1)


def line_of(text: str, snippet: str) -> int:
    """The 1-based line where a snippet first occurs."""
    return text[: text.index(snippet)].count("\n") + 1


def problems_in(tmp_path: Path, text: str) -> list[Problem]:
    _definition, problems = read_definition(write(tmp_path, text))
    return problems


def test_the_base_definition_is_valid(tmp_path):
    definition = load_definition(write(tmp_path, BASE))

    assert [question.key for question in definition.questions] == ["EG-01", "EG-02", "DR-01"]


# Each case: the change to BASE, then where the problem must be reported and what it says.
MISTAKES = {
    "unknown option in points": (
        ("points: {granular: 100, none: 0}", "points: {granular: 100, none: 0, nothing: 0}"),
        ("nothing: 0", "EG-02", "scoring.points.nothing", "no option 'nothing'"),
    ),
    "unknown option in a condition": (
        ("{question: EG-02, equals: none}", "{question: EG-02, equals: off}"),
        ("equals: off", "EG-02", "red_flags.0.when.equals", "EG-02 has no option off"),
    ),
    "condition on a missing question": (
        ("{question: EG-01, is_true: true}", "{question: EG-09, is_true: true}"),
        ("question: EG-09", "EG-02", "show_if.question", "condition on missing question 'EG-09'"),
    ),
    "show_if on its own answer": (
        ("{question: EG-01, is_true: true}", "{question: EG-02, equals: none}"),
        ("show_if", "EG-02", "show_if.question", "cannot be shown on its own answer"),
    ),
    "weight out of range": (
        ("{weight: 4, points:", "{weight: 7, points:"),
        ("weight: 7", "EG-02", "scoring.weight", "less than or equal to 5"),
    ),
    "unknown regulatory tag": (
        ("[EU-DORA 30(2)(b)]", "[EU-DROA 30(2)(b)]"),
        ("EU-DROA", "DR-01", "regulatory.0", "unknown regulatory tag 'EU-DROA'"),
    ),
    "unknown field": (
        ("    show_if:", "    shows_if:"),
        ("shows_if", "EG-02", "shows_if", "unknown field"),
    ),
    "wrong scoring rule for the type": (
        ("{weight: 5, policy: data_location}", "{weight: 5, if_answered: 100}"),
        ("if_answered", "DR-01", "scoring", "a countries question scores with policy"),
    ),
    "unknown maps_to target": (
        ("maps_to: fourth_party.storage_countries", "maps_to: fourth_party.storage"),
        ("maps_to", "DR-01", "maps_to", "unknown maps_to target 'fourth_party.storage'"),
    ),
    "maps_to a target of another type": (
        ("maps_to: fourth_party.storage_countries", "maps_to: fourth_party.clouds"),
        ("maps_to", "DR-01", "maps_to", "fourth_party.clouds takes providers answers"),
    ),
}


@pytest.mark.parametrize("change, expected", MISTAKES.values(), ids=MISTAKES.keys())
def test_each_mistake_names_file_line_question_and_field(tmp_path, change, expected):
    text = changed(*change)
    snippet, question, field, message = expected
    line = line_of(text, snippet)

    problems = problems_in(tmp_path, text)

    assert [(p.line, p.question, p.field) for p in problems] == [(line, question, field)]
    assert message in problems[0].message
    assert problems[0].file == str(tmp_path / "mini.yaml")
    assert str(problems[0]).startswith(f"{tmp_path / 'mini.yaml'}:{line}: question {question}, ")


def test_a_key_repeated_in_one_mapping_is_reported_at_its_second_occurrence(tmp_path):
    text = changed("    type: countries\n", "    type: countries\n    text: Where is it kept?\n")

    problems = problems_in(tmp_path, text)

    assert [(p.line, p.question, p.field) for p in problems] == [
        (line_of(text, "text: Where is it kept?"), "DR-01", "text")
    ]
    assert problems[0].message == "key 'text' appears twice in this mapping"


def test_a_show_if_cycle_is_reported_once_at_its_first_question(tmp_path):
    text = changed(
        "    type: yes_no\n",
        "    type: yes_no\n    show_if: {question: EG-02, equals: granular}\n",
    )

    problems = problems_in(tmp_path, text)

    assert [(p.line, p.question, p.field) for p in problems] == [
        (line_of(text, "show_if: {question: EG-02"), "EG-01", "show_if")
    ]
    assert problems[0].message == "show_if conditions form a cycle: EG-01 → EG-02 → EG-01"


def test_duplicate_question_keys_are_reported_at_the_second(tmp_path):
    text = changed("  - key: DR-01\n", "  - key: EG-01\n")

    problems = problems_in(tmp_path, text)

    duplicate = [p for p in problems if "duplicate question key" in p.message]
    assert [(p.line, p.question, p.field) for p in duplicate] == [
        (line_of(text, "domain: residency") - 1, "EG-01", "key")
    ]


def test_invalid_yaml_gives_the_line(tmp_path):
    text = changed(
        "    text: Where is the data stored?\n", "    text: [Where is the data stored?\n"
    )

    problems = problems_in(tmp_path, text)

    assert len(problems) == 1
    assert problems[0].question is None
    assert problems[0].message.startswith("not valid YAML")
    assert line_of(text, "[Where") <= problems[0].line <= line_of(text, "[Where") + 2


def test_every_problem_in_a_file_is_reported_in_one_run_in_line_order(tmp_path):
    # Schema errors (EG-01, DR-01) do not stop the cross-reference checks of the other questions.
    text = changed("    type: yes_no\n", "    type: yes_no\n    colour: blue\n")
    text = changed("{question: EG-01, is_true: true}", "{question: EG-09, is_true: true}", text)
    text = changed("[HK-HKMA-GENAI opt-out]", "[HK-HKMA-GEN opt-out]", text)
    text = changed("{weight: 5, policy:", "{weight: 0, policy:", text)

    problems = problems_in(tmp_path, text)

    assert [(p.question, p.field) for p in problems] == [
        ("EG-01", "colour"),
        ("EG-02", "show_if.question"),
        ("EG-02", "regulatory.0"),
        ("DR-01", "scoring.weight"),
    ]
    assert [p.line for p in problems] == sorted(p.line for p in problems)
    with pytest.raises(DefinitionInvalid) as raised:
        load_definition(write(tmp_path, text))
    assert len(raised.value.problems) == 4


def test_yes_no_and_country_codes_stay_strings(tmp_path):
    # YAML 1.1 would read yes and NO (Norway) as booleans and break both questions.
    text = changed(
        "      - {value: none, label: Not at all}\n",
        "      - {value: none, label: Not at all}\n      - {value: yes, label: Yes}\n",
    )
    text = changed("{granular: 100, none: 0}", "{granular: 100, none: 0, yes: 50}", text)
    text = changed(
        "    regulatory: [EU-DORA 30(2)(b)]\n",
        "    red_flags:\n      - when: {question: DR-01, any_of: [NO, ON]}\n"
        "        message: Data is kept in Norway or Canada (Ontario is not a country).\n"
        "    regulatory: [EU-DORA 30(2)(b)]\n",
        text,
    )

    definition, problems = read_definition(write(tmp_path, text))

    # ON is not an ISO country: proof that the values are compared as the strings written.
    assert [p.message for p in problems] == ["not an ISO 3166 alpha-2 country: ON"]
    assert definition.by_key["EG-02"].option_values == ("granular", "none", "yes")
    assert definition.by_key["DR-01"].red_flags[0].when.any_of == ["NO", "ON"]


def test_content_hash_ignores_comments_and_layout_but_not_content(tmp_path):
    relaid = changed("key: mini\n", "# A comment.\nkey:   mini   # trailing comment\n")
    relaid = changed(
        "    scoring: {weight: 5, policy: data_location}\n",
        "    scoring:\n      policy: data_location\n      weight: 5\n",
        relaid,
    )
    relaid = changed("text: Where is the data stored?", "text: 'Where is the data stored?'", relaid)
    reworded = changed("label: Per feature", "label: Per feature, per user", BASE)
    reworded = changed("label: Per feature, per user", 'label: "Per feature, per user"', reworded)

    def hash_of(text: str, name: str) -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return content_hash(load_definition(path))

    base = hash_of(BASE, "base.yaml")
    assert hash_of(relaid, "relaid.yaml") == base
    assert hash_of(reworded, "reworded.yaml") != base
