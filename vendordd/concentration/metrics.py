"""Concentration metrics: exposure rows in, shares, HHI, CR3 and what-if changes out.

Pure: no Flask, no database, no clock. The SQL layer fills `Exposure` rows (or aggregates them
itself and hands per-provider totals to `summarise`). The rules, so each figure can be redone
by hand (reference §4.2):

Exposure
- One `Exposure` row is one service's dependency on one provider in one layer: model developer,
  hosting platform, cloud, or country (the provider is then an ISO country code).
- Rows repeating the same (service, provider) in a layer count once (the first is counted).
- A service counts in full towards every distinct provider it depends on in a layer, not split
  between them: an outage of either of two clouds hits the whole service. So a service on two
  clouds adds its exposure to each, and a layer's total exposure is the sum over providers.
- Three bases: `services` (each service counts 1); `weighted` (criticality weight, below);
  `spend` (the service's annual spend; unknown spend counts 0 and is reported as
  `without_spend`).
- Criticality weight (reference §4.2, RoI reliance scale): 4 for a T1 service (every service
  supporting a critical or important function is T1) or full reliance; otherwise 3 for
  material, 2 for low, 1 for not significant reliance.
- Grouped by ultimate parent (`by_parent=True`), a provider's exposure is added to its
  parent's (the `parent` of the provider's first row, or the provider itself when it has none).
  Nothing is de-duplicated across the providers of one group — a service on two of them counts
  twice, as two arrangements with closely connected providers (DORA 29(1)(b)) — so the layer
  total is unchanged and grouping can only raise HHI, since (a + b)² ≥ a² + b².

Figures, for a layer with total exposure T > 0 and provider exposures x
- share = 100 * x / T percent; shares are listed largest first (at six decimals), ties by name;
  providers with zero exposure (spend basis) are left out.
- HHI = Σ share² = 10,000 * Σx² / T², between 10,000 / n (n equal providers) and 10,000 (one).
- effective number of providers = 10,000 / HHI.
- top-1 share = the largest share; `top1_providers` names every provider tied on it (shares
  compared at six decimals).
- CR3 = the sum of the three largest shares (all of them, i.e. 100, with fewer than three).
- T = 0 (no rows, or no known spend) is "no data": no shares, and HHI, effective number,
  top-1 and CR3 are None — never a division by zero.

What-if (onboarding): a layer's figures over the current book, then with a prospective service's
declared rows added (a new service: its exposure adds to the current totals; `onboarding_change`
does this from a layer already summarised, e.g. from SQL totals). The change is after - before,
where a layer with no data counts as HHI 0 and top-1 share 0 (its first dependency is a change
to 10,000).

Thresholds and breaches are in `thresholds.py`, single points of failure in `resilience.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from math import fsum
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
    by_parent: bool = False  # providers grouped by ultimate parent

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


def exposure_weight(tier: int, reliance: str) -> int:
    """Criticality weight: 4 for T1 or full reliance, else 3 material, 2 low, 1 not significant."""
    return CRITICAL_WEIGHT if tier == 1 else RELIANCE_WEIGHTS[reliance]


def provider_exposures(
    rows: Iterable[Exposure], layer: str, basis: str = WEIGHTED, *, by_parent: bool = False
) -> tuple[dict[str, float], int, int]:
    """Each provider's (or parent's) exposure in a layer, the services, those without spend."""
    if basis not in BASES:
        raise ValueError(f"unknown basis {basis!r}; expected one of {', '.join(BASES)}")
    by_provider: dict[str, dict[int, float]] = {}  # provider -> service -> exposure
    parents: dict[str, str] = {}
    unpriced: set[int] = set()
    is_count, is_weighted = basis == SERVICES, basis == WEIGHTED
    # The hot loop (27,000 rows a layer): a dict per provider de-duplicates services faster
    # than a set of (service, provider) pairs.
    for row in rows:
        if row.layer != layer:
            continue
        provider = row.provider
        exposures = by_provider.get(provider)
        if exposures is None:
            exposures = by_provider[provider] = {}
            parents[provider] = row.parent or provider
        service_id = row.service_id
        if service_id in exposures:
            continue
        if is_count:
            exposures[service_id] = 1.0
        elif is_weighted:
            # exposure_weight, inlined
            weight = CRITICAL_WEIGHT if row.tier == 1 else RELIANCE_WEIGHTS[row.reliance]
            exposures[service_id] = weight
        elif row.spend is None:
            unpriced.add(service_id)
            exposures[service_id] = 0.0
        else:
            exposures[service_id] = float(row.spend)
    totals: dict[str, float] = {}
    for provider, exposures in by_provider.items():
        key = parents[provider] if by_parent else provider
        totals[key] = totals.get(key, 0.0) + fsum(exposures.values())  # fsum: order-free
    services = set().union(*by_provider.values())
    return totals, len(services), len(unpriced)


def summarise(
    layer: str,
    basis: str,
    exposures: Mapping[str, float | Decimal],
    *,
    services: int = 0,
    without_spend: int = 0,
    by_parent: bool = False,
) -> Concentration:
    """Shares, HHI, effective number, top-1 and CR3 from each provider's exposure."""
    # float(): SQL sums of spend arrive as Decimal.
    values = {provider: float(value) for provider, value in exposures.items()}
    if any(value < 0 for value in values.values()):
        raise ValueError("exposure cannot be negative")
    total = fsum(values.values())  # fsum: the same total whatever the order of providers
    if not total:
        return Concentration(
            layer, basis, 0.0, (), None, None, None, (), None, services, without_spend, by_parent
        )
    positive = (
        Share(provider, value, 100 * value / total) for provider, value in values.items() if value
    )
    # Ranked on shares at six decimals, so a tie by hand is broken by name, not by rounding.
    shares = tuple(sorted(positive, key=lambda s: (-round(s.percent, SHARE_DECIMALS), s.provider)))
    hhi = 10_000 * fsum(value * value for value in values.values()) / (total * total)
    top1 = shares[0].percent
    tied = tuple(s.provider for s in shares if _same(s.percent, top1))
    cr3 = sum(share.percent for share in shares[:3])
    effective = 10_000 / hhi
    return Concentration(
        layer,
        basis,
        total,
        shares,
        hhi,
        effective,
        top1,
        tied,
        cr3,
        services,
        without_spend,
        by_parent,
    )


