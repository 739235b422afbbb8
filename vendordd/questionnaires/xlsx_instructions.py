"""The offline workbook's first sheet: what it is and how to answer each kind of question."""

from __future__ import annotations

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from vendordd.questionnaires.answers import NA_TEXT
from vendordd.questionnaires.schema import Definition
from vendordd.questionnaires.xlsx_layout import INSTRUCTIONS, put

HOW_TO_ANSWER = (
    (
        "Where",
        "Each domain has a sheet with one row per question. Write your answer in the yellow "
        "Answer column; the Comment column is for anything the reviewer should know.",
    ),
    ("Yes / no", "Choose Yes or No from the dropdown in the Answer cell."),
    ("One choice", "Choose one option from the dropdown in the Answer cell."),
    (
        "Several choices",
        "Type the options you choose, separated by ; (for example: Option A; Option B). "
        "The Allowed values column lists the options.",
    ),
    ("Countries", "ISO 3166 two-letter country codes separated by ; (for example: HK; SG)."),
    (
        "Providers",
        "Provider names separated by ; Pick from the dropdown where there is one; a name not "
        "in the list is accepted and reviewed.",
    ),
    ("Number", "A number only; the unit and the allowed range are in the Allowed values column."),
    ("Date", "A date as YYYY-MM-DD (for example: 2026-03-31)."),
    ("Text", "Plain text; the Allowed values column gives the length limit."),
    (
        NA_TEXT,
        f'Write "{NA_TEXT}" only where the Allowed values column offers it: the question does '
        "not apply to your service.",
    ),
    (
        "Tables",
        "Some questions take a table (for example, one row per subprocessor). Their row says "
        "which sheet to fill in: one row per item, leaving spare rows empty.",
    ),
    (
        "Evidence",
        "Upload evidence files in the vendor portal. Files already uploaded are listed here "
        "for reference only; the upload of this workbook does not read them.",
    ),
    (
        "Not yet known",
        'Leave the Answer blank. A question whose Help says "Asked only when …" needs an '
        "answer only in that case.",
    ),
    (
        "Keep the layout",
        "Do not rename or delete sheets, and do not change the Key column or the header rows: "
        "answers are matched by key. The upload checks every cell and lists every problem with "
        "its cell; nothing is saved until the whole workbook is valid.",
    ),
)


def write_instructions(sheet: Worksheet, definition: Definition) -> None:
    """Title, version and how to answer each kind of question, on the given (first) sheet."""
    sheet.title = INSTRUCTIONS
    rows = [
        (definition.title, None),
        (f"Questionnaire {definition.key}, version {definition.version}", None),
        (definition.description, None),
        (None, None),
        ("How to answer", None),
        *HOW_TO_ANSWER,
    ]
    for number, (first, second) in enumerate(rows, start=1):
        for column, text in ((1, first), (2, second)):
            cell = sheet.cell(number, column)
            put(cell, text)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A5"].font = Font(bold=True)
    for row in range(6, len(rows) + 1):
        sheet.cell(row, 1).font = Font(bold=True)
    sheet.merge_cells("A1:B1")
    sheet.merge_cells("A2:B2")
    sheet.merge_cells("A3:B3")
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 100
