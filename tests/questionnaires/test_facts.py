"""Structured facts (`maps_to`) read from scored demo responses: only asked, answered questions."""

from __future__ import annotations

from tests.scoring.test_demo_files import STANDARD, context_of, loaded
from vendordd.questionnaires.facts import Fact, ModelRow, extract_facts
from vendordd.scoring import score


def facts_of(name: str):
    answer_file = loaded(name)
    result = score(STANDARD, answer_file.answers, context_of(answer_file.context))
    return extract_facts(STANDARD, answer_file.answers, result)


def test_a_genai_vendor_gives_its_fourth_parties_contract_figures_and_features():
    facts = facts_of("strong")

    assert facts.models[0] == ModelRow(
        question="CN-01b",
        developer=("openai",),
        family="GPT-4o",
        version="2024-08-06",
        access_path="hyperscaler",
        hosting=("azure-openai",),
    )
    assert facts.access_path == Fact("hyperscaler", "CN-02")
    assert facts.model_developers[:2] == (Fact("openai", "CN-01a"), Fact("anthropic", "CN-01a"))
    assert facts.storage_countries[:2] == (Fact("HK", "DR-01a"), Fact("SG", "DR-01a"))
    assert facts.contract["incident_notification_hours"] == Fact(1, "IN-01a")
    assert facts.contract["log_retention_days"] == Fact(2555, "LG-03")
    assert len(facts.ai_features) == 3


def test_hidden_questions_give_no_facts():
    facts = facts_of("no-genai")

    # EG-01 "no" hides the GenAI questions: no models, features or logging figures.
    assert (facts.models, facts.model_developers, facts.ai_features) == ((), (), ())
    assert facts.access_path is None
    assert "log_retention_days" not in facts.contract
    # Questions every vendor answers still give theirs.
    assert facts.storage_countries == (Fact("HK", "DR-01a"),)
    assert facts.contract["incident_notification_hours"] == Fact(24, "IN-01a")
