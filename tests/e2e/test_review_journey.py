"""Issue 4's journey in a real browser, through real email on a loopback SMTP server:
procurement issues, the vendor answers and submits, risk asks for a clarification, the vendor
answers it, a second risk user records a knockout acceptance, and risk approves with a finding."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.conftest import SYSTEM, empty_database
from tests.e2e.conftest import launch
from tests.e2e.journey_questionnaire import journey_questionnaire
from tests.e2e.test_onboarding_journey import log_in
from tests.mailserver import running_server
from tests.questionnaires.sample_definitions import publish
from tests.vendors.test_services import make_service, make_vendor
from vendordd import create_app
from vendordd.assessments.models import Assessment, Decision, Finding, RiskAcceptance
from vendordd.audit.services import verify_chain
from vendordd.dbtypes import utcnow
from vendordd.vendors.models import Vendor
from vendordd.vendors.services import add_contact

pytestmark = [pytest.mark.slow, pytest.mark.browser]
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/portal/enter/\S+)")
SAVED = re.compile(r"^Saved")  # not "Not saved"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def mail_server():
    with running_server() as server:
        yield server


@pytest.fixture
def journey_server(engine, database_url, tmp_path, mail_server):
    """The real application (CSRF on) delivering its mail to the loopback SMTP server, with
    links in its emails pointing at the address it is served on."""
    app = create_app(
        {
            "database_url": database_url,
            "instance_path": tmp_path / "instance",
            "secret_key": "e2e-secret-key-that-is-long-enough-0123456789",
            "smtp_host": mail_server.host,
            "smtp_port": mail_server.port,
        }
    )
    with launch(app) as base:
        app.config["VENDORDD"].base_url = base
        yield base
    app.extensions["vendordd.engine"].dispose()
    empty_database(engine)


def link_in_mail(mail_server, to: str, nth: int) -> str:
    """The magic link in the nth email the loopback server received for the address."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        received = [message for message in mail_server.messages if message["To"] == to]
        if len(received) >= nth:
            return LINK.search(received[nth - 1].get_content()).group(1)
        time.sleep(0.05)
    raise AssertionError(f"email {nth} to {to} never arrived")


def saved(page, key: str) -> None:
    page.locator(f"#{key}-state").get_by_text(SAVED).wait_for()


