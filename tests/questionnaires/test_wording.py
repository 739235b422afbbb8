"""Conditions, applicability and scoring rules in the words the pages show."""

from __future__ import annotations

import pytest

from tests.questionnaires.sample_definitions import mini, question
from vendordd.questionnaires import wording
from vendordd.questionnaires.schema import Applicability, Band, Condition, Definition, Rule


def sample() -> Definition:
    data = mini()
    data["questions"].append(
        {
            "key": "EG-03",
            "domain": "embedded",
            "text": "Which features use GenAI?",
            "type": "multiple_choice",
            "options": [
                {"value": "search", "label": "Search"},
                {"value": "chat", "label": "Chat assistant"},
                {"value": "none", "label": "None of these", "exclusive": True},
            ],
            "scoring": {
                "weight": 2,
                "combine": "min",
                "points": {"search": 50, "chat": 20, "none": 100},
            },
            "regulatory": ["EU-AIA 50"],
        }
    )
    return Definition.model_validate(data)


DEFINITION = sample()


def words(condition: dict) -> str:
    return wording.condition_text(Condition.model_validate(condition), DEFINITION)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"question": "EG-01", "is_true": True}, "EG-01 is Yes"),
        ({"question": "EG-01", "is_true": False}, "EG-01 is No"),
        ({"question": "EG-01", "equals": True}, "EG-01 is Yes"),
        ({"question": "EG-02", "equals": "own"}, "EG-02 is “Our own model”"),
        (
            {"question": "EG-02", "any_of": ["own", "third_party"]},
            "EG-02 is “Our own model” or “A third-party model”",
        ),
        (
            {"question": "EG-03", "any_of": ["search", "chat"]},
            "EG-03 includes any of “Search”, “Chat assistant”",
        ),
        ({"question": "EG-03", "all_of": ["chat"]}, "EG-03 includes “Chat assistant”"),
        ({"question": "DR-01", "any_of": ["CN", "RU"]}, "DR-01 includes any of CN, RU"),
        ({"question": "DR-02", "equals": 30}, "DR-02 is 30"),
        ({"question": "DR-02", "lt": 30}, "DR-02 is less than 30 days"),
        ({"question": "DR-02", "gte": 90.5}, "DR-02 is at least 90.5 days"),
        ({"question": "DR-02", "gt": 1}, "DR-02 is more than 1 days"),
        ({"question": "DR-02", "lte": 7}, "DR-02 is at most 7 days"),
        ({"question": "DR-02", "answered": False}, "DR-02 is not answered"),
        ({"question": "DR-02", "answered": True}, "DR-02 is answered"),
        (
            {"question": "DR-01", "outside_policy": True},
            "DR-01 names a country outside the data-location policy",
        ),
        (
            {"question": "DR-01", "outside_policy": False},
            "DR-01 names only countries inside the data-location policy",
        ),
        ({"context": "tier", "any_of": ["T1", "T2"]}, "the tier is T1 or T2"),
        ({"context": "tier", "equals": "T3"}, "the tier is T3"),
        ({"context": "regimes", "any_of": ["HKMA", "SFC"]}, "HKMA or SFC applies"),
        ({"context": "regimes", "any_of": ["EU_AI_ACT"]}, "EU AI Act applies"),
        ({"context": "regimes", "all_of": ["DORA", "MAS"]}, "EU DORA and MAS all apply"),
        (
            {"context": "use_case", "any_of": ["customer_advice", "automated_decision"]},
            "the use case is “Customer-facing advice, recommendation or research”"
            " or “Automated decision about individuals”",
        ),
        (
            {"context": "data_class", "equals": "customer_personal"},
            "the data class is “Customer personal data”",
        ),
        (
            {"context": "critical", "is_true": True},
            "the service supports a critical or important function",
        ),
        (
            {"context": "critical", "is_true": False},
            "the service does not support a critical or important function",
        ),
    ],
)
def test_a_test_in_words(condition, expected):
    assert words(condition) == expected


