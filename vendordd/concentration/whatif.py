"""The concentration what-if: what one vendor (or one of its services) does to each layer.

The rule, the same for every vendor whatever its status (reference §4.2, the "Δ-HHI above 100
on onboarding" pre-contract test):

- The book is every live dependency row (removed_at is null) of every vendor and status, as the
  concentration page shows it with no filter, on the criticality-weighted basis, providers not
  grouped by parent. A prospective vendor's declared dependencies are live rows, so they are in
  the book already, exactly like an active vendor's.
- "After" is the book as it stands (with the vendor's rows); "before" is the book without the
  vendor's (or the one service's) live rows. The change is after - before
  (`metrics.layer_change`). For a prospect or a vendor in onboarding this is the impact of
  approving it; for any other vendor it is its contribution to concentration today.
- "Before" is the book's per-provider totals minus the vendor's own per-provider exposures
  (`metrics.provider_exposures` over its rows), and its services the book's less the vendor's:
  a service belongs to one vendor and counts once per provider in a layer on both sides, so
  nothing else is touched. Criticality weights are whole numbers, so the subtraction is exact:
  the same figures as `metrics.what_if` from the rest of the book and the vendor's rows.
- Rows naming a provider the registry does not know (no provider id), or a country layer row
  without a country, are not counted (as on the concentration page); the what-if says how many.
- The vendor's rows and the book are two reads; the rows are read again after the book, and
  both again if they changed in between, so "before" is never taken from a book that did not
  hold the rows subtracted.
- The pre-contract test is `thresholds.onboarding_breaches` against the layer's limits from the
  settings (`limits.book_thresholds`). A layer the vendor has no counted row in is not affected:
  its figures are not read and it is not tested.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from sqlmodel import Session, select

from vendordd.concentration.aggregates import Filters, layer_concentrations, provider_names
from vendordd.concentration.limits import book_thresholds
from vendordd.concentration.metrics import (
    Change,
    Concentration,
    Exposure,
    layer_change,
    provider_exposures,
    summarise,
)
from vendordd.concentration.models import COUNTRY_LAYERS, SUMMARY_LAYERS, Dependency
from vendordd.concentration.page import SINGULAR
from vendordd.concentration.thresholds import Breach, Thresholds, onboarding_breaches
from vendordd.vendors.models import Service, Vendor
from vendordd.vendors.validation import countries

PROSPECTIVE_STATUSES = frozenset({"prospect", "onboarding"})
READ_ATTEMPTS = 3  # reads of the book while the vendor's rows keep changing under it


class NotInBook(ValueError):
    """The rows are not part of the book's figures."""


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
    uncounted: int  # live rows left out: unregistered provider, or no country
    names: dict[str, str]  # provider id (as text) or country code -> name shown

    @property
    def has_rows(self) -> bool:
        return any(impact.is_affected for impact in self.impacts)


def contribution(after: Concentration, rows: Iterable[Exposure]) -> Change:
    """One layer summarised over the book with the rows, and before: the book without them.

    Exact on the services and weighted bases (whole numbers); refuses rows the book lacks."""
    own, services, unpriced = provider_exposures(
        rows, after.layer, after.basis, by_parent=after.by_parent
    )
    if services > after.services:
        raise NotInBook(f"{after.layer}: more services in the rows than in the book")
    totals = {share.provider: share.exposure for share in after.shares}
    for provider, exposure in own.items():
        remaining = totals.get(provider, 0.0) - exposure
        if remaining < 0:
            raise NotInBook(f"{after.layer} {provider}: the rows are not in the book's figures")
        totals[provider] = remaining
    before = summarise(
        after.layer,
        after.basis,
        {provider: exposure for provider, exposure in totals.items() if exposure > 0},
        services=after.services - services,
        without_spend=after.without_spend - unpriced,
        by_parent=after.by_parent,
    )
    return layer_change(before, after)


def vendor_exposures(
    session: Session, *, vendor_id: int, service_id: int | None = None
) -> tuple[list[Exposure], int]:
    """The vendor's (or one service's) live rows in the measured layers, and how many of them
    cannot be counted (no registered provider, or no country)."""
    statement = (
        select(
            Dependency.service_id,
            Dependency.layer,
            Dependency.provider_id,
            Dependency.country,
            Service.tier,
            Service.reliance,
        )
        .join(Service, Service.id == Dependency.service_id)
        .where(
            Dependency.vendor_id == vendor_id,
            Dependency.removed_at.is_(None),
            Dependency.layer.in_(SUMMARY_LAYERS),
        )
    )
    if service_id is not None:
        statement = statement.where(Dependency.service_id == service_id)
    rows, uncounted = [], 0
    for service, layer, provider_id, country, tier, reliance in session.exec(
        statement.order_by(Dependency.id)
    ):
        key = country if layer in COUNTRY_LAYERS else provider_id
        if key is None:
            uncounted += 1
            continue
        # The book's keys: the country code, or the provider id as text.
        rows.append(Exposure(service, layer, str(key), tier, reliance, vendor_id=vendor_id))
    return rows, uncounted


def vendor_what_if(session: Session, *, vendor: Vendor, service_id: int | None = None) -> WhatIf:
    """Each measured layer before (book without the vendor's rows) and after (the book)."""
    prospective = vendor.status in PROSPECTIVE_STATUSES
    rows, uncounted, book = _read(session, vendor_id=vendor.id, service_id=service_id)
    if not rows:
        return WhatIf(vendor.id, prospective, service_id, (), uncounted, {})
    limits = book_thresholds(session)
    impacts = []
    for layer in SUMMARY_LAYERS:
        change = contribution(book[layer], rows) if layer in book else None
        services = len({row.service_id for row in rows if row.layer == layer})
        breaches = onboarding_breaches(change, limits[layer]) if change else ()
        impacts.append(LayerImpact(layer, change, services, limits[layer], breaches))
    names = provider_names(session) | countries()
    return WhatIf(vendor.id, prospective, service_id, tuple(impacts), uncounted, names)


def _read(session: Session, *, vendor_id: int, service_id: int | None):
    """The vendor's rows, and the book's figures in the layers they are in, read so that both
    agree: the rows are read again after the book, and if someone changed them (or a service's
    tier) in between, both are read again. The book's other layers are not read."""
    rows, uncounted = vendor_exposures(session, vendor_id=vendor_id, service_id=service_id)
    for _attempt in range(READ_ATTEMPTS):
        if not rows:
            return rows, uncounted, {}
        layers = tuple(layer for layer in SUMMARY_LAYERS if any(r.layer == layer for r in rows))
        book = layer_concentrations(session, layers=layers, filters=Filters())
        again = vendor_exposures(session, vendor_id=vendor_id, service_id=service_id)
        if again == (rows, uncounted):
            break
        rows, uncounted = again
    return rows, uncounted, book