def test_issue_answer_clarify_accept_and_approve(
    journey_server, mail_server, browser, shoot, make_user, db, tmp_path
):
    base = journey_server
    publish(db, tmp_path / "questionnaires", journey_questionnaire())
    make_user("procurement")
    reviewer = make_user("risk", email="rafael@bank.example", name="Rafael Reviewer")
    second = make_user("risk", email="rita@bank.example", name="Rita Second")
    vendor = make_vendor(db, "Lumen Advisory AI Ltd", display_name="Lumen")
    make_service(db, vendor, tier=1)
    add_contact(
        db,
        vendor=vendor,
        name="Vera Vendor",
        email="vera@lumen.example",
        role_title="Head of security",
        actor=SYSTEM,
        now=utcnow(),
    )
    db.commit()

    # Procurement issues the questionnaire.
    staff = browser.new_page()
    log_in(staff, base, "procurement@bank.example")
    staff.goto(f"{base}/vendors/{vendor.id}")
    staff.get_by_role("link", name=re.compile("Issue (an )?assessment")).first.click()
    version = staff.get_by_label("Questionnaire version")
    version.select_option(version.locator("option", has_text="short form").get_attribute("value"))
    staff.get_by_label("Vera Vendor").check()
    shoot("journey-01-issue", staff)
    staff.get_by_role("button", name="Issue and send invitations").click()
    staff.get_by_text("Vera Vendor").first.wait_for()

    # The invitation arrives by email; the vendor follows its link.
    vendor_page = browser.new_page()
    vendor_page.goto(link_in_mail(mail_server, "vera@lumen.example", 1))
    vendor_page.get_by_role("button", name="Open the questionnaire").click()
    vendor_page.get_by_role("heading", name=re.compile("Progress")).wait_for()
    shoot("journey-02-portal-overview", vendor_page)

    # Every question type, a conditional question and a repeating group.
    vendor_page.get_by_role("link", name="Embedded GenAI").first.click()
    group = vendor_page.locator("#q-EG-02")
    assert group.is_hidden()
    vendor_page.locator("#q-EG-01").get_by_label("Yes", exact=True).check()
    saved(vendor_page, "EG-01")
    group.wait_for(state="visible")  # shown as soon as the answer is saved
    vendor_page.get_by_label("Feature, row 1").fill("Meeting summaries")
    vendor_page.get_by_label("Model developer, row 1").fill("OpenAI")
    vendor_page.get_by_label("On by default, row 1").select_option("yes")
    saved(vendor_page, "EG-02")
    vendor_page.get_by_label("Switch each feature off").check()
    vendor_page.get_by_label("An audit log of AI use").check()
    saved(vendor_page, "EG-03")
    vendor_page.get_by_label("No advance notice").check()  # a knockout at tier 1
    saved(vendor_page, "EG-04")
    vendor_page.locator("#MP-01").fill("OpenAI; Anthropic")
    vendor_page.locator("#MP-01").press("Tab")
    saved(vendor_page, "MP-01")
    shoot("journey-03-portal-embedded", vendor_page)

    vendor_page.get_by_role("link", name=re.compile("Data, logging and assurance")).first.click()
    for key, value in (
        ("DR-01", "HK SG"),
        ("DR-02", "365"),
        ("DR-04", "Chief risk officer"),
        ("DR-05", "Daily export to the customer's SIEM over HTTPS."),
    ):
        vendor_page.locator(f"#{key}").fill(value)
        vendor_page.locator(f"#{key}").press("Tab")
        saved(vendor_page, key)
    vendor_page.locator("#DR-03").fill((date.today() - timedelta(days=90)).isoformat())
    vendor_page.locator("#DR-03").press("Tab")
    saved(vendor_page, "DR-03")

    for key, name in (("DR-01", "data-flows.pdf"), ("DR-06", "soc2-type2-2026.pdf")):
        vendor_page.get_by_role("link", name=f"Upload or view files for {key}").click()
        vendor_page.get_by_label("File", exact=True).set_input_files(
            {"name": name, "mimeType": "application/pdf", "buffer": PDF}
        )
        vendor_page.get_by_label("Expiry date (optional)").fill(
            (date.today() + timedelta(days=300)).isoformat()
        )
        vendor_page.get_by_role("button", name="Upload").click()
        vendor_page.get_by_role("cell", name=name).wait_for()
        vendor_page.get_by_role("link", name="← Back to the question").click()
    shoot("journey-04-portal-evidence", vendor_page)

    submit(vendor_page, base)
    shoot("journey-05-portal-receipt", vendor_page)
    assessment = db.exec(select(Assessment)).one()
    db.refresh(assessment)
    assert (assessment.status, assessment.outcome) == ("submitted", "blocked")

    # Risk asks for a clarification and returns the questionnaire.
    log_in_as(staff, base, "rafael@bank.example")
    staff.get_by_role("link", name="Review", exact=True).click()
    staff.get_by_role("link", name=re.compile("Lumen")).first.click()
    staff.get_by_label("Ask the vendor to clarify DR-02").fill(
        "Can each client choose the retention period? Please confirm the maximum."
    )
    clarify = staff.locator("form:has(#msg-DR-02)")
    clarify.get_by_role("button", name="Request clarification").click()
    staff.get_by_role("button", name="Return to vendor").click()
    shoot("journey-06-review-returned", staff)

    # The vendor answers the clarification from the new email's link.
    vendor_page.goto(link_in_mail(mail_server, "vera@lumen.example", 2))
    vendor_page.get_by_role("button", name="Open the questionnaire").click()
    vendor_page.get_by_role("link", name="Read and answer the clarifications").click()
    vendor_page.get_by_label("Your reply on DR-02").fill(
        "Yes: each client sets it between 30 and 730 days; we keep 400 by default."
    )
    vendor_page.get_by_role("button", name="Send reply").click()
    vendor_page.get_by_role("link", name="Change the answer to DR-02").click()
    assert vendor_page.locator("#q-DR-01 input").count() == 0  # only DR-02 may change now
    vendor_page.locator("#DR-02").fill("400")
    vendor_page.locator("#DR-02").press("Tab")
    saved(vendor_page, "DR-02")
    submit(vendor_page, base)

    # A second risk user records the knockout's acceptance; the reviewer approves it.
    log_in_as(staff, base, "rita@bank.example")
    staff.goto(f"{base}/assessments/{assessment.id}/review")
    staff.get_by_label("Justification").fill(
        "The model provider is contractually fixed until 2028; a change needs a new contract."
    )
    staff.get_by_label("Compensating controls").fill(
        "Quarterly review of the provider; exit plan tested yearly."
    )
    staff.get_by_label("Expires on").fill((date.today() + timedelta(days=180)).isoformat())
    staff.get_by_role("button", name="Record risk acceptance").click()
    staff.get_by_text("Rita Second").first.wait_for()

    log_in_as(staff, base, "rafael@bank.example")
    staff.goto(f"{base}/assessments/{assessment.id}/review")
    staff.get_by_role("button", name="Approve this risk acceptance").click()
    staff.locator("summary", has_text="Raise a finding on EG-04").click()
    staff.locator("#finding-EG-04-severity").select_option("high")
    staff.locator("#finding-EG-04-description").fill("No advance notice of a model change.")
    staff.locator("#finding-EG-04-remediation").fill("Agree 90 days' notice in the contract.")
    staff.locator("#finding-EG-04-due").fill((date.today() + timedelta(days=90)).isoformat())
    staff.get_by_role("button", name="Raise finding").first.click()
    staff.get_by_label("Approve with conditions").check()
    staff.get_by_label("Rationale").fill("Approved while the notice period is renegotiated.")
    staff.get_by_role("button", name="Record decision").click()
    staff.get_by_text(re.compile("Approve(d)? with conditions")).first.wait_for()
    shoot("journey-07-decided", staff)

    db.expire_all()
    decision = db.exec(select(Decision)).one()
    acceptance = db.exec(select(RiskAcceptance)).one()
    finding = db.exec(select(Finding)).one()
    assert decision.outcome == "approved_with_conditions"
    assert decision.risk_acceptance_id == acceptance.id
    assert (acceptance.requested_by_id, acceptance.approved_by_id) == (second.id, reviewer.id)
    assert (finding.question_key, finding.severity, finding.status) == ("EG-04", "high", "open")
    assert db.get(Vendor, vendor.id).next_reassessment_on == decision.next_reassessment_on
    assert db.get(Assessment, assessment.id).submission_round == 2
    assert verify_chain(db).ok


def submit(page, base: str) -> None:
    page.goto(f"{base}/portal/submit")
    page.get_by_label("I confirm").check()
    page.get_by_role("button", name="Submit the questionnaire").click()
    page.get_by_text(re.compile("receipt", re.I)).first.wait_for()


def log_in_as(page, base: str, email: str) -> None:
    page.context.clear_cookies()
    log_in(page, base, email)
