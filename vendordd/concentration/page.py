"""The concentration page's three heatmaps: SQL cells, their labels, SVG and CSV together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup
from sqlmodel import Session, select

from vendordd.concentration import aggregates, riskgrid
from vendordd.concentration.aggregates import CellTotal, Filters, ProviderNames, provider_names
from vendordd.concentration.heatmaps import (
    TIMES,
    Axis,
    Cell,
    matrix_csv,
    risk_grid_svg,
    share_matrix_svg,
    shares,
)
from vendordd.concentration.metrics import BASES
from vendordd.concentration.models import COUNTRY_LAYERS, SINGULAR
from vendordd.vendors.models import BusinessFunction, Entity

BASIS_UNITS = dict(zip(BASES, ("services", "weighted exposure", "spend"), strict=True))


@dataclass(frozen=True)
class Heatmap:
    """One matrix: its cells and axes, drawn as SVG, and the CSV download's header."""

    key: str  # one of riskgrid.MATRICES
    title: str
    rows: list[Axis]
    cols: list[Axis]
    cells: list[Cell]
    svg: Markup
    headers: tuple[str, ...]
    unit: str  # what a cell's exposure counts: a basis unit, or "vendors" on the risk grid
    unscored: int = 0  # risk grid only: vendors without a scored assessment
    services: int = 0  # risk grid only: the services the filters let through

    @property
    def has_data(self) -> bool:
        return bool(self.cells)

    def label(self, row: str, col: str) -> tuple[str, str]:
        """The row's and the column's labels (the key itself when not on an axis)."""
        rows = {axis.key: axis.label for axis in self.rows}
        cols = {axis.key: axis.label for axis in self.cols}
        return rows.get(row, row), cols.get(col, col)

    def cell(self, row: str, col: str) -> tuple[Cell, float] | None:
        """One cell's figures and its share of the matrix total (percent); None when empty."""
        for cell in self.cells:
            if (cell.row, cell.col) == (row, col):
                return cell, shares(self.cells)[row, col]
        return None

    def csv(self) -> str:
        """The matrix as CSV, one line per non-empty cell."""
        return matrix_csv(
            rows=self.rows,
            cols=self.cols,
            cells=self.cells,
            headers=self.headers,
            counts_only=self.key == "risk",
        )


Href = Callable[[str, str], str]


@dataclass(frozen=True)
class Names:
    """The names a concentration view shows, read once per request (the registries are
    small): providers by id as text, business functions and entities by id, by name."""

    providers: ProviderNames
    functions: dict[int, str]
    entities: dict[int, str]


def read_names(session: Session) -> Names:
    functions = select(BusinessFunction.id, BusinessFunction.name).order_by(BusinessFunction.name)
    entities = select(Entity.id, Entity.name).order_by(Entity.name)
    return Names(
        provider_names(session),
        dict(session.exec(functions).all()),
        dict(session.exec(entities).all()),
    )


def build_heatmap(
    session: Session, *, filters: Filters, matrix: str, href: Href, names: Names
) -> Heatmap:
    """One of the page's matrices ("function", "stack" or "risk") under the filters."""
    if matrix == "function":
        return _function(session, filters, href, names)
    if matrix == "stack":
        return _stack(session, filters, href, names.providers)
    return _risk(session, filters, href)


def _function(session: Session, filters: Filters, href: Href, names: Names) -> Heatmap:
    totals = aggregates.function_matrix(session, filters=filters)
    functions, providers = names.functions, names.providers
    rows = sorted({t.row for t in totals}, key=lambda key: functions.get(int(key), key))
    title = f"Business function {TIMES} {SINGULAR[filters.layer].lower()}"
    return _share_map(
        "function",
        title,
        [Axis(key, functions.get(int(key), key)) for key in rows],
        totals,
        filters,
        href,
        ("business function", SINGULAR[filters.layer].lower()),
        lambda col: providers.get(col, col),
    )


def _stack(session: Session, filters: Filters, href: Href, names: ProviderNames) -> Heatmap:
    totals = aggregates.stack_matrix(session, filters=filters)
    rows = _ranked(totals, lambda t: t.row)
    title = f"Model developer {TIMES} {SINGULAR[filters.cross].lower()}"
    countries = filters.cross in COUNTRY_LAYERS
    return _share_map(
        "stack",
        title,
        [Axis(key, names.get(key, key)) for key in rows],
        totals,
        filters,
        href,
        ("model developer", SINGULAR[filters.cross].lower()),
        (lambda col: col) if countries else (lambda col: names.get(col, col)),
    )


def _share_map(key, title, rows, totals, filters, href, names, col_label: Callable[[str], str]):
    cols = [Axis(col, col_label(col)) for col in _ranked(totals, lambda t: t.col)]
    cells = [Cell(t.row, t.col, t.exposure, t.services) for t in totals]
    unit = BASIS_UNITS[filters.basis]
    svg = share_matrix_svg(
        key=key, title=title, rows=rows, cols=cols, cells=cells, unit=unit, href=href
    )
    headers = (*names, unit.replace(" ", "_"), "services", "share_percent")
    return Heatmap(key, title, rows, cols, cells, svg, headers, unit)


def _risk(session: Session, filters: Filters, href: Href) -> Heatmap:
    grid = riskgrid.risk_grid(session, filters=filters)
    cells = [Cell(t.row, t.col, t.exposure, t.services) for t in grid.cells]
    title = f"Residual risk: impact {TIMES} likelihood"
    svg = risk_grid_svg(key="risk", title=title, cells=cells, href=href)
    rows = [Axis(str(level), f"Impact {level}") for level in (5, 4, 3, 2, 1)]
    cols = [Axis(str(level), f"Likelihood {level}") for level in (1, 2, 3, 4, 5)]
    headers = ("impact", "likelihood", "vendors", "share_percent")
    return Heatmap(
        "risk", title, rows, cols, cells, svg, headers, "vendors", grid.unscored, grid.services
    )


def scope(filters: Filters, names: Names) -> str:
    """The services the filters let through, in words ("SG branch — MAS, T1 services")."""
    words = ["all entities (the group)"]
    if filters.entity:
        words = [names.entities.get(filters.entity, f"unknown entity {filters.entity}")]
    if filters.tier:
        words.append(f"T{filters.tier} services")
    if filters.function:
        words.append(f"business function {names.functions.get(filters.function, filters.function)}")
    if filters.status:
        words.append(f"vendors {filters.status}")
    return ", ".join(words)


def _ranked(totals: list[CellTotal], axis: Callable[[CellTotal], str]) -> list[str]:
    """Axis keys by their total exposure, largest first, ties by key."""
    sums: dict[str, float] = {}
    for total in totals:
        sums[axis(total)] = sums.get(axis(total), 0.0) + total.exposure
    return sorted(sums, key=lambda key: (-sums[key], key))