def test_combined_conditions_bracket_their_groups():
    condition = {
        "all": [
            {"question": "EG-01", "is_true": True},
            {
                "any": [
                    {"context": "tier", "equals": "T1"},
                    {"context": "critical", "is_true": True},
                ]
            },
            {"not": {"question": "EG-02", "equals": "third_party"}},
        ]
    }
    assert words(condition) == (
        "EG-01 is Yes and (the tier is T1 or the service supports a critical or important"
        " function) and not (EG-02 is “A third-party model”)"
    )


def test_shown_when():
    assert wording.shown_when(DEFINITION.by_key["EG-02"], DEFINITION) == "shown when EG-01 is Yes"
    assert wording.shown_when(DEFINITION.by_key["EG-01"], DEFINITION) is None


@pytest.mark.parametrize(
    ("applies", "expected"),
    [
        ({}, "every tier and regime"),
        ({"tiers": ["T2", "T1"]}, "T1, T2 only"),
        (
            {"tiers": ["T1", "T2"], "regimes": ["HKMA", "SFC"]},
            "T1, T2 only; where HKMA or SFC applies",
        ),
        ({"regimes": ["DORA"]}, "every tier; where EU DORA applies"),
    ],
)
def test_applicability_in_words(applies, expected):
    assert wording.applies_text(Applicability.model_validate(applies)) == expected


def test_rules_in_words():
    knockout = DEFINITION.by_key["DR-01"].knockouts[0]
    assert wording.rule_text(knockout, DEFINITION) == (
        "T1, T2: when DR-01 names a country outside the data-location policy"
    )
    every = Rule(when=Condition(question="EG-01", is_true=False), message="No GenAI at all.")
    assert wording.rule_text(every, DEFINITION) == "every tier: when EG-01 is No"


def test_scoring_in_words():
    by_key = DEFINITION.by_key
    assert wording.scoring_text(by_key["EG-01"]) == "weight 3; points as listed per option"
    assert wording.scoring_text(by_key["EG-03"]) == (
        "weight 2; the lowest of the chosen options' points"
    )
    assert wording.scoring_text(by_key["DR-02"]) == (
        "weight 2; by the answer: 90 or more days: 100; 30 to 89 days: 50; anything else: 0"
    )
    assert wording.scoring_text(by_key["DR-01"]).startswith(
        "weight 4; 100 if every country named is allowed for the service's data class"
    )


def test_scoring_of_dates_answers_and_unscored_questions():
    data = mini()
    del question(data, "EG-01")["scoring"]
    data["questions"] += [
        {
            "key": "AS-01",
            "domain": "residency",
            "text": "When does your ISO 27001 certificate expire?",
            "type": "date",
            "scoring": {
                "weight": 1,
                "measure": "days_until",
                "bands": [{"min": 90, "points": 100}, {"max": 89, "points": 40}],
            },
            "regulatory": ["INT-ISO27001 A.5"],
        },
        {
            "key": "AS-02",
            "domain": "residency",
            "text": "Upload the SOC 2 report.",
            "type": "evidence",
            "scoring": {"weight": 2, "if_answered": 100},
            "regulatory": ["INT-ISO27001 A.5"],
        },
    ]
    definition = Definition.model_validate(data)
    assert wording.scoring_text(definition.by_key["AS-01"]) == (
        "weight 1; by the days until the date: 90 or more: 100; up to 89: 40; anything else: 0"
    )
    assert wording.scoring_text(definition.by_key["AS-02"]) == "weight 2; 100 if answered"
    assert wording.scoring_text(definition.by_key["EG-01"]) == (
        "not scored (the answer is kept on record)"
    )


def test_bands_options_tags_and_targets_in_words():
    assert wording.band_text(Band(points=10)) == "any value"
    assert wording.band_text(Band(min=0.5, max=2, points=10)) == "0.5 to 2"
    assert wording.options_with_points(DEFINITION.by_key["EG-01"]) == [
        ("Yes", 100, False),
        ("No", 0, False),
    ]
    assert wording.options_with_points(DEFINITION.by_key["EG-03"])[2] == (
        "None of these",
        100,
        True,
    )
    assert wording.tag_document("EU-DORA 30(2)(b)") == "Regulation (EU) 2022/2554 (DORA)"
    assert wording.feeds_text("fourth_party.clouds") == "Cloud providers (fourth_party.clouds)"
