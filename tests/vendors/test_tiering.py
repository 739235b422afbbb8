"""The tiering rules of reference §3.3, one case per rule, plus invariants."""

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendordd.vendors.intake import VOCABULARIES
from vendordd.vendors.tiering import Intake, domain_scores, tier_intake, vendor_tier

LOW = Intake(
    use_case="internal_productivity",
    data_class="public",
    critical_function="no",
    reliance="low",
    integration="standalone",
    autonomy="human_in_loop",
    users_affected=20,
    is_public_facing=False,
    discontinuation_impact="low",
    rto_hours=None,
)


@pytest.mark.parametrize(
    ("changes", "tier", "inherent", "reason_start"),
    [
        ({}, 4, 1, "T4 because inherent risk 1"),
        (
            {"use_case": "internal_decision_support"},
            3,
            2,
            "T3 because inherent risk 2 from use case",
        ),
        ({"integration": "business_process"}, 3, 2, "T3 because inherent risk 2 from business"),
        ({"autonomy": "autonomous"}, 2, 3, "T2 because inherent risk 3 from business integration"),
        ({"data_class": "confidential"}, 2, 2, "T2 because inherent risk 2 from confidential data"),
        ({"data_class": "customer_personal"}, 2, 3, "T2 because inherent risk 3"),
        ({"reliance": "material"}, 3, 2, "T3 because inherent risk 2 from business resiliency"),
        ({"discontinuation_impact": "high"}, 2, 3, "T2 because inherent risk 3"),
        ({"rto_hours": 4}, 2, 3, "T2 because inherent risk 3 from business resiliency (RTO 4 h)"),
        ({"rto_hours": 24}, 3, 2, "T3 because inherent risk 2 from business resiliency (RTO 24 h)"),
        ({"rto_hours": 25}, 4, 1, "T4"),
        ({"users_affected": 100}, 3, 2, "T3 because inherent risk 2 from exposure (100 users"),
        ({"users_affected": 10_000}, 2, 3, "T2 because inherent risk 3 from exposure (10,000"),
        ({"is_public_facing": True}, 2, 3, "T2 because inherent risk 3 from exposure (public"),
        ({"use_case": "customer_information"}, 2, 3, "T2 because inherent risk 3 from use case"),
        (
            {"use_case": "customer_advice"},
            1,
            3,
            "T1 because it is used for customer-facing advice, recommendation or research "
            "(inherent risk 3)",
        ),
        (
            {"use_case": "automated_decision"},
            1,
            3,
            "T1 because it is used for automated decision about individuals (inherent risk 3)",
        ),
        ({"critical_function": "yes"}, 1, 2, "T1 because it supports a critical or important"),
        ({"critical_function": "yes", "reliance": "full"}, 1, 3, "T1 because it supports"),
        ({"critical_function": "not_assessed"}, 3, 2, "T3 because inherent risk raised to 2"),
        (
            {"critical_function": "not_assessed", "data_class": "regulated"},
            2,
            3,
            "T2 because inherent risk 3 from confidential data",
        ),
    ],
)
def test_each_rule(changes, tier, inherent, reason_start):
    result = tier_intake(replace(LOW, **changes))
    assert (result.tier, result.inherent_risk) == (tier, inherent)
    assert result.reason.startswith(reason_start), result.reason


def test_critical_function_reason_says_when_it_lifted_inherent_risk():
    result = tier_intake(replace(LOW, critical_function="yes"))
    assert result.reason == (
        "T1 because it supports a critical or important function (reliance: low); "
        "inherent risk raised to 2 by the critical function"
    )
    full = tier_intake(replace(LOW, critical_function="yes", reliance="full"))
    assert full.inherent_risk == 3
    assert full.reason.endswith("inherent risk 3 from business resiliency (reliance full)")


def test_reason_names_the_data_class_for_sensitive_t2():
    result = tier_intake(
        replace(LOW, use_case="internal_decision_support", data_class="confidential")
    )
    assert result.tier == 2
    assert result.reason.endswith("and it receives confidential")


def test_domain_scores_explain_every_domain():
    scores = domain_scores(replace(LOW, autonomy="human_on_loop", users_affected=500))
    assert [(d.domain, d.score) for d in scores] == [
        ("use case", 1),
        ("business integration", 2),
        ("confidential data", 1),
        ("business resiliency", 1),
        ("exposure", 2),
    ]
    assert scores[1].because.startswith("Human on the loop")


@pytest.mark.parametrize(
    ("tiers", "expected"),
    [([], None), ([None], None), ([3], 3), ([4, 2, 3], 2), ([None, 4], 4), ([1, 1], 1)],
)
def test_vendor_takes_highest_service_tier(tiers, expected):
    assert vendor_tier(tiers) == expected


intakes = st.builds(
    Intake,
    use_case=st.sampled_from(sorted(VOCABULARIES["use_case"])),
    data_class=st.sampled_from(sorted(VOCABULARIES["data_class"])),
    critical_function=st.sampled_from(sorted(VOCABULARIES["critical_function"])),
    reliance=st.sampled_from(sorted(VOCABULARIES["reliance"])),
    integration=st.sampled_from(sorted(VOCABULARIES["integration"])),
    autonomy=st.sampled_from(sorted(VOCABULARIES["autonomy"])),
    users_affected=st.integers(min_value=0, max_value=10_000_000),
    is_public_facing=st.booleans(),
    discontinuation_impact=st.sampled_from(sorted(VOCABULARIES["discontinuation_impact"])),
    rto_hours=st.none() | st.integers(min_value=0, max_value=1000),
)


@given(intakes)
def test_tier_is_consistent_with_inherent_risk(intake):
    result = tier_intake(intake)
    assert 1 <= result.inherent_risk <= 3
    assert 1 <= result.tier <= 4
    assert result.reason.startswith(f"T{result.tier} because ")
    assert result.inherent_risk >= max(d.score for d in result.domains)
    if intake.critical_function == "yes":
        assert result.tier == 1
    if result.inherent_risk == 1:
        assert result.tier == 4


@given(intakes)
def test_critical_function_never_lowers_the_tier(intake):
    base = tier_intake(replace(intake, critical_function="no"))
    for value in ("yes", "not_assessed"):
        assert tier_intake(replace(intake, critical_function=value)).tier <= base.tier