def concentration(
    rows: Iterable[Exposure], layer: str, basis: str = WEIGHTED, *, by_parent: bool = False
) -> Concentration:
    """One layer's figures on one basis over exposure rows; see the module docstring."""
    totals, services, unpriced = provider_exposures(rows, layer, basis, by_parent=by_parent)
    return summarise(
        layer, basis, totals, services=services, without_spend=unpriced, by_parent=by_parent
    )


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
    layers: Iterable[str] = LAYERS,
) -> dict[str, Change]:
    """Per layer: the book before and after adding a prospective (new) service's rows."""
    current: dict[str, list[Exposure]] = {layer: [] for layer in layers}
    for row in current_rows:
        if row.layer in current:  # rows of other layers (e.g. vector stores) are not counted
            current[row.layer].append(row)
    added = tuple(added_rows)
    return {
        layer: onboarding_change(concentration(rows, layer, basis, by_parent=by_parent), added)
        for layer, rows in current.items()
    }


def onboarding_change(before: Concentration, added_rows: Iterable[Exposure]) -> Change:
    """One layer, as already summarised, before and after adding a new service's rows."""
    added, services, unpriced = provider_exposures(
        added_rows, before.layer, before.basis, by_parent=before.by_parent
    )
    totals = {share.provider: share.exposure for share in before.shares}
    for provider, value in added.items():
        totals[provider] = totals.get(provider, 0.0) + value
    after = summarise(
        before.layer,
        before.basis,
        totals,
        services=before.services + services,
        without_spend=before.without_spend + unpriced,
        by_parent=before.by_parent,
    )
    return layer_change(before, after)


def layer_change(before: Concentration, after: Concentration) -> Change:
    """The change in HHI and top-1 share; a layer with no data counts as 0 for both."""
    return Change(
        before.layer,
        before,
        after,
        (after.hhi or 0.0) - (before.hhi or 0.0),
        (after.top1 or 0.0) - (before.top1 or 0.0),
    )


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


def _same(a: float, b: float) -> bool:
    return round(a, SHARE_DECIMALS) == round(b, SHARE_DECIMALS)
