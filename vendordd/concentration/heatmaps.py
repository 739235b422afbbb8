"""Heatmaps as SVG and CSV: plain data in, text out (no Flask, no database).

A matrix cell is coloured by its share of the matrix total on a five-step scale (legend
below each matrix); a residual-risk cell by its risk index, likelihood x impact (1-25).
The SVG is built from format strings whose every text argument goes through markupsafe.escape,
so provider names are never markup (a Jinja template cost a third of the page's time).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import NamedTuple

from markupsafe import Markup, escape

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


class Axis(NamedTuple):
    key: str
    label: str


class Cell(NamedTuple):
    row: str
    col: str
    exposure: float
    count: int


class Drawn(NamedTuple):
    """One cell as drawn: every text already escaped (labels once per axis, not per cell)."""

    x: int
    y: int
    fill: str  # ours: a colour of the scales above
    ink: str
    text: str  # numbers
    title: Markup
    href: Markup


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
    col_labels = [escape(col.label) for col in cols]
    unit = escape(unit)
    drawn = []
    for r, row in enumerate(rows):
        row_label = escape(row.label)
        for c, col in enumerate(cols):
            cell = cells.get((row.key, col.key))
            if cell is None:
                continue
            share = percent.get((row.key, col.key), 0.0)
            fill, ink = share_fill(share)
            exposure = _number(cell.exposure)
            title = (
                f"{row_label} {TIMES} {col_labels[c]}: {unit} {exposure}, {cell.count} "
                f"service{'s' if cell.count != 1 else ''}, {share:.1f}% of total"
            )
            text = f"{exposure} · {cell.count}"
            drawn.append(
                Drawn(c, r, fill, ink, text, Markup(title), escape(href(row.key, col.key)))
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
            title = (
                f"{row.label}, {col.label} ({words} risk): "
                f"{vendors} vendor{'s' if vendors != 1 else ''}"
            )  # our own words and numbers only
            link = escape(href(row.key, col.key)) if vendors else Markup("")
            drawn.append(
                Drawn(c, r, fill, ink, str(vendors) if vendors else "", Markup(title), link)
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


# Layout (px): label width, header height, cell width and height.
LABEL_W, HEAD_H, CELL_W, CELL_H = 210, 130, 78, 34
INK = "#1c2430"
# Every {} below is filled through markupsafe.escape (or is an int we computed): names are
# user input and must never become markup.
SVG_OPEN = (
    '<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" role="img" width="{w}" '
    'height="{h}" viewBox="0 0 {w} {h}" font-family="system-ui, sans-serif" font-size="12" '
    'aria-labelledby="heatmap-{key}">\n<title id="heatmap-{key}">{title}</title>'
)
COL_LABEL = (
    '\n<text x="{x}" y="{y}" transform="rotate(-40 {x} {y})" fill="' + INK + '">{label}</text>'
)
ROW_LABEL = '\n<text x="{x}" y="{y}" text-anchor="end" fill="' + INK + '">{label}</text>'
FRAME = '\n<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="#ffffff" stroke="#d8dde4"/>'
CELL = (
    '\n<g><title>{title}</title>\n<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}" '
    'stroke="#ffffff"/>\n<text x="{tx}" y="{ty}" text-anchor="middle" fill="{ink}">{text}'
    "</text></g>"
)
LINKED_CELL = '<a href="{href}">' + CELL + "</a>"
LEGEND = (
    '\n<rect x="10" y="{y}" width="16" height="14" fill="{fill}" stroke="#9aa5b4"/>'
    '\n<text x="32" y="{ty}" fill="' + INK + '">{label}</text>'
)


def _render(key, title, rows, cols, drawn, legend) -> Markup:
    """The SVG of a heatmap; the width leaves room for the slanted column labels."""
    grid_w = LABEL_W + len(cols) * CELL_W
    grid_h = HEAD_H + len(rows) * CELL_H
    width, height = max(grid_w + HEAD_H, 420), grid_h + 16 + len(legend) * 20
    parts = [SVG_OPEN.format(w=width, h=height, key=escape(key), title=escape(title))]
    for n, col in enumerate(cols):
        x = LABEL_W + n * CELL_W + CELL_W // 2
        parts.append(COL_LABEL.format(x=x, y=HEAD_H - 8, label=escape(_truncate(col.label, 24))))
    for n, row in enumerate(rows):
        y = HEAD_H + n * CELL_H + CELL_H // 2 + 4
        label = escape(_truncate(row.label, 30))
        parts.append(ROW_LABEL.format(x=LABEL_W - 8, y=y, label=label))
    parts.append(FRAME.format(x=LABEL_W, y=HEAD_H, w=len(cols) * CELL_W, h=len(rows) * CELL_H))
    for cell in drawn:
        x, y = LABEL_W + cell.x * CELL_W, HEAD_H + cell.y * CELL_H
        parts.append(
            (LINKED_CELL if cell.href else CELL).format(
                href=cell.href,
                title=cell.title,
                x=x,
                y=y,
                w=CELL_W,
                h=CELL_H,
                fill=cell.fill,
                tx=x + CELL_W // 2,
                ty=y + CELL_H // 2 + 4,
                ink=cell.ink,
                text=cell.text,
            )
        )
    for n, step in enumerate(legend):
        parts.append(
            LEGEND.format(
                y=grid_h + 12 + n * 20,
                ty=grid_h + 23 + n * 20,
                fill=escape(step.fill),
                label=escape(step.label),
            )
        )
    parts.append("\n</svg>")
    return Markup("".join(parts))


def _truncate(label: str, length: int) -> str:
    """Long labels end in an ellipsis (the full name is in each cell's title and the CSV)."""
    return label if len(label) <= length + 5 else label[: length - 1] + "…"


def _number(value: float, grouping: str = ",") -> str:
    """Whole numbers without decimals, others with two; `grouping=""` for CSV (plain)."""
    return f"{value:{grouping}.0f}" if value == int(value) else f"{value:{grouping}.2f}"


def _safe(value: str) -> str:
    """Spreadsheets run cells starting with these as formulas; names are user input."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value
