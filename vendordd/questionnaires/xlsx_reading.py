"""Opening an uploaded workbook and reading its sheets defensively, for the XLSX import."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from vendordd.questionnaires.loading import content_hash
from vendordd.questionnaires.schema import Definition
from vendordd.questionnaires.xlsx_layout import MAX_ROWS, META
from vendordd.vendors.import_reading import ZIP_MAGIC

Rows = list[tuple[int, tuple[Any, ...]]]
DAMAGED = (
    "The workbook could not be read: it is damaged or not a real .xlsx file. Open it in Excel, "
    'save it again as "Excel Workbook (.xlsx)" and upload that.'
)


@dataclass(frozen=True)
class CellError:
    """One problem in the workbook; `cell` is empty for a whole sheet, both for the whole file."""

    sheet: str
    cell: str
    question: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        about = f" ({self.question})" if self.question else ""
        return f"{where}{about}: {self.message}" if where else self.message


class Refused(Exception):
    """The file as a whole cannot be read; nothing in it is looked at."""


def open_workbook(data: bytes) -> Workbook:
    """The workbook, read-only with cached values instead of formulas; raises Refused."""
    if not data.startswith(ZIP_MAGIC):
        raise Refused(
            "The file is not an Excel workbook (.xlsx). Upload the workbook downloaded for this "
            'questionnaire; if you saved it in another format, save it again as "Excel Workbook '
            '(.xlsx)".'
        )
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many exception types for damaged files
        raise Refused(DAMAGED) from None


def identity_errors(workbook: Workbook, definition: Definition) -> list[CellError]:
    """Why the workbook is not one exported from this very definition, if it is not."""
    if META not in workbook.sheetnames:
        message = (
            f"This workbook has no {META} sheet, so it is not one downloaded for a questionnaire "
            "(or the sheet was deleted). Download the questionnaire as XLSX and fill that in."
        )
        return [CellError("", "", None, message)]
    errors: list[CellError] = []
    rows = read_rows(workbook, META, 2, errors)
    facts = {str(cells[0]).strip(): cells[1] for _number, cells in rows if cells[0]}
    key, version = str(facts.get("key") or "?"), str(facts.get("version") or "?")
    if (key, version) != (definition.key, definition.version):
        message = (
            f"this file is for {key} {version}; the assessment uses {definition.key} "
            f"{definition.version} — download a fresh copy"
        )
        errors.append(CellError(META, "B1" if key != definition.key else "B2", None, message))
    elif facts.get("content_hash") != content_hash(definition):
        message = (
            f"this file was made from other content of {key} {version} — download a fresh copy"
        )
        errors.append(CellError(META, "B3", None, message))
    return errors


def read_rows(workbook: Workbook, title: str, width: int, errors: list[CellError]) -> Rows:
    """The sheet's rows (number, cells padded to width), at most MAX_ROWS of them."""
    sheet = workbook[title]
    sheet.reset_dimensions()  # stored dimensions are often wrong; read every row
    rows: Rows = []
    try:
        for number, cells in enumerate(sheet.iter_rows(max_col=width, values_only=True), 1):
            if number > MAX_ROWS:
                message = (
                    f"the sheet has more than {MAX_ROWS:,} rows; no questionnaire sheet needs "
                    "that many — delete the extra rows"
                )
                errors.append(CellError(title, "", None, message))
                break
            rows.append((number, (*cells, *(None,) * (width - len(cells)))))
    except Exception:  # openpyxl raises many exception types for damaged sheets
        raise Refused(DAMAGED) from None
    return rows


def read_table(
    workbook: Workbook,
    title: str,
    header: tuple[str, ...],
    header_row: int,
    errors: list[CellError],
) -> Rows:
    """The rows below the header, or none if the sheet is missing or its header was changed."""
    if title not in workbook.sheetnames:
        errors.append(
            CellError(title, "", None, "the sheet is missing — don't rename or delete sheets")
        )
        return []
    rows = read_rows(workbook, title, len(header), errors)
    found = next((cells for number, cells in rows if number == header_row), ())
    for number, expected in enumerate(header, start=1):
        cell = found[number - 1] if found else None
        if str(cell or "").strip() != expected:
            message = (
                f"expected the column {expected!r} here — don't insert, move or rename columns"
            )
            errors.append(
                CellError(title, f"{get_column_letter(number)}{header_row}", None, message)
            )
            return []
    return [(number, cells) for number, cells in rows if number > header_row]
