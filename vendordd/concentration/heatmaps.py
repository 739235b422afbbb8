"""Heatmaps as SVG and CSV: plain data in, text out (no Flask, no database).

A matrix cell is coloured by its share of the matrix total on a five-step scale (legend
below each matrix); a residual-risk cell by its risk index, likelihood x impact (1-25).
The SVG comes from an autoescaped Jinja template, so provider names are never markup.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import NamedTuple

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from vendordd.resources import resource_dir

# Share of the matrix total (percent, lower bound) -> fill, text colour.
SHARE_SCALE = (
    (40.0, "#08306b", "#ffffff"),
    (20.0, "#2171b5", "#ffffff"),
    (10.0, "#6baed6", "#1c2430"),
    (5.0, "#c6dbef", "#1c2430"),
    (0.0, "#f0f5fb", "#1c2430"),
)
# Risk index (likelihood x impact, lower bound) -> fill, text colour, words.
RISK_SCALE = (
    (15, "#b2182b", "#ffffff", "high"),
    (8, "#ef8a62", "#1c2430", "medium-high"),
    (4, "#fddbc7", "#1c2430", "medium"),
    (1, "#e7f1e2", "#1c2430", "low"),
)
TIMES = "\u00d7"  # the multiplication sign between a row and a column label
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_env = Environment(
    loader=FileSystemLoader(resource_dir("templates")),
    autoescape=select_autoescape(default=True, default_for_string=True),
)


class Axis(NamedTuple):
    key: str
    label: str


class Cell(NamedTuple):
    row: str
    col: str
    exposure: float
    count: int


class Drawn(NamedTuple):
    x: int
    y: int
    fill: str
    ink: str
    text: str
    title: str
    href: str


class LegendStep(NamedTuple):
    fill: str
    label: str


def share_fill(share: float) -> tuple[str, str]:
    """The fill and text colour of a cell holding `share` percent of the matrix."""
    for floor, fill, ink in SHARE_SCALE:
        if share >= floor:
            return fill, ink
    return SHARE_SCALE[-1][1], SHARE_SCALE[-1][2]


def risk_fill(index: int) -> tuple[str, str, str]:
    """The fill, text colour and words of a residual-risk index (likelihood x impact)."""
    for floor, fill, ink, words in RISK_SCALE:
        if index >= floor:
            return fill, ink, words
    return RISK_SCALE[-1][1:]


def shares(cells: Iterable[Cell]) -> dict[tuple[str, str], float]:
    """Each cell's share of the matrix total exposure, percent; empty when the total is 0."""
    cells = list(cells)
    total = sum(cell.exposure for cell in cells)
    if not total:
        return {}
    return {(c.row, c.col): 100 * c.exposure / total for c in cells}


def share_matrix_svg(
    *,
    key: str,
    title: str,
    rows: list[Axis],
    cols: list[Axis],
    cells: Iterable[Cell],
    unit: str,
    href: Callable[[str, str], str],
) -> Markup:
    """A rows x columns heatmap coloured by each cell's share of the total exposure."""
    cells = {(c.row, c.col): c for c in cells}
    percent = shares(cells.values())
    drawn = []
    for r, row in enumerate(rows):
        for c, col in enumerate(cols):
            cell = cells.get((row.key, col.key))
            if cell is None:
                continue
            share = percent.get((row.key, col.key), 0.0)
            fill, ink = share_fill(share)
            drawn.append(
                Drawn(
                    c,
                    r,
                    fill,
                    ink,
                    f"{_number(cell.exposure)} · {cell.count}",
                    f"{row.label} {TIMES} {col.label}: {unit} {_number(cell.exposure)}, "
                    f"{cell.count} service{'s' if cell.count != 1 else ''}, {share:.1f}% of total",
                    href(row.key, col.key),
                )
            )
    return _render(key, title, rows, cols, drawn, _share_legend())


