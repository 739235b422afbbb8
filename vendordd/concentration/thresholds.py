"""Concentration thresholds: presets, custom values, and which rule a layer breaches by how much.

Pure; storing thresholds per layer in the admin settings is the settings layer's job. Reference
§4.2 — all of these are risk-appetite choices borrowed from merger screens, not legal limits:

- Rules, each breached only when the figure is strictly above its limit: `hhi` (the layer's
  HHI), `top1` (the largest single share, percent) and `hhi_delta` (the pre-contract test: the
  change in HHI that onboarding one prospective service would cause). A limit of None switches
  its rule off; a layer with no data breaches nothing.
- Figures are compared with the limits at six decimals, so a figure exactly on a limit by hand
  (an HHI of 1,800 that binary floating point makes 1,800.0000000000002) is not a breach.
- Presets: `us_2023` (US DOJ/FTC 2023: HHI above 1,800 or a single share above 30 %) and `eu`
  (EU 2004 horizontal merger guidelines: HHI above 2,000). Both carry the reference's
  "Δ-HHI above 100 on onboarding" pre-contract test. `us_2023` is the default.
- Custom values: HHI and Δ-HHI limits within 0-10,000, the top-1 limit within 0-100.
- The onboarding check (`onboarding_breaches`) is the Δ-HHI rule plus the HHI and top-1 rules
  applied to the layer as it would be after onboarding (reference: pre-contract checks).
- A breach says the rule, the limit, the figure and the excess (figure - limit), at six
  decimals.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from vendordd.concentration.metrics import SHARE_DECIMALS, Change, Concentration

HHI, TOP1, HHI_DELTA = "hhi", "top1", "hhi_delta"
RULE_LABELS = {
    HHI: "HHI",
    TOP1: "single-provider share",
    HHI_DELTA: "change in HHI on onboarding",
}
HHI_MAX, SHARE_MAX = 10_000.0, 100.0


class Thresholds(NamedTuple):
    """One layer's limits; a limit of None switches its rule off."""

    name: str
    hhi_above: float | None
    top1_above: float | None
    delta_above: float | None


class Breach(NamedTuple):
    rule: str  # a key of RULE_LABELS
    limit: float
    value: float
    excess: float  # value - limit, > 0


PRESETS = {
    "us_2023": Thresholds("US 2023", 1_800.0, 30.0, 100.0),
    "eu": Thresholds("EU", 2_000.0, None, 100.0),
}
DEFAULT_PRESET = "us_2023"


def custom_thresholds(
    *,
    hhi_above: float | None,
    top1_above: float | None,
    delta_above: float | None,
    name: str = "Custom",
) -> Thresholds:
    """Thresholds from custom values, refusing any outside its rule's range."""
    for rule, value, most in (
        (HHI, hhi_above, HHI_MAX),
        (TOP1, top1_above, SHARE_MAX),
        (HHI_DELTA, delta_above, HHI_MAX),
    ):
        if value is not None and not 0 <= value <= most:
            raise ValueError(f"{RULE_LABELS[rule]} limit {value:g} is outside 0-{most:,.0f}")
    return Thresholds(name, hhi_above, top1_above, delta_above)


def layer_breaches(result: Concentration, limits: Thresholds) -> tuple[Breach, ...]:
    """The HHI and top-1 rules a layer's figures break, HHI first."""
    return tuple(
        breach
        for breach in (
            _breach(HHI, result.hhi, limits.hhi_above),
            _breach(TOP1, result.top1, limits.top1_above),
        )
        if breach is not None
    )


def book_breaches(
    results: Mapping[str, Concentration], limits: Mapping[str, Thresholds]
) -> dict[str, tuple[Breach, ...]]:
    """Each layer's breaches against its own limits; a layer without limits breaches nothing."""
    return {
        layer: layer_breaches(result, limits[layer]) if layer in limits else ()
        for layer, result in results.items()
    }


def onboarding_breaches(change: Change, limits: Thresholds) -> tuple[Breach, ...]:
    """The pre-contract test: the Δ-HHI rule, then what the layer would break after onboarding."""
    delta = _breach(HHI_DELTA, change.hhi_delta, limits.delta_above)
    return ((delta,) if delta else ()) + layer_breaches(change.after, limits)


def _breach(rule: str, value: float | None, limit: float | None) -> Breach | None:
    if value is None or limit is None:
        return None
    value = round(value, SHARE_DECIMALS)
    if value <= limit:
        return None
    return Breach(rule, limit, value, round(value - limit, SHARE_DECIMALS))
