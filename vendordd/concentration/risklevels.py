"""Each vendor's residual-risk levels per scope and tier, kept in step: the risk grid's rows.

The residual-risk grid (riskgrid.py) counts vendors by impact, the worst of that of their
services the filters let through, and by likelihood, from their latest scored assessment.
Working that out on every view reads every service and every assessment of the book;
`book_risk` holds the result, one row per vendor, scope (the group, or an entity the vendor's
services are linked to, as in book_exposure) and tier (ANY_TIER, or a tier of its services):
- impact: the worst `service_impact` of the vendor's services in the scope and tier;
- likelihood: `likelihood_of` the vendor's latest scored assessment; null when none is scored;
- services: how many of the vendor's services are in the scope and tier;
- status: the vendor's status.
The business function filter is not in it (a service has several): with it, the grid is
worked out from the services themselves (riskgrid.py), by the same expressions.

Kept in step by exposures.py in the writing transaction: flushing a Service, ServiceEntity
link, Vendor or Assessment replaces the rows of the vendor concerned; an UPDATE/INSERT/DELETE
statement on one of those tables rebuilds the whole table before the next read.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from sqlalchemy import Index, Numeric, case, cast, func, literal, select, union_all
from sqlalchemy.engine import Connection
from sqlmodel import Field, SQLModel

from vendordd.assessments.models import Assessment
from vendordd.concentration.models import GROUP_SCOPE
from vendordd.db import in_ids, replace_rows
from vendordd.scoring.residual import ADEQUATE, STRONG
from vendordd.vendors.models import Service, ServiceEntity, Vendor

ANY_TIER = 0  # the tier of the rows over all of a vendor's services
# Likelihood 1 (rare) to 5 (almost certain) from the control score, percent: the residual-risk
# bands split finer.
LIKELIHOOD_FLOORS = ((STRONG, 1), (75.0, 2), (ADEQUATE, 3), (40.0, 4))  # else 5


class BookRisk(SQLModel, table=True):
    """Derived from Service, ServiceEntity, Vendor and Assessment; see the module docstring."""

    __tablename__ = "book_risk"
    # The grid reads this index only.
    __table_args__ = (
        Index("ix_book_risk_cells", "scope", "tier", "status", "impact", "likelihood", "services"),
    )

    scope: int = Field(primary_key=True)
    tier: int = Field(primary_key=True)
    vendor_id: int = Field(primary_key=True)
    status: str = Field(max_length=20)
    impact: int
    likelihood: int | None = None
    services: int


def service_impact():
    """A service's impact, 1 minimal to 5 severe: 5 - tier (T1 4 ... T4 1), one more when
    discontinuing it would have a high impact."""
    return 5 - Service.tier + case((Service.discontinuation_impact == "high", 1), else_=0)


def latest_scores(*, filtered: bool = False):
    """(vendor_id, score_percent) of each vendor's latest scored assessment (ties: the highest
    id), as a subquery; filtered, of the vendors bound as ids (db.in_ids)."""
    ranked = select(
        Assessment.vendor_id,
        Assessment.score_percent,
        func.row_number()
        .over(
            partition_by=Assessment.vendor_id,
            order_by=(Assessment.scored_at.desc(), Assessment.id.desc()),
        )
        .label("rank"),
    ).where(Assessment.scored_at.is_not(None), Assessment.score_percent.is_not(None))
    if filtered:
        ranked = ranked.where(in_ids(Assessment.vendor_id))
    ranked = ranked.subquery()
    return select(ranked.c.vendor_id, ranked.c.score_percent).where(ranked.c.rank == 1).subquery()


def likelihood_of(scores):
    """The likelihood of a row of `latest_scores` joined outer: null when there is none."""
    # Numeric: PostgreSQL rounds no double precision to a number of places.
    score = func.round(cast(scores.c.score_percent, Numeric), 6)
    level = case(*((score >= floor, level) for floor, level in LIKELIHOOD_FLOORS), else_=5)
    return case((scores.c.vendor_id.is_not(None), level))


def refresh_risk(connection: Connection, vendor_ids: Sequence[int] | None) -> None:
    """Replace the rows of these vendors (every vendor's when None)."""
    rows = _rows(filtered=vendor_ids is not None)
    replace_rows(connection, BookRisk.__table__.c.vendor_id, vendor_ids, rows)


@cache
def _rows(*, filtered: bool):
    """The rows of every vendor, or (filtered) of those bound as ids (db.in_ids)."""
    services = select(
        Service.id.label("service_id"),
        Service.vendor_id,
        Service.tier,
        service_impact().label("impact"),
    )
    if filtered:
        services = services.where(in_ids(Service.vendor_id))
    services = services.cte("services")
    scoped = union_all(
        select(services, literal(GROUP_SCOPE).label("scope")),
        select(services, ServiceEntity.entity_id.label("scope")).join(
            ServiceEntity, ServiceEntity.service_id == services.c.service_id
        ),
    ).cte("scoped")
    figures = (func.max(scoped.c.impact).label("impact"), func.count().label("services"))
    any_tier = select(scoped.c.scope, literal(ANY_TIER).label("tier"), scoped.c.vendor_id)
    each_tier = select(scoped.c.scope, scoped.c.tier, scoped.c.vendor_id)
    levels = union_all(
        any_tier.add_columns(*figures).group_by(scoped.c.scope, scoped.c.vendor_id),
        each_tier.add_columns(*figures).group_by(scoped.c.scope, scoped.c.tier, scoped.c.vendor_id),
    ).subquery("levels")
    scores = latest_scores(filtered=filtered)
    return (
        select(
            levels.c.scope,
            levels.c.tier,
            levels.c.vendor_id,
            Vendor.status,
            levels.c.impact,
            likelihood_of(scores).label("likelihood"),
            levels.c.services,
        )
        .join(Vendor, Vendor.id == levels.c.vendor_id)
        .outerjoin(scores, scores.c.vendor_id == levels.c.vendor_id)
    )
