"""The difference between two versions: questions added, removed and changed, field by field."""

from __future__ import annotations

from tests.questionnaires.sample_definitions import mini, question
from vendordd.questionnaires.diff import QuestionChange, diff_definitions
from vendordd.questionnaires.schema import Definition


def definition(data: dict) -> Definition:
    return Definition.model_validate(data)


def test_identical_versions_have_no_differences():
    found = diff_definitions(definition(mini()), definition(mini(version="1.0.1")))
    assert found.is_empty
    assert found.lines() == ["mini 1.0.0 → 1.0.1", "No differences."]


def test_added_removed_and_changed_questions_with_the_fields_that_changed():
    new = mini(version="1.1.0")
    new["questions"] = [q for q in new["questions"] if q["key"] != "DR-02"]
    new["questions"].append(
        {
            "key": "DR-03",
            "domain": "residency",
            "text": "Who can reach the data from abroad?",
            "type": "long_text",
            "regulatory": ["EU-GDPR 44"],
        }
    )
    question(new, "EG-01")["text"] = "Does the product use GenAI?"
    question(new, "EG-01")["scoring"]["weight"] = 5
    eg02 = question(new, "EG-02")
    eg02["options"][0]["label"] = "A model we trained"
    eg02["show_if"] = {"question": "EG-01", "answered": True}
    eg02["applies"] = {"tiers": ["T1"]}
    eg02["regulatory"] = ["SG-MAS-AIRG 4.2"]
    eg02["red_flags"][0]["message"] = "Review the in-house model."

    found = diff_definitions(definition(mini()), definition(new))

    assert found.added == ("DR-03",)
    assert found.removed == ("DR-02",)
    assert found.changed == (
        QuestionChange("EG-01", ("text", "scoring")),
        QuestionChange("EG-02", ("options", "show_if", "applies", "red_flags", "regulatory")),
    )
    assert found.other == ()
    assert found.lines() == [
        "mini 1.0.0 → 1.1.0",
        "Added questions (1): DR-03",
        "Removed questions (1): DR-02",
        "Changed questions (2):",
        "  EG-01: text, scoring",
        "  EG-02: options, show_if, applies, red_flags, regulatory",
    ]


def test_moving_a_question_to_another_domain_and_changing_domains_are_reported():
    new = mini(version="2.0.0", title="Mini questionnaire, revised")
    new["domains"][1]["weight"] = 80
    new["domains"][0]["title"] = "Embedded and undisclosed GenAI"
    new["domains"].append({"key": "exit", "title": "Exit", "weight": 10})
    question(new, "DR-02")["domain"] = "exit"
    found = diff_definitions(definition(mini()), definition(new))
    assert found.changed == (QuestionChange("DR-02", ("domain",)),)
    assert found.other == (
        "title: 'Mini questionnaire' → 'Mini questionnaire, revised'",
        "domain exit added (weight 10)",
        "domain embedded: title 'Embedded GenAI' → 'Embedded and undisclosed GenAI'",
        "domain residency: weight 60 → 80",
    )
    assert found.lines()[-5:] == ["Other changes:", *(f"  {line}" for line in found.other)]


def test_a_removed_domain_and_a_new_description_are_reported():
    new = mini(version="2.0.0", description="Now shorter.")
    new["domains"] = new["domains"][1:]
    new["questions"] = [q for q in new["questions"] if q["domain"] == "residency"]
    found = diff_definitions(definition(mini()), definition(new))
    assert found.removed == ("EG-01", "EG-02")
    assert found.other == ("description changed", "domain embedded removed")
