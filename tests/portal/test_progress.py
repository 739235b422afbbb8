"""What the portal asks: questions in scope and shown, and what is missing, per domain."""

from __future__ import annotations

import copy
from datetime import date

from tests.questionnaires.sample_definitions import mini
from vendordd.portal.progress import progress
from vendordd.questionnaires.schema import Definition
from vendordd.scoring import Context


def definition(required_evidence: bool = False) -> Definition:
    data = copy.deepcopy(mini())
    if required_evidence:
        data["questions"][2]["evidence"]["requirement"] = "required"
    return Definition.model_validate(data)


def context(tier: str = "T1", regimes: frozenset[str] = frozenset({"HKMA"})) -> Context:
    return Context(
        tier=tier,
        as_of=date(2026, 11, 2),
        regimes=regimes,
        data_class="public",
        use_case="internal_productivity",
        is_critical=False,
        allowed_countries={},
    )


def keys(questions) -> list[str]:
    return [question.key for question in questions]


def test_a_follow_up_question_appears_once_its_condition_holds():
    before = progress(definition(), {}, context(), {})
    after = progress(definition(), {"EG-01": True}, context(), {})

    assert "EG-02" not in before.visible and "EG-02" in after.visible
    assert keys(after.domain("embedded").missing_answers) == ["EG-02"]
    assert (before.asked, after.asked, after.answered) == (3, 4, 1)


def test_questions_outside_the_tier_or_regime_are_not_asked():
    answers = {"EG-01": True}

    assert "EG-02" not in progress(definition(), answers, context(tier="T3"), {}).visible
    assert "EG-02" not in progress(definition(), answers, context(regimes=frozenset()), {}).visible


def test_missing_answers_and_required_evidence_are_listed_until_provided():
    answers = {"EG-01": False, "DR-01": ("HK",), "DR-02": 90}
    without = progress(definition(required_evidence=True), answers, context(), {})
    with_file = progress(definition(required_evidence=True), answers, context(), {"DR-01": 1})

    residency = without.domain("residency")
    assert keys(residency.missing_answers) == []
    assert keys(residency.missing_evidence) == ["DR-01"]
    assert not without.is_complete and with_file.is_complete
