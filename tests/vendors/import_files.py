"""Build bulk-import files inside tests (CSV or XLSX from rows of cells; no binary fixtures)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from tests.conftest import NOW, SYSTEM
from vendordd.vendors import importing
from vendordd.vendors.import_columns import COLUMNS
from vendordd.vendors.reference import save_entity, save_function
from vendordd.vendors.validation import lei_check_digits

HEADER = [column.name for column in COLUMNS]
ENTITY, OTHER_ENTITY = "HK bank — HKMA", "SG branch — MAS"
FUNCTION, OTHER_FUNCTION = "Customer service", "Research"

# One vendor with one tier-2 service (customer personal data, no critical function).
BASE = {
    "legal_name": "Lumen Harbor AI Pte. Ltd.",
    "display_name": "Lumen Harbor",
    "lei": "",
    "hq_country": "SG",
    "website": "https://lumenharbor.example",
    "trust_centre_url": "",
    "subprocessor_list_url": "",
    "owner_email": "",
    "notes": "",
    "service_name": "Harbor Assist",
    "service_description": "Drafts replies to customer emails.",
    "annual_spend": "180000",
    "entities": ENTITY,
    "business_functions": FUNCTION,
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
SERVICE_COLUMNS = [c.name for c in COLUMNS if c.part != "vendor"]


def lei(prefix: str) -> str:
    """A valid LEI from an 18-character prefix."""
    return prefix + lei_check_digits(prefix)


def broken(valid_lei: str) -> str:
    """The LEI with a wrong last check digit."""
    last = valid_lei[-1]
    return valid_lei[:-1] + ("1" if last == "0" else "0")


def row(**cells) -> dict:
    """The base row with some cells replaced."""
    return BASE | cells


def vendor_only(**cells) -> dict:
    """A row that describes only a vendor: every service cell empty."""
    return row(**dict.fromkeys(SERVICE_COLUMNS, "")) | cells


def csv_file(rows: list[dict | None], header: list[str] | None = None, **options) -> bytes:
    """CSV text; a None row is written as an empty line."""
    header = header or HEADER
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=options.get("delimiter", ","))
    writer.writerow(header)
    for cells in rows:
        writer.writerow([] if cells is None else [cells.get(name, "") for name in header])
    return buffer.getvalue().encode(options.get("encoding", "utf-8"))


def xlsx_file(rows: list[dict | None], header: list[str] | None = None) -> bytes:
    """A workbook whose first sheet holds the header and rows (None leaves a row empty)."""
    header = header or HEADER
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for cells in rows:
        sheet.append([] if cells is None else [cells.get(name) for name in header])
    workbook.create_sheet("Notes").append(["legal_name"])  # only the first sheet is read
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FILES = {"csv": csv_file, "xlsx": xlsx_file}


def add_reference_data(db) -> None:
    """The entities and business functions the rows refer to."""
    for name in (ENTITY, OTHER_ENTITY):
        save_entity(db, name=name, regimes=[], is_active=True, actor=SYSTEM, now=NOW)
    for name in (FUNCTION, OTHER_FUNCTION):
        save_function(db, name=name, is_active=True, actor=SYSTEM, now=NOW)
    db.commit()


def check_file(db, content: bytes, filename: str = "vendors.csv", max_rows: int = 5000):
    return importing.check_import(db, filename=filename, content=content, max_rows=max_rows)


def import_file(db, content: bytes, filename: str = "vendors.csv") -> dict:
    """Check and import a file that must be valid; returns the recorded summary."""
    check = check_file(db, content, filename)
    assert check.problems == []
    event = importing.run_import(db, check=check, actor=SYSTEM, now=NOW)
    db.commit()
    return importing.summary(event)


def spots(check) -> set[tuple[int | None, str]]:
    """Where the problems are: (row, column) pairs."""
    return {(p.row, p.column) for p in check.problems}
