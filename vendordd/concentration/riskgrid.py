"""The residual-risk 5x5 grid, and the services behind any cell of the page's matrices.

Likelihood (1 rare - 5 almost certain) comes from the control score of the vendor's latest
scored assessment, on the residual-risk bands (scoring/residual.py) split finer:
>= 85 % -> 1, 75-85 % -> 2, 60-75 % -> 3, 40-60 % -> 4, below 40 % -> 5. A vendor with no
scored assessment is not plotted; the page counts it as "not yet scored".
Impact (1 minimal - 5 severe) comes from the intake of the vendor's services that the filters
let through, the worst of them: 5 - tier (T1 4 ... T4 1), plus one when discontinuing the
service would have a high impact.
The grid reads book_risk (risklevels.py), which holds both per vendor, scope and tier, unless
the business function filter needs the services; then it works them out by the same rules.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import func
from sqlmodel import Session, select

from vendordd.concentration.aggregates import (
    SERVICE_COLUMNS,
    CellTotal,
    Filters,
    filtered,
    matrix_pairs,
    pair_axes,
)
from vendordd.concentration.models import GROUP_SCOPE
from vendordd.concentration.pairs import BookPair
from vendordd.concentration.risklevels import (
    ANY_TIER,
    BookRisk,
    latest_scores,
    likelihood_of,
    service_impact,
)
from vendordd.paging import Page, paginate
from vendordd.vendors.models import Service, Vendor

LEVELS = (1, 2, 3, 4, 5)
MATRICES = ("function", "stack", "risk")


class RiskGrid(NamedTuple):
    cells: list[CellTotal]  # vendors per (impact, likelihood)
    unscored: int  # vendors without a scored assessment
    services: int  # the services the filters let through, with dependencies recorded or not


def _vendor_levels(filters: Filters):
    """Per vendor with a service the filters let through: impact, likelihood (or None) and
    how many such services, from the services and assessments themselves."""
    impacts = select(
        Service.vendor_id,
        func.max(service_impact()).label("impact"),
        func.count().label("services"),
    ).group_by(Service.vendor_id)
    if filters.status:  # the vendor join costs a lookup per service; only the status needs it
        impacts = impacts.join(Vendor, Vendor.id == Service.vendor_id)
    impacts = filtered(impacts, filters, SERVICE_COLUMNS).subquery()
    scores = latest_scores()
    return (
        select(
            impacts.c.vendor_id,
            impacts.c.impact,
            likelihood_of(scores).label("likelihood"),
            impacts.c.services,
        )
        .outerjoin(scores, scores.c.vendor_id == impacts.c.vendor_id)
        .subquery()
    )


def _stored_levels(filters: Filters):
    """The same per vendor, from book_risk's rows of the entity (or group) and tier."""
    risk = BookRisk
    levels = select(risk.impact, risk.likelihood, risk.services).where(
        risk.scope == (filters.entity or GROUP_SCOPE), risk.tier == (filters.tier or ANY_TIER)
    )
    if filters.status:
        levels = levels.where(risk.status == filters.status)
    return levels.subquery()


def risk_grid(session: Session, *, filters: Filters) -> RiskGrid:
    """Vendors counted per (impact, likelihood) cell, how many are not yet scored, and the
    services in scope."""
    levels = _vendor_levels(filters) if filters.function else _stored_levels(filters)
    grouped = select(
        levels.c.impact, levels.c.likelihood, func.count(), func.sum(levels.c.services)
    ).group_by(levels.c.impact, levels.c.likelihood)
    cells, unscored, services = [], 0, 0
    for impact, likelihood, vendors, their_services in session.exec(grouped):
        services += their_services
        if likelihood is None:
            unscored += vendors
        else:
            cells.append(CellTotal(str(impact), str(likelihood), float(vendors), vendors))
    return RiskGrid(cells, unscored, services)


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
