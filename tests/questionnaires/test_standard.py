"""The shipped questionnaires: every file validates; the standard one covers what the issue asks."""

from __future__ import annotations

import re

import pytest

from vendordd.questionnaires.loading import load_definition, questionnaire_files, read_definition
from vendordd.questionnaires.schema import Condition, Question
from vendordd.questionnaires.tags import TAGS
from vendordd.questionnaires.targets import TARGETS
from vendordd.resources import resource_dir
from vendordd.vendors.intake import REGIMES

# Required topic -> the domain holding it and question keys that must ask its parts.
TOPICS = {
    "data residency": (
        "residency",
        ["DR-01a", "DR-02", "DR-02a", "DR-04", "DR-04a", "DR-05", "DR-08"],
    ),
    "logging and traceability": (
        "logging",
        ["LG-01", "LG-02", "LG-03", "LG-04", "LG-05", "LG-07", "LG-08", "LG-09"],
    ),
    "IP indemnity": ("ip", ["IP-01", "IP-02", "IP-03", "IP-04", "IP-05", "IP-06"]),
    "undisclosed embedded GenAI": (
        "embedded_ai",
        ["EG-01", "EG-01a", "EG-02b", "EG-03", "EG-04", "EG-05", "EG-06", "EG-07"],
    ),
    "concentration and fourth parties": (
        "fourth_party",
        ["CN-01", "CN-01b", "CN-02", "CN-03a", "CN-03b", "CN-04", "CN-05", "CN-06", "CN-08"],
    ),
    "training on customer data": ("training", ["TR-01", "TR-02"]),
    "retention and deletion": ("retention", ["RD-01a", "RD-03"]),
    "subprocessors": ("subprocessors", ["SP-01", "SP-02", "SP-02a"]),
    "security assurance": ("assurance", ["SC-01", "SC-01a", "SC-04"]),
    "model change notification": ("model_change", ["MC-01", "MC-02", "MC-02a"]),
    "incident notification": ("incidents", ["IN-01", "IN-01a", "IN-02"]),
    "accuracy and hallucination": ("accuracy", ["AC-01"]),
    "bias": ("fairness_oversight", ["BF-01"]),
    "explainability": ("fairness_oversight", ["EX-01"]),
    "human oversight": ("fairness_oversight", ["HO-01"]),
    "exit and portability": ("exit_continuity", ["XP-01", "XP-02"]),
    "business continuity": ("exit_continuity", ["BC-02a", "BC-03"]),
}
CUSTOMER_FACING = {"customer_information", "customer_advice", "automated_decision"}


@pytest.fixture(scope="module")
def standard():
    return load_definition(resource_dir("questionnaires") / "genai-due-diligence.yaml")


def test_every_shipped_questionnaire_validates():
    files = questionnaire_files()

    assert "genai-due-diligence.yaml" in [path.name for path in files]
    for path in files:
        definition, problems = read_definition(path)
        assert problems == [], "\n".join(map(str, problems))
        assert definition is not None


def test_the_standard_questionnaire_is_version_1_0_0_with_at_least_70_questions(standard):
    assert (standard.key, standard.version) == ("genai-due-diligence", "1.0.0")
    assert len(standard.questions) >= 70
    assert all(re.fullmatch(r"[A-Z]{2}-\d{2}[a-z]?", q.key) for q in standard.questions)


def test_every_question_carries_regulatory_tags_that_name_a_section(standard):
    # The loader checks the prefix; a tag is only useful with the section it points to.
    bare = [(q.key, tag) for q in standard.questions for tag in q.regulatory if " " not in tag]

    assert all(q.regulatory for q in standard.questions)
    assert bare == []


@pytest.mark.parametrize("domain, keys", TOPICS.values(), ids=TOPICS.keys())
def test_every_required_topic_is_asked(standard, domain, keys):
    assert [(key, standard.by_key[key].domain) for key in keys if key in standard.by_key] == [
        (key, domain) for key in keys
    ]


def knockouts(question: Question) -> list[tuple[set, set]]:
    """Each knockout as (the values its condition tests, its tiers)."""
    return [(values_in(rule.when), set(rule.tiers)) for rule in question.knockouts]


