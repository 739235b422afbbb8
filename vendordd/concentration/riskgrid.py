"""The residual-risk 5x5 grid, and the services behind any cell of the page's matrices.

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
    SERVICE_COLUMNS,
    CellTotal,
    Filters,
    filtered,
    matrix_pairs,
    pair_axes,
)
from vendordd.concentration.pairs import BookPair
from vendordd.paging import Page, paginate
from vendordd.scoring.residual import ADEQUATE, STRONG
from vendordd.vendors.models import Service, Vendor

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
    impact = func.max(
        5 - Service.tier + case((Service.discontinuation_impact == "high", 1), else_=0)
    )
    impacts = select(Service.vendor_id, impact.label("impact")).group_by(Service.vendor_id)
    if filters.status:  # the vendor join costs a lookup per service; only the status needs it
        impacts = impacts.join(Vendor, Vendor.id == Service.vendor_id)
    impacts = filtered(impacts, filters, SERVICE_COLUMNS).subquery()
    scores = _latest_scores()
    # Numeric: PostgreSQL rounds no double precision to a number of places.
    score = func.round(cast(scores.c.score_percent, Numeric), 6)
    likelihood = case(*((score >= floor, level) for floor, level in LIKELIHOOD_FLOORS), else_=5)
    return (
        select(
            impacts.c.vendor_id,
            impacts.c.impact,
            case((scores.c.vendor_id.is_not(None), likelihood)).label("likelihood"),
        )
        .outerjoin(scores, scores.c.vendor_id == impacts.c.vendor_id)
        .subquery()
    )


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
            select(Service.id).join(Vendor, Vendor.id == Service.vendor_id),
            filters,
            SERVICE_COLUMNS,
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
    row_key, col_key = pair_axes(filters.by_parent)
    ids = matrix_pairs(matrix, filters).add_columns(BookPair.service_id)
    return ids.where(row_key == row, col_key == col)


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return -1
