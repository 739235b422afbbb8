"""Single points of failure across the book, in SQL (the rule itself is resilience.py's).

A service is one when it is T1 or T2, has exactly one model developer (a row of book_exposure
in that layer), and that developer is hard to substitute or its failover is not tested.
The concentration page shows how many there are per tier and the most severe few; the full
list has a page of its own, by tier, vendor and service.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from sqlalchemy import case, func
from sqlmodel import Session, select

from vendordd.concentration.aggregates import Filters, filtered
from vendordd.concentration.exposures import BookExposure
from vendordd.concentration.resilience import HARD_TO_SUBSTITUTE, Resilience
from vendordd.concentration.resilience import single_point_of_failure as reasons_for
from vendordd.paging import Page, paginate
from vendordd.vendors.models import Service, Vendor

SHOWN_ON_PAGE = 10


class SinglePoint(NamedTuple):
    service_name: str
    tier: int
    vendor_id: int
    vendor_name: str
    reasons: tuple[str, ...]


# What a single point shows: columns, not entities (loading those cost more than the query).
SHOWN = (Service.name, Service.tier, Vendor.id, Vendor.display_name)


class Summary(NamedTuple):
    by_tier: dict[int, int]  # tier -> services
    worst: list[SinglePoint]  # the most severe first, at most SHOWN_ON_PAGE

    @property
    def total(self) -> int:
        return sum(self.by_tier.values())


def _candidates(filters: Filters):
    """(service_id, tier, substitutability, tested, severity) of every single point."""
    row = BookExposure
    hard, untested = row.substitutability.in_(HARD_TO_SUBSTITUTE), ~row.failover_tested
    severity = case((hard & untested, 0), (hard, 1), else_=2)  # both reasons first
    points = select(
        row.service_id,
        row.tier,
        row.substitutability,
        case((row.failover_tested, 1), else_=0).label("tested"),
        severity.label("severity"),
    ).where(row.layer == "model_developer", row.tier <= 2, row.paths == 1, hard | untested)
    return filtered(points, filters).subquery()


def summary(session: Session, *, filters: Filters) -> Summary:
    """How many per tier, and the most severe (T1 first, then both reasons, then either)."""
    points = _candidates(filters)
    by_tier = dict(session.exec(select(points.c.tier, func.count()).group_by(points.c.tier)).all())
    worst = (
        select(points)
        .order_by(points.c.tier, points.c.severity, points.c.service_id)
        .limit(SHOWN_ON_PAGE)
        .subquery()
    )
    rows = session.exec(
        select(*SHOWN, worst.c.substitutability, worst.c.tested)
        .join(worst, worst.c.service_id == Service.id)
        .join(Vendor, Vendor.id == Service.vendor_id)
        .order_by(worst.c.tier, worst.c.severity, worst.c.service_id)
    )
    return Summary({tier: by_tier[tier] for tier in sorted(by_tier)}, [_point(*r) for r in rows])


def listing(session: Session, *, filters: Filters, number: int, size: int) -> Page:
    """Every single point, by tier, vendor and service, a page at a time (SinglePoint items)."""
    points = _candidates(filters)
    statement = (
        select(*SHOWN, points.c.substitutability, points.c.tested)
        .join(points, points.c.service_id == Service.id)
        .join(Vendor, Vendor.id == Service.vendor_id)
        .order_by(Service.tier, Vendor.display_name, Service.name, Service.id)
    )
    page = paginate(session, statement, number=number, size=size)
    return replace(page, items=[_point(*row) for row in page.items])


def _point(name: str, tier: int, vendor_id: int, vendor_name: str, substitutability, tested):
    # The SQL picked services on exactly one model path; the pure rule says why.
    why = reasons_for(Resilience(0, tier, 1, substitutability, bool(tested)))
    return SinglePoint(name, tier, vendor_id, vendor_name, why)