def values_in(condition: Condition) -> set:
    found = set()
    for name in ("equals", "any_of", "all_of"):
        value = getattr(condition, name)
        found |= set(value if isinstance(value, list) else [value] if value is not None else [])
    for child in (condition.all_ or []) + (condition.any_ or []) + [condition.not_]:
        found |= values_in(child) if child else set()
    return found


KNOCKOUTS = {
    "trains on customer data with no opt-out": ("TR-01", {"no_opt_out"}, {"T1", "T2", "T3", "T4"}),
    "no notice before a change of model provider": ("MC-02", {"none"}, {"T1", "T2"}),
    "refuses to disclose model providers": ("CN-01", {"refused"}, {"T1", "T2"}),
    "no certified deletion at exit": ("RD-03", {"not_committed", "uncertified"}, {"T1", "T2"}),
    "prompts and outputs not logged, customer-facing": (
        "LG-01",
        {"prompt", "output"} | CUSTOMER_FACING,
        {"T1", "T2"},
    ),
}


@pytest.mark.parametrize("key, values, tiers", KNOCKOUTS.values(), ids=KNOCKOUTS.keys())
def test_the_issue_knockouts_exist(standard, key, values, tiers):
    matching = [rule for rule in knockouts(standard.by_key[key]) if values <= rule[0]]

    assert matching, f"{key} has no knockout testing {sorted(values)}"
    assert any(tiers <= rule_tiers for _values, rule_tiers in matching)


def test_the_customer_facing_logging_knockout_spares_internal_use(standard):
    (values, tiers), *_ = knockouts(standard.by_key["LG-01"])

    assert not {"internal_productivity", "internal_decision_support"} & values
    assert tiers == {"T1", "T2"}


@pytest.mark.parametrize("regime", list(REGIMES))
def test_each_regime_has_questions_of_its_own(standard, regime):
    own = [q.key for q in standard.questions if regime in q.applies.regimes]

    assert own


def test_depth_grows_from_the_t4_lite_set_to_the_full_t1_set(standard):
    asked = {
        tier: {q.key for q in standard.questions if tier in q.applies.tiers}
        for tier in ("T1", "T2", "T3", "T4")
    }
    lite_domains = {
        q.domain for q in standard.questions if q.key in asked["T4"] and not q.applies.regimes
    }
    core_domains = {q.domain for q in standard.questions if q.key in asked["T3"]}

    assert asked["T4"] < asked["T3"] < asked["T2"] <= asked["T1"]
    assert asked["T1"] == set(standard.by_key)
    assert lite_domains == {"embedded_ai", "training", "residency", "assurance"}
    assert {"retention", "logging", "incidents"} <= core_domains
    assert {"ip", "model_change", "accuracy", "exit_continuity"}.isdisjoint(core_domains)


def test_genai_specific_questions_are_shown_only_when_the_product_uses_genai(standard):
    # Every vendor answers these, GenAI or not: notice before GenAI is added, internal GenAI use,
    # the attestation, residency, training, deletion, subprocessors, certifications, incidents.
    always = {q.key for q in standard.questions if q.show_if is None}

    assert {
        "EG-03",
        "EG-04",
        "EG-07",
        "DR-01a",
        "DR-02",
        "TR-01",
        "RD-03",
        "SP-01",
        "SC-01",
    } <= always
    for key in ("LG-01", "IP-01", "CN-01", "MC-02", "AC-01", "HO-01", "DR-02a", "EG-01a"):
        assert standard.by_key[key].show_if.questions() == {"EG-01"}


def test_maps_to_covers_every_target_and_group_column(standard):
    mapped = {q.maps_to: q for q in standard.questions if q.maps_to}

    assert set(mapped) == set(TARGETS)
    for name, target in TARGETS.items():
        if target.columns:
            columns = {column.maps_to for column in mapped[name].fields or ()}
            assert columns == set(target.columns), name


def test_the_format_documentation_lists_every_tag_prefix_and_target():
    readme = (resource_dir("questionnaires") / "README.md").read_text(encoding="utf-8")

    assert [prefix for prefix in TAGS if f"| `{prefix}` | {TAGS[prefix]} |" not in readme] == []
    assert [name for name in TARGETS if f"| `{name}` |" not in readme] == []
