"""Concentration metrics: exposure rows in, shares, HHI, CR3 and what-if changes out.

Pure: no Flask, no database, no clock. The SQL layer fills `Exposure` rows (or aggregates them
itself and hands per-provider totals to `summarise`). The rules, so each figure can be redone
by hand (reference §4.2):

Exposure
- One `Exposure` row is one service's dependency on one provider in one layer: model developer,
  hosting platform, cloud, or country (the provider is then an ISO country code).
- Rows repeating the same (service, provider) in a layer count once.
- A service counts in full towards every distinct provider it depends on in a layer, not split
  between them: an outage of either of two clouds hits the whole service. So a service on two
  clouds adds its exposure to each, and a layer's total exposure is the sum over providers.
- Three bases: `services` (each service counts 1); `weighted` (criticality weight, below);
  `spend` (the service's annual spend; unknown spend counts 0 and is reported as
  `without_spend`).
- Criticality weight (reference §4.2, RoI reliance scale): 4 for a T1 service (every service
  supporting a critical or important function is T1) or full reliance; otherwise 3 for
  material, 2 for low, 1 for not significant reliance.
- Grouped by ultimate parent (`by_parent=True`), a provider's exposure is added to its parent's
  (`parent`, or the provider itself when it has none). Nothing is de-duplicated across the
  providers of one group — a service on two of them counts twice, as two arrangements with
  closely connected providers (DORA 29(1)(b)) — so the layer total is unchanged and grouping
  can only raise HHI, since (a + b)² ≥ a² + b².

Figures, for a layer with total exposure T > 0 and provider exposures x
- share = 100 * x / T percent; shares are listed largest first, ties by provider name;
  providers with zero exposure (spend basis) are left out.
- HHI = Σ share² = 10,000 * Σx² / T², between 10,000 / n (n equal providers) and 10,000 (one).
- effective number of providers = 10,000 / HHI.
- top-1 share = the largest share; `top1_providers` names every provider tied on it (shares
  compared at six decimals).
- CR3 = the sum of the three largest shares (all of them, i.e. 100, with fewer than three).
- T = 0 (no rows, or no known spend) is "no data": no shares, and HHI, effective number,
  top-1 and CR3 are None — never a division by zero.

What-if (onboarding): the layer's figures over the current rows, then over the current rows
plus the prospective service's declared rows; the change is after - before, where a layer with
no data counts as HHI 0 and top-1 share 0 (its first dependency is a change to 10,000).

Single point of failure: a T1 or T2 service with exactly one model path (one model developer it
can use) whose substitutability is "not substitutable" or "highly complex", or whose failover
has not been tested (unknown counts as not tested). Unknown substitutability alone flags nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import NamedTuple

MODEL_DEVELOPER, HOSTING_PLATFORM, CLOUD, COUNTRY = (
    "model_developer",
    "hosting_platform",
    "cloud",
    "country",
)
LAYERS = (MODEL_DEVELOPER, HOSTING_PLATFORM, CLOUD, COUNTRY)
SERVICES, WEIGHTED, SPEND = "services", "weighted", "spend"
BASES = (SERVICES, WEIGHTED, SPEND)
RELIANCE_WEIGHTS = {"full": 4, "material": 3, "low": 2, "not_significant": 1}
CRITICAL_WEIGHT = 4
# DORA RoI B_07.01.0050, in order from hardest to easiest to substitute.
SUBSTITUTABILITY = {
    "not_substitutable": "not substitutable",
    "highly_complex": "highly complex to substitute",
    "medium_complexity": "substitutable with medium complexity",
    "easily_substitutable": "easily substitutable",
}
HARD_TO_SUBSTITUTE = frozenset({"not_substitutable", "highly_complex"})
SHARE_DECIMALS = 6  # shares and HHI are compared at this many decimals (binary floating point)


class Exposure(NamedTuple):
    """One service's dependency on one provider in one layer, with what the filters need."""

    service_id: int
    layer: str  # one of LAYERS
    provider: str  # provider key, or an ISO country code in the country layer
    tier: int  # the service's tier, 1-4
    reliance: str  # a key of RELIANCE_WEIGHTS
    parent: str | None = None  # ultimate parent's key; None when the provider is its own
    spend: float | Decimal | None = None  # the service's annual spend; None when unknown
    vendor_id: int | None = None
    status: str = "active"  # the vendor's status
    entity_ids: frozenset[int] = frozenset()
    function_ids: frozenset[int] = frozenset()


class Share(NamedTuple):
    provider: str
    exposure: float
    percent: float


class Concentration(NamedTuple):
    """One layer's figures on one basis; HHI and the rest are None when there is no data."""

    layer: str
    basis: str
    total: float
    shares: tuple[Share, ...]
    hhi: float | None
    effective_providers: float | None
    top1: float | None
    top1_providers: tuple[str, ...]
    cr3: float | None
    services: int  # distinct services with a row in the layer
    without_spend: int = 0  # of those, how many have no known spend (spend basis only)

    @property
    def has_data(self) -> bool:
        return self.hhi is not None


class Change(NamedTuple):
    """A layer before and after adding a prospective service's rows."""

    layer: str
    before: Concentration
    after: Concentration
    hhi_delta: float
    top1_delta: float


class Resilience(NamedTuple):
    """What the single-point-of-failure test reads about one service."""

    service_id: int
    tier: int
    model_paths: int  # distinct model developers the service can run on
    substitutability: str | None  # a key of SUBSTITUTABILITY; None when not answered
    is_failover_tested: bool | None  # None when not answered


