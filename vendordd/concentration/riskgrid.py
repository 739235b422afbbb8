"""The residual-risk 5x5 grid, single points of failure, and the services behind any cell.

Likelihood (1 rare - 5 almost certain) comes from the control score of the vendor's latest
scored assessment, on the residual-risk bands (scoring/residual.py) split finer:
>= 85 % -> 1, 75-85 % -> 2, 60-75 % -> 3, 40-60 % -> 4, below 40 % -> 5. A vendor with no
scored assessment is not plotted; the page counts it as "not yet scored".
Impact (1 minimal - 5 severe) comes from the intake of the vendor's services that the filters
let through, the worst of them: 5 - tier (T1 4 ... T4 1), plus one when discontinuing the
service would have a high impact.
"""

from __future__ import annotations

from sqlalchemy import Numeric, case, cast, func
from sqlmodel import Session, select

from vendordd.assessments.models import Assessment
from vendordd.concentration.aggregates import (
    CellTotal,
    Filters,
    filtered,
    key_of,
    live_rows,
    with_parent,
)
from vendordd.concentration.models import COUNTRY_LAYERS, Dependency
from vendordd.concentration.resilience import HARD_TO_SUBSTITUTE
from vendordd.paging import Page, paginate
from vendordd.scoring.residual import ADEQUATE, STRONG
from vendordd.vendors.models import Service, ServiceFunction, Vendor

LIKELIHOOD_FLOORS = ((STRONG, 1), (75.0, 2), (ADEQUATE, 3), (40.0, 4))  # else 5
LEVELS = (1, 2, 3, 4, 5)
MATRICES = ("function", "stack", "risk")


def _latest_scores():
    """Each vendor's latest scored assessment's control score (ties: the highest id)."""
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
    ranked = ranked.subquery()
    return select(ranked.c.vendor_id, ranked.c.score_percent).where(ranked.c.rank == 1).subquery()


def _vendor_levels(filters: Filters):
    """Per vendor with a service the filters let through: impact and likelihood (or None)."""
    scores = _latest_scores()
    # Numeric: PostgreSQL rounds no double precision to a number of places.
    score = func.round(cast(scores.c.score_percent, Numeric), 6)
    likelihood = case(*((score >= floor, level) for floor, level in LIKELIHOOD_FLOORS), else_=5)
    impact = func.max(
        5 - Service.tier + case((Service.discontinuation_impact == "high", 1), else_=0)
    )
    statement = (
        select(
            Service.vendor_id,
            impact.label("impact"),
            func.max(case((scores.c.vendor_id.is_not(None), likelihood))).label("likelihood"),
        )
        .join(Vendor, Vendor.id == Service.vendor_id)
        .outerjoin(scores, scores.c.vendor_id == Service.vendor_id)
        .group_by(Service.vendor_id)
    )
    return filtered(statement, filters).subquery()


def risk_grid(session: Session, *, filters: Filters) -> tuple[list[CellTotal], int]:
    """Vendors counted per (impact, likelihood) cell, and how many are not yet scored."""
    levels = _vendor_levels(filters)
    grouped = select(levels.c.impact, levels.c.likelihood, func.count()).group_by(
        levels.c.impact, levels.c.likelihood
    )
    cells, unscored = [], 0
    for impact, likelihood, vendors in session.exec(grouped):
        if likelihood is None:
            unscored += vendors
        else:
            cells.append(CellTotal(str(impact), str(likelihood), float(vendors), vendors))
    return cells, unscored


def single_points(session: Session, *, filters: Filters, limit: int = 50):
    """T1/T2 services on one model developer, hard to substitute or failover not tested."""
    paths = live_rows(
        select(
            Dependency.service_id,
            func.max(Dependency.substitutability).label("substitutability"),
            func.min(case((Dependency.is_failover_tested.is_(True), 1), else_=0)).label("tested"),
        ),
        filters,
    ).where(
        Dependency.layer == "model_developer",
        Dependency.provider_id.is_not(None),
        Service.tier <= 2,
    )
    paths = paths.group_by(Dependency.service_id).having(
        func.count(func.distinct(Dependency.provider_id)) == 1
    )
    paths = paths.subquery()
    statement = (
        select(
            Service,
            Vendor,
            paths.c.substitutability,
            paths.c.tested,
            func.count().over().label("total"),  # all of them, in the same pass as the page
        )
        .join(paths, paths.c.service_id == Service.id)
        .join(Vendor, Vendor.id == Service.vendor_id)
        .where(paths.c.substitutability.in_(HARD_TO_SUBSTITUTE) | (paths.c.tested == 0))
    )
    rows = session.exec(
        statement.order_by(Service.tier, Vendor.display_name, Service.name).limit(limit)
    ).all()
    return [row[:4] for row in rows], rows[0].total if rows else 0


def cell_services(
    session: Session, *, filters: Filters, matrix: str, row: str, col: str, number: int, size: int
) -> Page:
    """The services (with their vendors) behind one cell, paginated."""
    if matrix == "risk":
        levels = _vendor_levels(filters)
        vendors = select(levels.c.vendor_id).where(
            levels.c.impact == _int(row), levels.c.likelihood == _int(col)
        )
        ids = filtered(
            select(Service.id).join(Vendor, Vendor.id == Service.vendor_id), filters
        ).where(Service.vendor_id.in_(vendors))
    else:
        ids = _matrix_ids(filters, matrix, row, col)
    statement = (
        select(Service, Vendor)
        .join(Vendor, Vendor.id == Service.vendor_id)
        .where(Service.id.in_(ids))
        .order_by(Vendor.display_name, Service.name, Service.id)
    )
    return paginate(session, statement, number=number, size=size)


def _matrix_ids(filters: Filters, matrix: str, row: str, col: str):
    if matrix == "function":
        key = key_of(filters.layer, filters.by_parent)
        ids = with_parent(select(Dependency.service_id), filters.layer, filters.by_parent).join(
            ServiceFunction, ServiceFunction.service_id == Dependency.service_id
        )
        ids = ids.where(
            Dependency.layer == filters.layer,
            ServiceFunction.function_id == _int(row),
            key == _int(col),
        )
        return live_rows(ids, filters)
    developer = key_of("model_developer", filters.by_parent)
    ids = with_parent(select(Dependency.service_id), "model_developer", filters.by_parent)
    ids = ids.where(Dependency.layer == "model_developer", developer == _int(row))
    other = select(Dependency.service_id).where(
        Dependency.layer == filters.cross, Dependency.removed_at.is_(None)
    )
    if filters.cross in COUNTRY_LAYERS:
        other = other.where(Dependency.country == col)
    else:
        parent = key_of(filters.cross, filters.by_parent)
        other = with_parent(other, filters.cross, filters.by_parent).where(parent == _int(col))
    return live_rows(ids, filters).where(Dependency.service_id.in_(other))


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return -1
