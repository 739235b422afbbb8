"""The offline workbook as a user opens it: sheets, columns, dropdowns, answers filled in."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from tests.questionnaires.xlsx_samples import (
    ANSWERS,
    EVIDENCE,
    NA_ANSWERS,
    PROVIDER_LABELS,
    every_type,
)
from vendordd.questionnaires.loading import content_hash
from vendordd.questionnaires.schema import Definition
from vendordd.questionnaires.xlsx_export import export_xlsx
from vendordd.questionnaires.xlsx_layout import HEADER, sheet_titles

PROFILE = "Profile - the vendor (and its"
RESIDENCY = "Data residency - transfers"
GROUP = "GR-01 Question GR-01"
NAMES = ["Azure OpenAI Service", "Harbor Vector DB", "OpenAI"]


def workbook(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def rows(sheet) -> dict[str, tuple]:
    """A domain sheet's rows by question key."""
    return {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}


def dropdowns(sheet) -> dict[str, tuple[str, bool]]:
    """Each validated cell -> (list formula, whether a value off the list is refused)."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        for cell_range in validation.sqref.ranges:
            for row in cell_range.cells:
                cell = sheet.cell(*row).coordinate
                found[cell] = (validation.formula1, bool(validation.showErrorMessage))
    return found


def listed(book: Workbook, formula: str) -> list[str]:
    """The values a dropdown offers, inline or from a range on the lists sheet."""
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    sheet_name, cells = formula.split("!")
    assert sheet_name == "'_lists'"
    return [cell.value for (cell,) in book["_lists"][cells.replace("$", "")]]


def test_sheets_in_order_with_hidden_lists_and_identity():
    definition = every_type()
    book = workbook(export_xlsx(definition))
    assert book.sheetnames == [
        "Instructions",
        PROFILE,
        RESIDENCY,
        GROUP,
        "_lists",
        "_questionnaire",
    ]
    states = {sheet.title: sheet.sheet_state for sheet in book.worksheets}
    assert states["_questionnaire"] == states["_lists"] == "hidden"
    assert states[PROFILE] == states[GROUP] == states["Instructions"] == "visible"
    identity = {row[0]: row[1] for row in book["_questionnaire"].iter_rows(values_only=True)}
    assert identity["key"] == "every-type" and identity["version"] == "2.1.0"
    assert identity["content_hash"] == content_hash(definition)
    instructions = " ".join(
        str(cell) for row in book["Instructions"].iter_rows(values_only=True) for cell in row
    )
    assert "Every question type" in instructions and "version 2.1.0" in instructions
    for words in ("separated by ;", "HK; SG", "YYYY-MM-DD", '"n/a"', "vendor portal"):
        assert words in instructions
    assert "Do not rename or delete sheets" in instructions


def test_one_row_per_question_in_definition_order_with_what_each_takes():
    book = workbook(export_xlsx(every_type()))
    profile = book[PROFILE]
    assert next(profile.iter_rows(max_row=1, values_only=True)) == HEADER
    assert list(rows(profile)) == ["YN-01", "SC-01", "SC-02", "MC-01", "EV-01"]
    assert list(rows(book[RESIDENCY])) == [
        *("CO-01", "PR-01", "NU-01", "NU-02", "DA-01", "ST-01", "LT-01", "GR-01")
    ]
    assert profile.freeze_panes == "B2"
    by_key = rows(profile) | rows(book[RESIDENCY])
    _key, question, help_text, kind, required, allowed, _answer, _comment = by_key["MC-01"]
    assert (question, kind, required) == ("Question MC-01?", "Several choices", "Yes")
    assert help_text == "Asked only when YN-01 is Yes."
    assert allowed == (
        "One or more of (separate with ;): Encryption at rest; Encryption in transit; "
        "Keys; held by the bank; None of these"
    )
    assert by_key["YN-01"][2] == "Embedded AI included."
    assert by_key["YN-01"][5] == "Yes; No; or n/a"
    assert by_key["NU-01"][5] == "A number in days from 0 to 365; or n/a"
    assert by_key["LT-01"][4] == "No"
    assert by_key["EV-01"][5] == "Upload files in the portal; this sheet only lists them"
    assert by_key["GR-01"][3] == "Table of rows"
    assert by_key["GR-01"][6] == f"Answer on sheet '{GROUP}'"


def test_dropdowns_on_answer_cells_inline_or_from_the_lists_sheet():
    book = workbook(export_xlsx(every_type(), provider_names=NAMES))
    profile, residency = book[PROFILE], book[RESIDENCY]
    found = dropdowns(profile) | {
        f"R!{cell}": value for cell, value in dropdowns(residency).items()
    }
    assert found["G2"] == ('"Yes,No,n/a"', True)
    # A label with a comma cannot go in an inline list; 30 long labels pass Excel's 255 characters.
    assert listed(book, found["G3"][0]) == [
        "No transfers",
        "Yes, with SCCs",
        "Yes, other safeguards",
        "n/a",
    ]
    assert listed(book, found["G4"][0]) == [f"Hosting region number {n:02d}" for n in range(1, 31)]
    assert "G5" not in found and "G6" not in found  # several choices are typed; evidence is not
    # Providers offer the registry's names but accept any name, and several.
    assert listed(book, found["R!G3"][0]) == NAMES and found["R!G3"][1] is False
    assert {cell for cell in found if cell.startswith("R!")} == {"R!G3"}


def test_group_sheet_has_a_column_per_field_and_dropdowns_per_row():
    book = workbook(export_xlsx(every_type(), ANSWERS, provider_names=NAMES))
    sheet = book[GROUP]
    header = next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))
    assert header == (
        *("Provider *", "Service *", "Uses AI *", "Role *", "Data seen"),
        *("Countries *", "Share (%)", "Since"),
    )
    hints = next(sheet.iter_rows(min_row=3, max_row=3, values_only=True))
    assert hints[2] == "Yes; No" and hints[3] == "One of: Hosting; Model developer"
    assert sheet.freeze_panes == "A4"
    found = dropdowns(sheet)
    spare = 4 + len(ANSWERS["GR-01"]) + 50 - 1  # the answered rows, then 50 spare ones
    for row in (4, 30, spare):
        assert found[f"C{row}"] == ('"Yes,No"', True)
        assert listed(book, found[f"D{row}"][0]) == ["Hosting", "Model developer"]
        assert listed(book, found[f"A{row}"][0]) == NAMES
    assert f"C{spare + 1}" not in found
    assert {cell[0] for cell in found} == {"A", "C", "D"}


def test_answers_are_written_as_a_user_would_type_them():
    answers = ANSWERS | {"EV-01": EVIDENCE}
    comments = {"YN-01": "See our AI policy.", "GR-01": "Two more in 2027."}
    data = export_xlsx(every_type(), answers, comments=comments, provider_labels=PROVIDER_LABELS)
    book = workbook(data)
    by_key = rows(book[PROFILE]) | rows(book[RESIDENCY])
    answer = {key: row[6] for key, row in by_key.items()}
    assert answer["YN-01"] == "Yes"
    assert answer["SC-01"] == "Yes, with SCCs"
    assert answer["MC-01"] == "Encryption at rest; split"  # a label with ";" goes as its value
    assert answer["CO-01"] == "HK; SG"
    assert answer["PR-01"] == "OpenAI; Harbor Vector DB"
    assert answer["NU-01"] == 30 and answer["NU-02"] == 99.95
    assert answer["DA-01"] == datetime(2026, 3, 31)
    assert answer["EV-01"] == "evidence/2026/soc2-report.pdf; evidence/2026/pentest.pdf"
    assert {key: row[7] for key, row in by_key.items() if row[7]} == comments
    residency = book[RESIDENCY]
    date_cell = residency.cell(list(rows(residency)).index("DA-01") + 2, 7)
    assert date_cell.number_format == "yyyy-mm-dd"
    text_cell = residency.cell(list(rows(residency)).index("ST-01") + 2, 7)
    assert text_cell.data_type == "s" and text_cell.value.startswith("=1+1")  # never a formula
    group = list(book[GROUP].iter_rows(min_row=4, max_row=5, values_only=True))
    assert group[0] == (
        *("Azure OpenAI Service", "Chat completions", "Yes", "Hosting", "Prompts; Outputs"),
        *("SE; IE", 62.5, datetime(2024, 5, 1)),
    )
    assert group[1][:6] == ("Local Cloud Ltd", "Storage", "No", "Hosting", None, "HK")


def test_not_applicable_is_written_as_n_a():
    book = workbook(export_xlsx(every_type(), ANSWERS | NA_ANSWERS))
    by_key = rows(book[PROFILE]) | rows(book[RESIDENCY])
    assert {key: by_key[key][6] for key in NA_ANSWERS} == dict.fromkeys(NA_ANSWERS, "n/a")
    assert next(book[GROUP].iter_rows(min_row=4, max_row=4, values_only=True))[0] is None


def test_characters_a_workbook_cannot_hold_are_dropped():
    book = workbook(export_xlsx(every_type(), {"ST-01": "bell\x07 and\x00 null"}))
    assert rows(book[RESIDENCY])["ST-01"][6] == "bell and null"


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        (["Residency", "Residency"], ["Residency", "Residency (2)"]),
        (["Concentration and fourth parties"], ["Concentration & fourth parties"]),
        (["Instructions", "History"], ["Instructions (2)", "History (2)"]),
        (["Q&A: data [EU]/*?"], ["Q&A - data (EU)-"]),
        (["'Quoted'"], ["Quoted"]),
        (
            ["Governance, oversight and accountability of AI"] * 2,
            ["Governance, oversight", "Governance, oversight (2)"],
        ),
        (["x" * 40, "x" * 40], ["x" * 31, "x" * 27 + " (2)"]),
    ],
)
def test_sheet_titles_are_valid_and_unique(titles, expected):
    question = {"text": "Q?", "type": "short_text", "regulatory": ["INT-NIST-RMF 1"]}
    definition = Definition.model_validate(
        {
            "key": "titles",
            "version": "1.0.0",
            "title": "Titles",
            "description": "Domain titles Excel would refuse.",
            "domains": [
                {"key": f"d{n}", "title": title, "weight": 1} for n, title in enumerate(titles)
            ],
            "questions": [
                question | {"key": f"Q{n}", "domain": f"d{n}"} for n in range(len(titles))
            ],
        }
    )
    assert list(sheet_titles(definition)[0].values()) == expected
    assert workbook(export_xlsx(definition)).sheetnames[1:-2] == expected
