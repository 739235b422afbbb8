"""Concentration thresholds: presets, custom values, and which rule a layer breaches by how much.

Pure; the institution's thresholds per layer are stored by `limits.py` (admin settings). Reference
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
- Custom values: HHI and Δ-HHI limits within 0-10,000, the top-1 limit within 0-100
  (`limit_problem` says why one is refused).
- The onboarding check (`onboarding_breaches`) is the Δ-HHI rule plus the HHI and top-1 rules
  applied to the layer as it would be after onboarding (reference: pre-contract checks).
- A breach says the rule, the limit, the figure and the excess (figure - limit), at six
  decimals. `describe` puts limits in a few words for pages and the audit trail.
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
LIMIT_RANGES = {HHI: HHI_MAX, TOP1: SHARE_MAX, HHI_DELTA: HHI_MAX}
LIMIT_FIELDS = {HHI: "hhi_above", TOP1: "top1_above", HHI_DELTA: "delta_above"}
UNITS = {TOP1: "%"}
SHORT_LABELS = {HHI: "HHI", TOP1: "top-1", HHI_DELTA: "Δ-HHI"}
LAYER_RULES = (HHI, TOP1)  # the rules a layer of the book is judged by; Δ-HHI is for onboarding


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
    limits = Thresholds(name, hhi_above, top1_above, delta_above)
    problems = [
        problem
        for rule in LIMIT_RANGES
        if (value := limit_of(limits, rule)) is not None and (problem := limit_problem(rule, value))
    ]
    if problems:
        raise ValueError("; ".join(problems))
    return limits


def limit_of(limits: Thresholds, rule: str) -> float | None:
    """A rule's limit (None: the rule is off)."""
    return getattr(limits, LIMIT_FIELDS[rule])


def limit_problem(rule: str, value: float) -> str | None:
    """Why a rule cannot have this limit (it is outside the rule's range), or None."""
    most, unit = LIMIT_RANGES[rule], UNITS.get(rule, "")
    if 0 <= value <= most:
        return None
    return (
        f"{RULE_LABELS[rule]} limit {number(value)}{unit} is outside the allowed range "
        f"0 to {number(most)}{unit}"
    )


def describe(limits: Thresholds, rules: tuple[str, ...] = tuple(RULE_LABELS)) -> str:
    """Some rules' limits in a few words, "HHI > 1,800 · top-1 > 30%"; "none" if all are off."""
    return (
        " · ".join(
            f"{SHORT_LABELS[rule]} > {number(limit)}{UNITS.get(rule, '')}"
            for rule in rules
            if (limit := limit_of(limits, rule)) is not None
        )
        or "none"
    )


def number(value: float) -> str:
    """A limit as people write it: thousands separated, no trailing zeros (1,800; 12.5)."""
    return f"{value:,.15g}"


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