def exposure_weight(tier: int, reliance: str) -> int:
    """Criticality weight: 4 for T1 or full reliance, else 3 material, 2 low, 1 not significant."""
    return CRITICAL_WEIGHT if tier == 1 else RELIANCE_WEIGHTS[reliance]


def provider_exposures(
    rows: Iterable[Exposure], layer: str, basis: str = WEIGHTED, *, by_parent: bool = False
) -> tuple[dict[str, float], int, int]:
    """Each provider's (or parent's) exposure in a layer, the services, those without spend."""
    if basis not in BASES:
        raise ValueError(f"unknown basis {basis!r}; expected one of {', '.join(BASES)}")
    totals: dict[str, float] = {}
    seen: set[tuple[int, str]] = set()
    services: set[int] = set()
    unpriced: set[int] = set()
    for row in rows:
        if row.layer != layer or (row.service_id, row.provider) in seen:
            continue
        seen.add((row.service_id, row.provider))
        services.add(row.service_id)
        if basis == SERVICES:
            value = 1.0
        elif basis == WEIGHTED:
            value = exposure_weight(row.tier, row.reliance)
        elif row.spend is None:
            unpriced.add(row.service_id)
            value = 0.0
        else:
            value = float(row.spend)
        key = (row.parent or row.provider) if by_parent else row.provider
        totals[key] = totals.get(key, 0.0) + value
    return totals, len(services), len(unpriced)


def summarise(
    layer: str,
    basis: str,
    exposures: Mapping[str, float | Decimal],
    *,
    services: int = 0,
    without_spend: int = 0,
) -> Concentration:
    """Shares, HHI, effective number, top-1 and CR3 from each provider's exposure."""
    # float(): SQL sums of spend arrive as Decimal.
    values = {provider: float(value) for provider, value in exposures.items()}
    if any(value < 0 for value in values.values()):
        raise ValueError("exposure cannot be negative")
    ranked = sorted(
        ((provider, value) for provider, value in values.items() if value > 0),
        key=lambda item: (-item[1], item[0]),
    )
    total = sum(value for _provider, value in ranked)
    if not total:
        return Concentration(
            layer, basis, 0.0, (), None, None, None, (), None, services, without_spend
        )
    shares = tuple(Share(provider, value, 100 * value / total) for provider, value in ranked)
    hhi = 10_000 * sum(value * value for _provider, value in ranked) / (total * total)
    top1 = shares[0].percent
    tied = tuple(s.provider for s in shares if _same(s.percent, top1))
    cr3 = sum(share.percent for share in shares[:3])
    return Concentration(
        layer, basis, total, shares, hhi, 10_000 / hhi, top1, tied, cr3, services, without_spend
    )


def concentration(
    rows: Iterable[Exposure], layer: str, basis: str = WEIGHTED, *, by_parent: bool = False
) -> Concentration:
    """One layer's figures on one basis over exposure rows; see the module docstring."""
    totals, services, unpriced = provider_exposures(rows, layer, basis, by_parent=by_parent)
    return summarise(layer, basis, totals, services=services, without_spend=unpriced)


def book_concentration(
    rows: Iterable[Exposure], basis: str = WEIGHTED, *, by_parent: bool = False
) -> dict[str, Concentration]:
    """Every layer's figures on one basis, in the order of LAYERS."""
    rows = tuple(rows)
    return {layer: concentration(rows, layer, basis, by_parent=by_parent) for layer in LAYERS}


def what_if(
    current_rows: Iterable[Exposure],
    added_rows: Iterable[Exposure],
    basis: str = WEIGHTED,
    *,
    by_parent: bool = False,
) -> dict[str, Change]:
    """Per layer: the figures before and after adding a prospective service's rows."""
    current, added = tuple(current_rows), tuple(added_rows)
    changes = {}
    for layer in LAYERS:
        before = concentration(current, layer, basis, by_parent=by_parent)
        after = concentration(current + added, layer, basis, by_parent=by_parent)
        changes[layer] = Change(
            layer,
            before,
            after,
            (after.hhi or 0.0) - (before.hhi or 0.0),
            (after.top1 or 0.0) - (before.top1 or 0.0),
        )
    return changes


def select_rows(
    rows: Iterable[Exposure],
    *,
    entity_id: int | None = None,
    tiers: Iterable[int] | None = None,
    function_id: int | None = None,
    statuses: Iterable[str] | None = None,
) -> list[Exposure]:
    """The rows one filter set sees; None means no filter (the group sees every entity)."""
    tier_set = None if tiers is None else frozenset(tiers)
    status_set = None if statuses is None else frozenset(statuses)
    return [
        row
        for row in rows
        if (entity_id is None or entity_id in row.entity_ids)
        and (tier_set is None or row.tier in tier_set)
        and (function_id is None or function_id in row.function_ids)
        and (status_set is None or row.status in status_set)
    ]


def single_point_of_failure(service: Resilience) -> tuple[str, ...]:
    """Why a service is a single point of failure; empty when it is not one."""
    if service.tier > 2 or service.model_paths != 1:
        return ()
    reasons = []
    if service.substitutability in HARD_TO_SUBSTITUTE:
        reasons.append(f"one model path, {SUBSTITUTABILITY[service.substitutability]}")
    if not service.is_failover_tested:
        reasons.append("one model path, failover not tested")
    return tuple(reasons)


def is_single_point_of_failure(service: Resilience) -> bool:
    """A T1/T2 service on one model path, hard to substitute or without tested failover."""
    return bool(single_point_of_failure(service))


def _same(a: float, b: float) -> bool:
    return round(a, SHARE_DECIMALS) == round(b, SHARE_DECIMALS)
