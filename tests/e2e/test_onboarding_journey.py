"""Issue 2's journey in a real browser: procurement onboards and imports, the auditor finds it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func
from sqlmodel import select

from tests.conftest import PASSWORD
from tests.vendors.import_files import ENTITY, FUNCTION, add_reference_data, csv_file, lei, row
from vendordd.vendors.models import Service, Vendor

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def vendor_count(db) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(Vendor)).one()


def book_of(count: int) -> bytes:
    return csv_file(
        [
            row(
                legal_name=f"Imported Vendor {n:03d} Ltd",
                display_name=f"Imported {n:03d}",
                lei=lei(f"IMPORT{n:012d}"),
                service_name="Assistant",
            )
            for n in range(count)
        ]
    )


def test_procurement_onboards_and_imports_then_the_auditor_finds_it(
    live_server, page, shoot, make_user, db
):
    make_user("procurement")
    make_user("auditor")
    add_reference_data(db)

    log_in(page, live_server, "procurement@bank.example")
    page.get_by_role("link", name="Onboard a vendor").first.click()
    page.get_by_label("Legal name").fill("Harbour Lantern AI Limited")
    page.get_by_label("Display name").fill("Harbour Lantern")
    page.get_by_label("LEI").fill(lei("HARBOURLANTERN0001"))
    page.get_by_label("Headquarters country").select_option("HK")
    page.get_by_role("button", name=re.compile("Onboard|Save|Create")).click()
    page.get_by_role("heading", name="Harbour Lantern").wait_for()
    shoot("01-vendor-onboarded")

    page.get_by_role("link", name="Add a service").click()
    page.get_by_label("Service name").fill("Lantern Advice Desk")
    page.get_by_label(ENTITY).check()
    page.get_by_label(FUNCTION).check()
    page.get_by_label("Customer-facing advice, recommendation or research").check()
    page.get_by_label("Customer personal data").check()
    page.locator("input[name=critical_function][value=no]").check()
    page.locator("input[name=reliance][value=material]").check()
    page.get_by_label("Embedded in a business process").check()
    page.locator("input[name=autonomy][value=human_in_loop]").check()
    page.get_by_label("Customers or users affected").fill("40000")
    page.locator("input[name=discontinuation_impact][value=high]").check()
    page.get_by_role("button", name=re.compile("Save|Add")).click()
    reason = "T1 because it is used for customer-facing advice"
    page.get_by_text(reason).first.wait_for()
    assert "customer-facing advice" in page.content().lower()
    shoot("02-service-tiered")
    service = db.exec(select(Service).where(Service.name == "Lantern Advice Desk")).one()
    assert service.tier == 1

    page.goto(f"{live_server}/vendors/import")
    broken = csv_file([row(lei="NOTANLEI"), row(hq_country="XX", service_name="Other")])
    page.get_by_label("Spreadsheet (.xlsx or .csv)").set_input_files(
        files=[{"name": "broken.csv", "mimeType": "text/csv", "buffer": broken}]
    )
    page.get_by_role("button", name="Upload and import").click()
    page.get_by_text("nothing was imported", exact=False).first.wait_for()
    errors = page.locator("table").last.inner_text()
    assert "lei" in errors and "hq_country" in errors
    assert vendor_count(db) == 1
    shoot("03-import-errors")

    page.get_by_label("Spreadsheet (.xlsx or .csv)").set_input_files(
        files=[{"name": "book.csv", "mimeType": "text/csv", "buffer": book_of(200)}]
    )
    page.get_by_role("button", name="Upload and import").click()
    page.get_by_role("heading", name="Import complete").wait_for()
    created = page.locator("tr", has_text="Vendors").inner_text()
    assert "200" in created
    assert vendor_count(db) == 201
    shoot("04-import-complete")

    page.get_by_role("button", name="Log out").click()
    log_in(page, live_server, "auditor@bank.example")
    page.get_by_role("link", name="Audit trail").click()
    page.get_by_label("Action").select_option("import.completed")
    page.get_by_role("button", name=re.compile("Filter|Apply|Show")).click()
    assert "book.csv" in page.content()
    page.goto(f"{live_server}/audit/?vendor_id={service.vendor_id}")
    trail = page.locator("main").inner_text()
    assert "Harbour Lantern" in trail and "Lantern Advice Desk" in trail
    assert "Procurement" in trail
    page.goto(f"{live_server}/audit/?verify=1")
    assert "chain intact" in page.content()
    shoot("05-audit-trail")
