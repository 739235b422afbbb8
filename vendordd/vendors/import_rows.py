"""Read the header and each row of an import file into typed values and problems (pure)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from vendordd.vendors.import_columns import (
    BY_NAME,
    COLUMNS,
    SERVICE,
    VENDOR,
    Column,
    Lookups,
    cell_text,
    header_key,
)
from vendordd.vendors.import_reading import Sheet, is_blank

SERVICE_REQUIRED = tuple(c for c in COLUMNS if c.required == SERVICE)
COLUMN_ORDER = {c.name: i for i, c in enumerate(COLUMNS)}


@dataclass(frozen=True)
class Problem:
    """One reason the file cannot be imported; row is None when it concerns the whole file."""

    row: int | None
    column: str
    value: str
    message: str


@dataclass
class ParsedRow:
    number: int
    values: dict[str, object]  # the cells that were filled in and valid, by column name
    texts: dict[str, str]  # every filled-in cell as the user typed it

    @property
    def has_service(self) -> bool:
        return "service_name" in self.texts


def parse_sheet(sheet: Sheet, lookups: Lookups) -> tuple[list[ParsedRow], list[Problem]]:
    """Every row's valid values, and every problem of the header and of single cells or rows."""
    columns, problems = _map_columns(sheet)
    present = {column.name for column in columns.values()}
    rows = []
    for number, cells in sheet.rows:
        row, row_problems = _parse_row(number, cells, columns, present, lookups)
        rows.append(row)
        problems += row_problems
    if any(row.has_service for row in rows):
        problems += [
            Problem(1, c.name, "", "Required when the file lists services; add this column.")
            for c in SERVICE_REQUIRED
            if c.name not in present
        ]
    return rows, problems


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """By row, then in the order of the template's columns."""
    return sorted(problems, key=lambda p: (p.row or 0, COLUMN_ORDER.get(p.column, len(COLUMNS))))


def _map_columns(sheet: Sheet) -> tuple[dict[int, Column], list[Problem]]:
    columns: dict[int, Column] = {}
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(sheet.header):
        key, letter = header_key(cell), get_column_letter(index + 1)
        if not key:
            problems += _unnamed_column(sheet, index, letter)
        elif key in seen:
            first = get_column_letter(seen[key] + 1)
            problems.append(
                Problem(1, key, cell_text(cell), f"Appears twice (columns {first} and {letter}).")
            )
        elif key not in BY_NAME:
            seen[key] = index
            guess = difflib.get_close_matches(key, BY_NAME, n=1)
            hint = f"Did you mean {guess[0]}?" if guess else "The template lists the columns."
            problems.append(Problem(1, cell_text(cell), cell_text(cell), f"Unknown column. {hint}"))
        else:
            seen[key] = index
            columns[index] = BY_NAME[key]
    problems += [
        Problem(1, c.name, "", "This required column is missing from the header row.")
        for c in COLUMNS
        if c.required == VENDOR and c.name not in seen
    ]
    return columns, problems


def _unnamed_column(sheet: Sheet, index: int, letter: str) -> list[Problem]:
    for number, cells in sheet.rows:
        if index < len(cells) and not is_blank(cells[index]):
            message = f"Column {letter} has values (first on row {number}) but no name in row 1."
            return [Problem(1, f"column {letter}", "", message)]
    return []


def _parse_row(
    number: int, cells: tuple, columns: dict[int, Column], present: set[str], lookups: Lookups
) -> tuple[ParsedRow, list[Problem]]:
    row, problems = ParsedRow(number, {}, {}), []
    for index, column in columns.items():
        text = cell_text(cells[index]) if index < len(cells) else ""
        if not text:
            continue
        row.texts[column.name] = text
        try:
            row.values[column.name] = column.parse(text, lookups)
        except ValueError as exc:
            problems.append(Problem(number, column.name, text, str(exc)))
    if "legal_name" in present and "legal_name" not in row.texts:
        problems.append(
            Problem(number, "legal_name", "", "Every row needs the vendor's legal name.")
        )
    if row.has_service:
        problems += [
            Problem(number, c.name, "", "Required for a service (this row names one).")
            for c in SERVICE_REQUIRED
            if c.name in present and c.name not in row.texts
        ]
    else:
        stray = [c.name for c in COLUMNS if c.part != VENDOR and c.name in row.texts]
        if stray:
            problems.append(
                Problem(
                    number,
                    "service_name",
                    "",
                    f"Empty, but the row has service values ({', '.join(stray)}). "
                    "Enter the service's name, or clear those cells.",
                )
            )
    return row, problems