def _share_legend() -> list[LegendStep]:
    """The share scale in words, darkest first: "40% of the total or more" ... "under 5%"."""
    ceilings = (None, *(floor for floor, _, _ in SHARE_SCALE))
    return [
        LegendStep(fill, _band(floor, ceiling))
        for (floor, fill, _), ceiling in zip(SHARE_SCALE, ceilings, strict=False)
    ]


def _band(floor: float, ceiling: float | None) -> str:
    if ceiling is None:
        return f"{floor:g}% of the total or more"
    if not floor:
        return f"under {ceiling:g}%"
    return f"{floor:g}% to under {ceiling:g}%"


def risk_grid_svg(
    *, key: str, title: str, cells: Iterable[Cell], href: Callable[[str, str], str]
) -> Markup:
    """The 5x5 residual-risk grid: impact rows (5 at the top) by likelihood columns."""
    counts = {(c.row, c.col): c.count for c in cells}
    rows = [Axis(str(level), f"Impact {level}") for level in (5, 4, 3, 2, 1)]
    cols = [Axis(str(level), f"Likelihood {level}") for level in (1, 2, 3, 4, 5)]
    drawn = []
    for r, row in enumerate(rows):
        for c, col in enumerate(cols):
            fill, ink, words = risk_fill(int(row.key) * int(col.key))
            vendors = counts.get((row.key, col.key), 0)
            drawn.append(
                Drawn(
                    c,
                    r,
                    fill,
                    ink,
                    str(vendors) if vendors else "",
                    f"{row.label}, {col.label} ({words} risk): "
                    f"{vendors} vendor{'s' if vendors != 1 else ''}",
                    href(row.key, col.key) if vendors else "",
                )
            )
    tops = (25, *(floor - 1 for floor, *_ in RISK_SCALE))
    legend = [
        LegendStep(fill, f"{words}: likelihood {TIMES} impact {floor} to {top}")
        for (floor, fill, _, words), top in zip(RISK_SCALE, tops, strict=False)
    ]
    return _render(key, title, rows, cols, drawn, legend)


def matrix_csv(
    *,
    rows: list[Axis],
    cols: list[Axis],
    cells: Iterable[Cell],
    headers: tuple[str, ...],
    counts_only: bool = False,
) -> str:
    """One line per non-empty cell: row, column, exposure, count and share of the total.

    Numbers are plain (no thousands separators) so spreadsheets read them as numbers. With
    `counts_only` (the risk grid, whose exposure is its count) the count is written once.
    """
    cells = list(cells)
    percent = shares(cells)
    row_labels = {axis.key: axis.label for axis in rows}
    col_labels = {axis.key: axis.label for axis in cols}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    order = {axis.key: n for n, axis in enumerate(rows)}
    col_order = {axis.key: n for n, axis in enumerate(cols)}
    for cell in sorted(cells, key=lambda c: (order.get(c.row, 0), col_order.get(c.col, 0))):
        exposure = [] if counts_only else [_number(cell.exposure, grouping="")]
        writer.writerow(
            [
                _safe(row_labels.get(cell.row, cell.row)),
                _safe(col_labels.get(cell.col, cell.col)),
                *exposure,
                cell.count,
                f"{percent.get((cell.row, cell.col), 0.0):.2f}",
            ]
        )
    return buffer.getvalue()


def _render(key, title, rows, cols, drawn, legend) -> Markup:
    template = _env.get_template("concentration/_heatmap_svg.html")
    page = template.render(key=key, title=title, rows=rows, cols=cols, cells=drawn, legend=legend)
    return Markup(page)


def _number(value: float, grouping: str = ",") -> str:
    """Whole numbers without decimals, others with two; `grouping=""` for CSV (plain)."""
    return f"{value:{grouping}.0f}" if value == int(value) else f"{value:{grouping}.2f}"


def _safe(value: str) -> str:
    """Spreadsheets run cells starting with these as formulas; names are user input."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value
