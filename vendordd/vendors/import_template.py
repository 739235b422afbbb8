"""The downloadable import template: the columns, an invented example row, the allowed values."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session, select

from vendordd.vendors.import_columns import COLUMNS
from vendordd.vendors.intake import VOCABULARIES
from vendordd.vendors.models import BusinessFunction, Entity
from vendordd.vendors.validation import countries, lei_check_digits

EXAMPLE_LEI_BASE = "5493007LHARBR2Q8K4"
# Used in the example row when no entity or business function is set up yet (as in the demo).
FALLBACK_ENTITY = "HK bank — HKMA"
FALLBACK_FUNCTION = "Customer service"
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")


def reference_names(session: Session) -> tuple[list[str], list[str]]:
    """Names of the active entities and business functions, alphabetically."""
    entities = session.exec(select(Entity.name).where(Entity.is_active).order_by(Entity.name))
    functions = session.exec(
        select(BusinessFunction.name)
        .where(BusinessFunction.is_active)
        .order_by(BusinessFunction.name)
    )
    return list(entities), list(functions)


def example_row(entities: list[str], functions: list[str]) -> dict[str, str]:
    """One realistic, invented vendor with one service, valid against the given names."""
    return {
        "legal_name": "Lumen Harbor AI Pte. Ltd.",
        "display_name": "Lumen Harbor",
        "lei": EXAMPLE_LEI_BASE + lei_check_digits(EXAMPLE_LEI_BASE),
        "hq_country": "SG",
        "website": "https://lumenharbor.example",
        "trust_centre_url": "https://trust.lumenharbor.example",
        "subprocessor_list_url": "https://lumenharbor.example/legal/subprocessors",
        "owner_email": "",
        "notes": "Shortlisted in the 2026 contact-centre tender.",
        "service_name": "Harbor Assist",
        "service_description": "Drafts replies to customer emails; an agent reviews each draft.",
        "annual_spend": "180000",
        "entities": entities[0] if entities else FALLBACK_ENTITY,
        "business_functions": functions[0] if functions else FALLBACK_FUNCTION,
        "use_case": "customer_information",
        "data_class": "customer_personal",
        "critical_function": "no",
        "reliance": "material",
        "integration": "business_process",
        "autonomy": "human_in_loop",
        "users_affected": "2500",
        "is_public_facing": "no",
        "discontinuation_impact": "medium",
        "rto_hours": "24",
    }


def template_csv(*, entities: list[str], functions: list[str]) -> bytes:
    """The header and the example row as CSV, UTF-8 with the BOM Excel needs to read it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.name for column in COLUMNS])
    example = example_row(entities, functions)
    writer.writerow([example[column.name] for column in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx(*, entities: list[str], functions: list[str], max_rows: int) -> bytes:
    """A workbook: Vendors (header, example, dropdowns), Allowed values, and a column guide."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Vendors"
    allowed = workbook.create_sheet("Allowed values")
    ranges = _write_allowed_values(allowed, entities, functions)
    example = example_row(entities, functions)
    sheet.append([column.name for column in COLUMNS])
    sheet.append([example[column.name] for column in COLUMNS])
    _style_header(sheet, width=22)
    sheet.freeze_panes = "B2"
    for index, column in enumerate(COLUMNS, start=1):
        if column.name in ranges:
            letter = get_column_letter(index)
            validation = DataValidation(
                type="list",
                formula1=f"'Allowed values'!{ranges[column.name]}",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle=column.name,
                error="Not in the list. The import also accepts the labels listed there.",
            )
            validation.add(f"{letter}2:{letter}{max_rows + 1}")
            sheet.add_data_validation(validation)
    _write_guide(workbook.create_sheet("Columns"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_allowed_values(
    sheet: Worksheet, entities: list[str], functions: list[str]
) -> dict[str, str]:
    """Rows of (column, value, meaning); returns each dropdown column's block of values."""
    blocks: dict[str, list[tuple[str, str]]] = {
        name: list(vocabulary.items()) for name, vocabulary in VOCABULARIES.items()
    }
    blocks["is_public_facing"] = [
        ("yes", "Customers or the public use it directly"),
        ("no", "Only staff use it"),
    ]
    blocks["hq_country"] = list(countries().items())
    listed = {
        "entities": [(name, "Separate several with ;") for name in entities],
        "business_functions": [(name, "Separate several with ;") for name in functions],
    }
    sheet.append(["column", "value", "meaning"])
    ranges = {}
    for name, rows in (blocks | listed).items():
        start = sheet.max_row + 1
        for value, meaning in rows:
            sheet.append([name, value, meaning])
        if name in blocks:
            ranges[name] = f"$B${start}:$B${sheet.max_row}"
    _style_header(sheet, width=34)
    return ranges


def _write_guide(sheet: Worksheet) -> None:
    sheet.append(["column", "required", "what to enter"])
    for column in COLUMNS:
        sheet.append([column.name, column.requirement, column.help])
    _style_header(sheet, width=28)
    sheet.column_dimensions["C"].width = 90


def _style_header(sheet: Worksheet, width: int) -> None:
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        sheet.column_dimensions[cell.column_letter].width = width
