"""Threshold presets, custom values and breaches (vendordd/concentration/thresholds.py)."""

from __future__ import annotations

import pytest

from vendordd.concentration.metrics import CLOUD, MODEL_DEVELOPER, SPEND, Change, summarise
from vendordd.concentration.thresholds import (
    HHI,
    HHI_DELTA,
    LAYER_RULES,
    PRESETS,
    TOP1,
    Breach,
    book_breaches,
    custom_thresholds,
    describe,
    layer_breaches,
    onboarding_breaches,
)

US, EU = PRESETS["us_2023"], PRESETS["eu"]


def layer(exposures, name=MODEL_DEVELOPER):
    return summarise(name, SPEND, exposures)


def test_presets_hold_the_reference_values():
    assert (US.hhi_above, US.top1_above, US.delta_above) == (1_800, 30, 100)
    assert (EU.hhi_above, EU.top1_above, EU.delta_above) == (2_000, None, 100)


def test_an_hhi_exactly_on_the_limit_is_not_a_breach():
    # 20/20/20/20/10/10 is 1,800 by hand; binary floating point makes it 1,800.0000000000005.
    result = layer({"A": 0.2, "B": 0.2, "C": 0.2, "D": 0.2, "E": 0.1, "F": 0.1})
    assert result.hhi != 1_800 and round(result.hhi, 6) == 1_800
    assert layer_breaches(result, US) == ()


def test_a_top1_share_exactly_on_the_limit_is_not_a_breach():
    result = layer({"A": 0.1 + 0.2, "B": 0.25, "C": 0.25, "D": 0.2})  # 30/25/25/20: HHI 2,550
    assert result.top1 > 30  # 30.000000000000004
    assert layer_breaches(result, US) == (Breach(HHI, 1_800, 2_550, 750),)


def test_us_2023_names_each_rule_and_its_excess():
    result = layer({"A": 50, "B": 30, "C": 20})  # HHI 3,800, top-1 50 %
    assert layer_breaches(result, US) == (
        Breach(HHI, 1_800, 3_800, 2_000),
        Breach(TOP1, 30, 50, 20),
    )


def test_eu_has_no_single_share_rule():
    assert layer_breaches(layer({"A": 50, "B": 30, "C": 20}), EU) == (
        Breach(HHI, 2_000, 3_800, 1_800),
    )
    # 30/30/20/20 is 2,600: above EU's 2,000, and 30 % is no breach of US's share rule
    even = layer({"A": 3, "B": 3, "C": 2, "D": 2})
    assert layer_breaches(even, EU) == (Breach(HHI, 2_000, 2_600, 600),)
    assert layer_breaches(even, US) == (Breach(HHI, 1_800, 2_600, 800),)


def test_unconcentrated_and_empty_layers_breach_nothing():
    ten = layer({f"P{n}": 1 for n in range(10)})  # ten at 10 %: HHI 1,000
    assert layer_breaches(ten, US) == layer_breaches(ten, EU) == ()
    assert layer_breaches(layer({}), US) == ()


def test_custom_values_and_switched_off_rules():
    strict = custom_thresholds(hhi_above=2_500, top1_above=25, delta_above=None)
    assert layer_breaches(layer({"A": 3, "B": 3, "C": 2, "D": 2}), strict) == (
        Breach(HHI, 2_500, 2_600, 100),
        Breach(TOP1, 25, 30, 5),
    )
    off = custom_thresholds(hhi_above=None, top1_above=None, delta_above=None)
    assert layer_breaches(layer({"A": 1}), off) == ()
    assert strict.name == "Custom"


@pytest.mark.parametrize(
    "values",
    [
        {"hhi_above": 10_001, "top1_above": 30, "delta_above": 100},
        {"hhi_above": 1_800, "top1_above": 100.5, "delta_above": 100},
        {"hhi_above": 1_800, "top1_above": 30, "delta_above": -1},
    ],
)
def test_custom_values_outside_their_range_are_refused(values):
    with pytest.raises(ValueError, match="outside"):
        custom_thresholds(**values)


def test_a_range_refusal_names_the_rule_the_value_and_the_range():
    with pytest.raises(ValueError) as refused:
        custom_thresholds(hhi_above=12_000, top1_above=120, delta_above=100)
    assert str(refused.value) == (
        "HHI limit 12,000 is outside the allowed range 0 to 10,000; "
        "single-provider share limit 120% is outside the allowed range 0 to 100%"
    )


def test_limits_are_described_in_a_few_words():
    assert describe(US) == "HHI > 1,800 · top-1 > 30% · Δ-HHI > 100"
    assert describe(US, LAYER_RULES) == "HHI > 1,800 · top-1 > 30%"
    assert describe(EU, LAYER_RULES) == "HHI > 2,000"
    only_share = custom_thresholds(hhi_above=None, top1_above=12.5, delta_above=2_500)
    assert describe(only_share) == "top-1 > 12.5% · Δ-HHI > 2,500"
    assert describe(only_share._replace(top1_above=None), LAYER_RULES) == "none"


def test_each_layer_is_checked_against_its_own_limits():
    results = {
        MODEL_DEVELOPER: layer({"A": 50, "B": 30, "C": 20}),
        CLOUD: layer({"aws": 3, "azure": 3, "gcp": 2, "oci": 2}, CLOUD),
        "country": layer({"HK": 1}, "country"),
    }
    breaches = book_breaches(results, {MODEL_DEVELOPER: EU, CLOUD: US})
    assert breaches == {
        MODEL_DEVELOPER: (Breach(HHI, 2_000, 3_800, 1_800),),
        CLOUD: (Breach(HHI, 1_800, 2_600, 800),),
        "country": (),  # no limits set for the layer
    }


def test_onboarding_the_worked_example_breaks_the_delta_test():
    before, after = layer({"A": 50, "B": 30, "C": 20}), layer({"A": 55, "B": 27, "C": 18})
    change = Change(MODEL_DEVELOPER, before, after, after.hhi - before.hhi, 5.0)
    assert onboarding_breaches(change, US) == (
        Breach(HHI_DELTA, 100, 278, 178),
        Breach(HHI, 1_800, 4_078, 2_278),
        Breach(TOP1, 30, 55, 25),
    )


def test_a_delta_exactly_100_is_not_a_breach():
    before = after = layer({f"P{n}": 1 for n in range(10)})  # 1,000, below every HHI limit
    delta = 100 * (0.1 + 0.2) / 0.3  # 100 by hand, 100.00000000000001 in floating point
    change = Change(MODEL_DEVELOPER, before, after, delta, 0.0)
    assert change.hhi_delta != 100 and round(change.hhi_delta, 6) == 100
    assert onboarding_breaches(change, US) == ()
