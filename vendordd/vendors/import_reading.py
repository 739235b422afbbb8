"""Read an uploaded CSV or XLSX file into its header and numbered data rows (pure)."""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from openpyxl import load_workbook

EXTENSIONS = (".csv", ".xlsx")
ZIP_MAGIC = b"PK\x03\x04"
DELIMITERS = (",", ";", "\t")

Cells = tuple[object, ...]


class ImportFileError(ValueError):
    """The file cannot be read at all; the message says why and what to do about it."""


@dataclass(frozen=True)
class Sheet:
    """Row 1 (the header), then the non-empty data rows numbered as a spreadsheet shows them."""

    header: Cells
    rows: tuple[tuple[int, Cells], ...]


def read_sheet(filename: str, content: bytes, *, max_rows: int) -> Sheet:
    """The header and data rows of a .csv (UTF-8) or .xlsx (first worksheet) upload."""
    extension = PurePosixPath(filename.lower()).suffix
    if extension not in EXTENSIONS:
        raise ImportFileError(
            f"{filename or 'The file'} is not a .csv or .xlsx file. In Excel, save it as "
            '"Excel Workbook (.xlsx)" or "CSV UTF-8 (Comma delimited)".'
        )
    if not content.strip():
        raise ImportFileError("The file is empty.")
    if extension == ".csv":
        return _collect(_csv_rows(content), max_rows)
    return _read_xlsx(content, max_rows)


def _csv_rows(content: bytes) -> Iterator[tuple[int, Cells]]:
    try:
        text = content.decode("utf-8-sig")  # Excel starts "CSV UTF-8" files with a BOM
    except UnicodeDecodeError as exc:
        if content.startswith(ZIP_MAGIC):
            raise ImportFileError(
                "This file is an Excel workbook with a .csv name; rename it to .xlsx."
            ) from None
        raise ImportFileError(
            f"The file is not UTF-8 text (unreadable byte at position {exc.start}). In Excel, "
            'save it as "CSV UTF-8 (Comma delimited)", or upload the .xlsx workbook instead.'
        ) from None
    first_line = text.split("\n", 1)[0]
    # Excel in many European locales separates CSV columns with semicolons.
    delimiter = max(DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate((tuple(row) for row in reader), start=1)
    except csv.Error as exc:
        raise ImportFileError(
            f"The CSV file could not be read near line {reader.line_num}: {exc}."
        ) from None


def _read_xlsx(content: bytes, max_rows: int) -> Sheet:
    if not content.startswith(ZIP_MAGIC):
        raise ImportFileError(
            "The file is not an Excel workbook (.xlsx). If it is an old .xls file or a CSV "
            'file renamed to .xlsx, save it again from Excel as "Excel Workbook (.xlsx)".'
        )
    try:
        with warnings.catch_warnings():
            # Unsupported Excel extensions (styles, validation) only cost formatting here.
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0]
                sheet.reset_dimensions()  # stored dimensions are often wrong; read every cell
                rows = enumerate(sheet.iter_rows(values_only=True), start=1)
                return _collect(rows, max_rows)
            finally:
                workbook.close()
    except ImportFileError:
        raise
    except Exception:  # openpyxl raises many exception types for damaged files
        raise ImportFileError(
            "The workbook could not be read: it is damaged or not a real .xlsx file. "
            'Open it in Excel, save it again as "Excel Workbook (.xlsx)" and upload that.'
        ) from None


def _collect(rows: Iterable[tuple[int, Cells]], max_rows: int) -> Sheet:
    header: Cells | None = None
    data: list[tuple[int, Cells]] = []
    for number, cells in rows:
        if header is None:
            header = tuple(cells)
            if all(is_blank(cell) for cell in header):
                raise ImportFileError(
                    "Row 1 must hold the column names (download the template to see them), "
                    "but it is empty."
                )
            continue
        if all(is_blank(cell) for cell in cells):
            continue
        if len(data) == max_rows:
            raise ImportFileError(
                f"The file has more than {max_rows:,} data rows, the most one import accepts. "
                "Split it into several files and import them one after another."
            )
        data.append((number, tuple(cells)))
    if header is None:
        raise ImportFileError("The file is empty.")
    if not data:
        raise ImportFileError("The file has a header row but no data rows.")
    return Sheet(header=header, rows=tuple(data))


def is_blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())
