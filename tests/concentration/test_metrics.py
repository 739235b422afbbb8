"""The concentration rules of vendordd/concentration/metrics.py (its docstring), worked by hand.

HHI = 10,000 x Σx² / T² (the sum of squared percentage shares); a comment beside each figure
shows the arithmetic.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from vendordd.concentration.metrics import (
    CLOUD,
    COUNTRY,
    LAYERS,
    MODEL_DEVELOPER,
    SERVICES,
    SPEND,
    WEIGHTED,
    Exposure,
    book_concentration,
    concentration,
    exposure_weight,
    onboarding_change,
    select_rows,
    summarise,
    what_if,
)
from vendordd.concentration.resilience import (
    Resilience,
    is_single_point_of_failure,
    single_point_of_failure,
)


def row(service, provider, layer=MODEL_DEVELOPER, tier=3, reliance="low", **extra) -> Exposure:
    return Exposure(service, layer, provider, tier, reliance, **extra)


@pytest.mark.parametrize(
    ("tier", "reliance", "weight"),
    [
        (1, "not_significant", 4),  # T1: every critical or important function is T1
        (1, "full", 4),
        (2, "full", 4),
        (2, "material", 3),
        (3, "low", 2),
        (4, "not_significant", 1),
    ],
)
def test_criticality_weight_from_tier_and_reliance(tier, reliance, weight):
    assert exposure_weight(tier, reliance) == weight


def test_the_reference_worked_example_weighted_50_30_20():
    rows = [
        row(1, "A", tier=1),  # 4
        row(2, "A", tier=4, reliance="not_significant"),  # 1 -> A = 5
        row(3, "B", reliance="material"),  # 3
        row(4, "C", reliance="low"),  # 2 -> T = 10
    ]
    result = concentration(rows, MODEL_DEVELOPER)
    assert [(s.provider, s.exposure, s.percent) for s in result.shares] == [
        ("A", 5, 50.0),
        ("B", 3, 30.0),
        ("C", 2, 20.0),
    ]
    assert result.hhi == 3_800  # 2,500 + 900 + 400
    assert result.effective_providers == pytest.approx(2.631579, abs=1e-6)  # 10,000 / 3,800
    assert (result.top1, result.top1_providers, result.cr3) == (50.0, ("A",), 100.0)
    assert result.services == 4 and result.has_data


def test_the_reference_worked_example_after_onboarding_55_27_18():
    result = summarise(MODEL_DEVELOPER, WEIGHTED, {"A": 55, "B": 27, "C": 18})
    assert result.hhi == 4_078  # 3,025 + 729 + 324


def test_what_if_moves_the_worked_example_from_3800_to_4078():
    # Spend 450/270/180 (50/30/20); a new vendor spending 100 on A -> 550/270/180 of 1,000.
    current = [row(1, "A", spend=450), row(2, "B", spend=270), row(3, "C", spend=180)]
    added = [row(9, "A", spend=Decimal("100.00")), row(9, "aws", layer=CLOUD, spend=100)]
    changes = what_if(current, added, SPEND)
    model = changes[MODEL_DEVELOPER]
    assert (model.before.hhi, model.after.hhi, model.hhi_delta) == (3_800, 4_078, 278)
    assert (model.before.top1, model.after.top1, model.top1_delta) == (50, 55, 5)
    cloud = changes[CLOUD]  # no cloud before: its first dependency takes HHI from 0 to 10,000
    assert not cloud.before.has_data and cloud.before.hhi is None
    assert (cloud.after.hhi, cloud.hhi_delta, cloud.top1_delta) == (10_000, 10_000, 100)
    assert changes[COUNTRY].hhi_delta == 0 and not changes[COUNTRY].after.has_data
    assert list(changes) == list(LAYERS)


def test_onboarding_change_starts_from_a_layer_summarised_from_sql_totals():
    # The concentration page has the layer from a GROUP BY; the new service adds to it.
    before = summarise(CLOUD, WEIGHTED, {"aws": 5, "azure": 3, "gcp": 2}, services=6)
    added = [
        row(9, "aws", layer=CLOUD, tier=1),
        row(9, "aws", layer=CLOUD, tier=1),  # repeated: counts once
        row(9, "azure", layer=CLOUD, tier=1),
        row(9, "openai"),  # another layer: ignored here
    ]
    change = onboarding_change(before, added)
    # aws 5 + 4 = 9, azure 3 + 4 = 7, gcp 2: T = 18; 10,000 x (81 + 49 + 4) / 324 = 4,135.80
    assert [(s.provider, s.exposure) for s in change.after.shares] == [
        ("aws", 9),
        ("azure", 7),
        ("gcp", 2),
    ]
    assert change.after.hhi == pytest.approx(4_135.802469, abs=1e-6)
    assert change.hhi_delta == pytest.approx(335.802469, abs=1e-6)  # from 3,800
    assert change.top1_delta == pytest.approx(0.0, abs=1e-9)  # 9/18 = 50 % as before
    assert change.after.services == 7


def test_onboarding_change_keeps_the_parent_grouping_of_the_layer():
    book = [row(1, "aws", layer=CLOUD, parent="amazon"), row(2, "azure", layer=CLOUD)]
    before = concentration(book, CLOUD, SERVICES, by_parent=True)
    change = onboarding_change(before, [row(3, "bedrock", layer=CLOUD, parent="amazon")])
    assert [(s.provider, s.exposure) for s in change.after.shares] == [
        ("amazon", 2),
        ("azure", 1),
    ]
    assert change.after.by_parent and change.hhi_delta == pytest.approx(555.555556, abs=1e-6)


def test_what_if_with_a_new_provider_lowers_concentration():
    changes = what_if([row(1, "A")], [row(2, "B")], SERVICES)
    # 100 % -> 50/50: HHI 10,000 -> 2,500 + 2,500 = 5,000
    assert (changes[MODEL_DEVELOPER].hhi_delta, changes[MODEL_DEVELOPER].top1_delta) == (
        -5_000,
        -50,
    )


def test_30_30_20_20_gives_2600_with_a_tie_at_the_top():
    rows = [row(s, p) for s, p in enumerate("AAABBBCCDD")]  # counts 3, 3, 2, 2 of 10
    result = concentration(rows, MODEL_DEVELOPER, SERVICES)
    assert result.hhi == 2_600  # 900 + 900 + 400 + 400
    assert result.top1 == 30.0
    assert result.top1_providers == ("A", "B")  # both named; listed by provider name
    assert result.cr3 == 80.0  # 30 + 30 + 20
    assert result.effective_providers == pytest.approx(3.846154, abs=1e-6)


def test_ties_are_found_at_six_decimals_and_listed_by_name():
    # 0.1 + 0.2 is 0.30000000000000004 in binary floating point; by hand it equals 0.3.
    result = summarise(MODEL_DEVELOPER, SPEND, {"Zeta": 0.1 + 0.2, "Alpha": 0.3, "M": 0.4})
    assert [s.provider for s in result.shares] == ["M", "Alpha", "Zeta"]
    flat = summarise(MODEL_DEVELOPER, SPEND, {"Zeta": 0.1 + 0.2, "Alpha": 0.3})
    assert flat.top1_providers == ("Alpha", "Zeta")
    assert [s.provider for s in flat.shares] == ["Alpha", "Zeta"]


def test_a_single_provider_is_10000():
    result = concentration([row(1, "A"), row(2, "A")], MODEL_DEVELOPER)
    assert (result.hhi, result.effective_providers, result.top1, result.cr3) == (
        10_000,
        1,
        100,
        100,
    )


@pytest.mark.parametrize(
    ("exposures", "cr3"),
    [
        ({"A": 1}, 100.0),
        ({"A": 3, "B": 1}, 100.0),  # fewer than three providers: all of them
        ({"A": 4, "B": 3, "C": 2, "D": 1}, 90.0),  # 40 + 30 + 20
    ],
)
def test_cr3_sums_the_three_largest_shares(exposures, cr3):
    assert summarise(CLOUD, WEIGHTED, exposures).cr3 == cr3


@pytest.mark.parametrize("basis", [SERVICES, WEIGHTED, SPEND])
def test_an_empty_book_is_no_data_not_a_division_by_zero(basis):
    result = concentration([], CLOUD, basis)
    assert not result.has_data
    assert (result.total, result.shares, result.services) == (0, (), 0)
    assert result.hhi is result.effective_providers is result.top1 is result.cr3 is None
    assert result.top1_providers == ()
    assert all(not r.has_data for r in book_concentration([], basis).values())


def test_spend_basis_with_no_known_spend_is_no_data_and_says_why():
    rows = [row(1, "A"), row(2, "B", spend=Decimal("0"))]
    result = concentration(rows, MODEL_DEVELOPER, SPEND)
    assert not result.has_data
    assert (result.services, result.without_spend) == (2, 1)


def test_spend_basis_leaves_out_unknown_spend_and_reads_decimals():
    rows = [row(1, "A", spend=Decimal("750.50")), row(2, "B", spend=249.5), row(3, "C")]
    result = concentration(rows, MODEL_DEVELOPER, SPEND)
    assert [(s.provider, s.percent) for s in result.shares] == [("A", 75.05), ("B", 24.95)]
    assert (result.total, result.services, result.without_spend) == (1_000, 3, 1)


def test_a_service_on_two_providers_counts_in_full_for_each():
    rows = [
        row(1, "aws", layer=CLOUD, tier=1),
        row(1, "azure", layer=CLOUD, tier=1),
        row(2, "aws", layer=CLOUD, reliance="material"),
    ]
    weighted = concentration(rows, CLOUD)
    # aws 4 + 3 = 7, azure 4: T = 11 (not 7: service 1 is not split)
    assert [(s.provider, s.exposure) for s in weighted.shares] == [("aws", 7), ("azure", 4)]
    assert weighted.hhi == pytest.approx(10_000 * (49 + 16) / 121)  # 5,371.90
    counted = concentration(rows, CLOUD, SERVICES)
    assert [(s.provider, s.exposure) for s in counted.shares] == [("aws", 2), ("azure", 1)]
    assert counted.services == 2


def test_repeated_rows_count_once_and_other_layers_are_ignored():
    rows = [row(1, "A"), row(1, "A"), row(2, "B"), row(3, "HK", layer=COUNTRY)]
    result = concentration(rows, MODEL_DEVELOPER, SERVICES)
    assert [(s.provider, s.exposure) for s in result.shares] == [("A", 1), ("B", 1)]
    assert result.hhi == 5_000


def test_grouping_by_ultimate_parent_adds_connected_providers():
    rows = [
        row(1, "aws", layer=CLOUD, parent="amazon"),
        row(1, "bedrock", layer=CLOUD, parent="amazon"),  # same service, same parent: twice
        row(2, "azure", layer=CLOUD, parent="microsoft"),
        row(3, "oci", layer=CLOUD),  # no parent: its own group
    ]
    alone = concentration(rows, CLOUD, SERVICES)
    grouped = concentration(rows, CLOUD, SERVICES, by_parent=True)
    assert alone.hhi == 2_500  # four providers of 1 each
    assert [(s.provider, s.exposure) for s in grouped.shares] == [
        ("amazon", 2),
        ("microsoft", 1),
        ("oci", 1),
    ]
    assert grouped.hhi == 3_750  # 50² + 25² + 25²
    assert grouped.total == alone.total == 4


def test_grouping_does_not_merge_a_service_twice_so_it_never_lowers_hhi():
    # Ten services each on both a1 and a2 (one parent), twenty others on one provider each.
    rows = [row(s, p, parent="a") for s in range(10) for p in ("a1", "a2")]
    rows += [row(100 + n, f"o{n}") for n in range(20)]
    alone = concentration(rows, MODEL_DEVELOPER, SERVICES)
    grouped = concentration(rows, MODEL_DEVELOPER, SERVICES, by_parent=True)
    assert alone.hhi == 1_375  # 25² + 25² + 20 x 2.5² (total 40)
    # a = 10 + 10 = 20 of 40: 50² + 20 x 2.5² = 2,625. Counting each service once for the
    # group (a = 10 of 30) would give 33.3² + 20 x 3.3² = 1,333: lower than apart.
    assert grouped.hhi == 2_625


def test_select_rows_applies_each_filter():
    rows = [
        row(1, "A", tier=1, entity_ids=frozenset({10}), function_ids=frozenset({7})),
        row(2, "A", tier=3, entity_ids=frozenset({10, 11}), status="prospect"),
        row(3, "B", tier=2, entity_ids=frozenset({11}), function_ids=frozenset({7, 8})),
    ]
    ids = lambda **f: [r.service_id for r in select_rows(rows, **f)]  # noqa: E731
    assert ids() == [1, 2, 3]  # the group sees every entity
    assert ids(entity_id=11) == [2, 3]
    assert ids(tiers=[1, 2]) == [1, 3]
    assert ids(function_id=7) == [1, 3]
    assert ids(statuses=["active"]) == [1, 3]
    assert ids(entity_id=10, function_id=7) == [1]


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="unknown basis"):
        concentration([], CLOUD, "headcount")
    with pytest.raises(ValueError, match="negative"):
        summarise(CLOUD, SPEND, {"A": -1})
    with pytest.raises(KeyError):
        exposure_weight(3, "total")


@pytest.mark.parametrize(
    ("tier", "paths", "substitutability", "tested", "reasons"),
    [
        (1, 1, "not_substitutable", True, ("one model path, not substitutable",)),
        (2, 1, "highly_complex", True, ("one model path, highly complex to substitute",)),
        (1, 1, "easily_substitutable", False, ("one model path, failover not tested",)),
        (1, 1, "medium_complexity", None, ("one model path, failover not tested",)),
        (
            2,
            1,
            "not_substitutable",
            False,
            ("one model path, not substitutable", "one model path, failover not tested"),
        ),
        (1, 1, None, True, ()),  # substitutability unknown, failover tested
        (1, 1, "medium_complexity", True, ()),
        (1, 2, "not_substitutable", False, ()),  # two model paths
        (1, 0, "not_substitutable", False, ()),  # no model path recorded
        (3, 1, "not_substitutable", False, ()),  # T3 and T4 are out of the test
        (4, 1, "not_substitutable", False, ()),
    ],
)
def test_single_points_of_failure(tier, paths, substitutability, tested, reasons):
    service = Resilience(1, tier, paths, substitutability, tested)
    assert single_point_of_failure(service) == reasons
    assert is_single_point_of_failure(service) is bool(reasons)
