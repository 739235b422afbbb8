"""Bulk onboarding through the web: upload, result page, template downloads, who may use them."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlmodel import func, select

from tests.vendors.import_files import (
    BASE,
    ENTITY,
    FUNCTION,
    HEADER,
    add_reference_data,
    broken,
    csv_file,
    lei,
    row,
    xlsx_file,
)
from vendordd.audit.models import AuditEvent
from vendordd.vendors.intake import USE_CASES
from vendordd.vendors.models import Service, Vendor

ROUTES = [
    ("get", "/vendors/import"),
    ("post", "/vendors/import"),
    ("get", "/vendors/import/template.csv"),
    ("get", "/vendors/import/template.xlsx"),
    ("get", "/vendors/import/results/1"),
]
# Intake variations that land 200 vendors' services in every tier.
LOW = {
    "data_class": "internal",
    "users_affected": "50",
    "discontinuation_impact": "low",
    "reliance": "low",
    "rto_hours": "48",
}
PROFILES = [
    {},  # T2: customer personal data
    {"critical_function": "yes", "reliance": "full"},  # T1
    LOW | {"use_case": "internal_productivity", "integration": "standalone"},  # T4
    LOW | {"use_case": "internal_decision_support"},  # T3
]


@pytest.fixture
def reference(db):
    add_reference_data(db)


@pytest.fixture
def procurement(login_as):
    return login_as("procurement")


def count(db, model) -> int:
    return db.exec(select(func.count()).select_from(model)).one()


def upload(client, content: bytes, filename: str = "book.csv", **fields):
    data = {"file": (io.BytesIO(content), filename)} | fields
    return client.post("/vendors/import", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("role", ["risk", "auditor"])
@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_risk_and_auditor_may_not_import(client, login_as, role, method, url):
    login_as(role)

    assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_anonymous_visitors_are_sent_to_log_in(client, method, url):
    response = getattr(client, method)(url)

    assert response.status_code == 302 and response.location.startswith("/login")


@pytest.mark.parametrize("role", ["procurement", "admin"])
def test_form_explains_the_format_and_links_the_templates(client, login_as, role):
    login_as(role)

    page = client.get("/vendors/import").text

    assert 'enctype="multipart/form-data"' in page
    assert "/vendors/import/template.xlsx" in page and "/vendors/import/template.csv" in page
    assert all(f"<code>{name}</code>" in page for name in HEADER)


def test_upload_imports_and_redirects_to_the_counts(client, db, reference, procurement):
    rows = [
        row(),
        row(service_name="Harbor Translate"),
        row(legal_name="Quill AI Ltd", lei=lei("5493001KJTIIGC8Y1R")),
    ]

    response = upload(client, xlsx_file(rows), "book.xlsx")

    assert response.status_code == 302
    page = client.get(response.location).text
    assert "Import complete" in page and "book.xlsx imported." in page
    assert '<td class="num">2</td>' in page and '<td class="num">3</td>' in page
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "import.completed")).one()
    assert (event.object_type, event.object_label, event.actor_id) == (
        "import",
        "book.xlsx",
        procurement.id,
    )
    assert event.changes["vendors_created"] == [None, 2]
    assert event.changes["services_created"] == [None, 3]


def test_two_hundred_vendors_import_with_their_tiers(client, db, reference, procurement):
    rows = [
        row(
            legal_name=f"Vendor {v:03d} AI Ltd",
            display_name=f"V{v:03d}",
            service_name=f"Service {s}",
            **PROFILES[(v + s) % 4],
        )
        for v in range(200)
        for s in range(2)
    ]

    response = upload(client, csv_file(rows), "book.csv")

    assert response.status_code == 302
    assert (count(db, Vendor), count(db, Service)) == (200, 400)
    assert db.exec(select(func.count()).where(Vendor.tier.is_(None))).one() == 0
    assert set(db.exec(select(Service.tier).distinct())) == {1, 2, 3, 4}
    page = client.get(response.location).text
    assert '<td class="num">200</td>' in page and '<td class="num">400</td>' in page

    again = client.get(upload(client, csv_file(rows), "book.csv").location).text

    assert again.count('<td class="num">0</td>') == 4  # nothing created or updated
    assert (count(db, Vendor), count(db, Service)) == (200, 400)


def test_file_with_problems_lists_them_all_and_imports_nothing(client, db, reference, procurement):
    bad_lei = broken(lei("5493001KJTIIGC8Y1R"))
    rows = [
        row(),
        row(legal_name="Other Ltd", lei=bad_lei),
        row(legal_name="Third Ltd", hq_country="Atlantis"),
    ]
    events = count(db, AuditEvent)

    response = upload(client, csv_file(rows))

    assert response.status_code == 422
    page = response.text
    assert "2 problems in book.csv" in page and "Nothing was imported" in page
    assert "check digits do not match" in page
    assert '<td class="num">3</td>' in page and '<td class="num">4</td>' in page
    assert "Atlantis" in page
    assert (count(db, Vendor), count(db, AuditEvent)) == (0, events)


def test_unreadable_file_gets_a_message_not_an_error_page(client, db, procurement):
    events = count(db, AuditEvent)

    response = upload(client, b"PK\x03\x04 damaged", "book.xlsx")

    assert response.status_code == 422
    assert "damaged or not a real .xlsx file" in response.text
    assert count(db, AuditEvent) == events


def test_check_only_reports_what_would_change_and_writes_nothing(
    client, db, reference, procurement
):
    events = count(db, AuditEvent)

    response = upload(client, csv_file([row()]), dry_run="y")

    assert response.status_code == 200
    assert "No problems found" in response.text and "Nothing was saved" in response.text
    assert '<td class="num">1</td>' in response.text  # one vendor and one service to create
    assert 'action="/vendors/import"' in response.text  # the form to import it for real
    assert (count(db, Vendor), count(db, AuditEvent)) == (0, events)


def test_a_file_must_be_chosen(client, procurement):
    response = client.post("/vendors/import", data={}, content_type="multipart/form-data")

    assert response.status_code == 422
    assert "Choose a .xlsx or .csv file to upload." in response.text


def test_row_limit_comes_from_the_configuration(app, client, reference, procurement):
    app.config["VENDORDD"].import_max_rows = 2

    response = upload(client, csv_file([row(legal_name=f"V{i} Ltd") for i in range(3)]))

    assert response.status_code == 422
    assert "more than 2 data rows" in response.text


def test_oversized_upload_gets_the_413_page(app, client, procurement):
    app.config["MAX_CONTENT_LENGTH"] = 2_000

    response = upload(client, b"x" * 5_000)

    assert response.status_code == 413
    assert "Too large" in response.text


def test_result_page_shows_only_imports(client, db, reference, procurement):
    other_event = db.exec(select(AuditEvent.id)).first()

    assert client.get(f"/vendors/import/results/{other_event}").status_code == 404
    assert client.get("/vendors/import/results/999999").status_code == 404


def test_csv_template_downloads_and_imports_cleanly(client, db, reference, procurement):
    response = client.get("/vendors/import/template.csv")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data.startswith(b"\xef\xbb\xbf")
    header, example = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert header == HEADER
    assert dict(zip(header, example, strict=True))["entities"] == ENTITY

    imported = upload(client, response.data, "template.csv")

    assert imported.status_code == 302
    vendor = db.exec(select(Vendor)).one()
    assert (vendor.legal_name, vendor.status, vendor.tier) == (
        "Lumen Harbor AI Pte. Ltd.",
        "prospect",
        2,
    )


def test_xlsx_template_has_allowed_values_and_dropdowns_and_imports_cleanly(
    client, db, reference, procurement
):
    response = client.get("/vendors/import/template.xlsx")

    assert response.status_code == 200
    assert (
        response.headers["Content-Disposition"]
        == 'attachment; filename="vendordd-import-template.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Vendors", "Allowed values", "Columns"]
    vendors, allowed = workbook["Vendors"], workbook["Allowed values"]
    assert [cell.value for cell in vendors[1]] == HEADER
    listed = {(r[0], r[1]) for r in allowed.iter_rows(min_row=2, values_only=True)}
    assert {("use_case", code) for code in USE_CASES} <= listed
    assert {("entities", ENTITY), ("business_functions", FUNCTION), ("hq_country", "SG")} <= listed
    dropdowns = {str(v.sqref).split(":")[0] for v in vendors.data_validations.dataValidation}
    use_case_column = f"{chr(ord('A') + HEADER.index('use_case'))}2"
    assert use_case_column in dropdowns

    imported = upload(client, response.data, "template.xlsx")

    assert imported.status_code == 302
    assert db.exec(select(Vendor.legal_name)).one() == BASE["legal_name"]
    assert db.exec(select(Service.name)).one() == "Harbor Assist"
