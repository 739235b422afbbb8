"""The concentration what-if: what one vendor (or one of its services) does to each layer.

The rule, the same for every vendor whatever its status (reference §4.2, the "Δ-HHI above 100
on onboarding" pre-contract test):

- The book is book_exposure (every live dependency of every vendor and status, one row per
  service, layer and provider), as the concentration page shows it with no filter, on the
  criticality-weighted basis, providers not grouped by parent. A prospective vendor's declared
  dependencies are live rows, so they are in the book already, exactly like an active vendor's.
- "After" is the book as it stands (with the vendor's rows); "before" is the book without the
  vendor's (or the one service's) rows. The change is after - before (`metrics.layer_change`).
  For a prospect or a vendor in onboarding this is the impact of approving it; for any other
  vendor it is its contribution to concentration today.
- One statement reads, per layer and provider, the book's exposure and services (book_rollup's
  sums) and the vendor's share of them (its book_exposure rows), so both come from the same
  snapshot; "before" subtracts the one from the other (`contribution`). Weights are whole
  numbers, so the subtraction is exact: the figures `metrics.what_if` gives from the rest of
  the book and the vendor's rows.
- The pre-contract test is `thresholds.onboarding_breaches` against the layer's limits from the
  settings (`limits.book_thresholds`). A layer the vendor has no row in is not affected: it is
  not tested.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from sqlalchemy import func, literal, union_all
from sqlmodel import Session, select

from vendordd.concentration.aggregates import provider_names
from vendordd.concentration.exposures import BookExposure
from vendordd.concentration.limits import book_thresholds
from vendordd.concentration.metrics import WEIGHTED, Change, layer_change, summarise
from vendordd.concentration.models import GROUP_SCOPE, SINGULAR, SUMMARY_LAYERS
from vendordd.concentration.rollup import BookRollup
from vendordd.concentration.thresholds import Breach, Thresholds, onboarding_breaches
from vendordd.vendors.models import Vendor
from vendordd.vendors.validation import countries

PROSPECTIVE_STATUSES = frozenset({"prospect", "onboarding"})


class LayerImpact(NamedTuple):
    """One layer before and after the vendor's rows, and its pre-contract test."""

    layer: str
    change: Change | None  # None: the vendor has no counted row in the layer (not affected)
    services: int  # the vendor's (or service's) services with a counted row in the layer
    limits: Thresholds
    breaches: tuple[Breach, ...]

    @property
    def is_affected(self) -> bool:
        return self.change is not None

    @property
    def label(self) -> str:
        return SINGULAR[self.layer]


class WhatIf(NamedTuple):
    """The what-if of one vendor, or of one of its services (service_id), layer by layer."""

    vendor_id: int
    is_prospective: bool  # prospect or onboarding: the impact of approving it
    service_id: int | None
    impacts: tuple[LayerImpact, ...]  # in the order of SUMMARY_LAYERS; empty without rows
    names: Mapping[str, str]  # provider id (as text) or country code -> name shown

    @property
    def has_rows(self) -> bool:
        return any(impact.is_affected for impact in self.impacts)


def contribution(
    layer: str,
    book: Mapping[str, float],
    own: Mapping[str, float],
    *,
    services: tuple[int, int],
    basis: str = WEIGHTED,
    by_parent: bool = False,
) -> Change:
    """One layer with the rows (`book`, per provider) and without them (`book` - `own`);
    `services` is (the book's, the rows'), each service counted once in the layer."""
    after = summarise(layer, basis, book, services=services[0], by_parent=by_parent)
    rest = {key: total - own.get(key, 0.0) for key, total in book.items()}
    before = summarise(
        layer,
        basis,
        {key: total for key, total in rest.items() if total > 0},
        services=services[0] - services[1],
        by_parent=by_parent,
    )
    return layer_change(before, after)


def vendor_what_if(session: Session, *, vendor: Vendor, service_id: int | None = None) -> WhatIf:
    """Each measured layer before (book without the vendor's rows) and after (the book)."""
    prospective = vendor.status in PROSPECTIVE_STATUSES
    row, sums = BookExposure, BookRollup
    mine = row.vendor_id == vendor.id
    if service_id is not None:
        mine = mine & (row.service_id == service_id)
    nothing = literal(0)
    book_sums = select(
        sums.layer, sums.key, func.sum(sums.weight), nothing, func.sum(sums.firsts), nothing
    ).where(sums.scope == GROUP_SCOPE)
    book_sums = book_sums.group_by(sums.layer, sums.key)
    own_sums = select(
        *(row.layer, row.key, nothing, func.sum(row.weight)),
        *(nothing, func.count().filter(row.is_first)),
    ).where(mine, row.scope == GROUP_SCOPE, row.layer.in_(SUMMARY_LAYERS))
    own_sums = own_sums.group_by(row.layer, row.key)
    book = {layer: ({}, {}, [0, 0]) for layer in SUMMARY_LAYERS}
    for layer, key, total, own, services, own_services in session.exec(
        union_all(book_sums, own_sums)
    ):
        if layer not in book:
            continue  # the "other" layer's sums
        totals, own_totals, counts = book[layer]
        if total:
            totals[key] = float(total)
        if own:
            own_totals[key] = float(own)
        counts[0] += services
        counts[1] += own_services
    if not any(own_totals for _, own_totals, _ in book.values()):
        return WhatIf(vendor.id, prospective, service_id, (), {})
    limits = book_thresholds(session)
    impacts = []
    for layer in SUMMARY_LAYERS:
        totals, own_totals, (services, own_services) = book[layer]
        change = None
        if own_totals:
            change = contribution(layer, totals, own_totals, services=(services, own_services))
        breaches = onboarding_breaches(change, limits[layer]) if change else ()
        impacts.append(LayerImpact(layer, change, own_services, limits[layer], breaches))
    names = provider_names(session)  # keeps its own get(): unregistered names are shown too
    names.update(countries())
    return WhatIf(vendor.id, prospective, service_id, tuple(impacts), names)
