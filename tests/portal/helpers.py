"""Portal test helpers: an assessment issued to an invited contact, and a signed-in client."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tests.conftest import NOW, SYSTEM
from tests.vendors.test_services import make_service, make_vendor
from vendordd.assessments.answering import save_answers
from vendordd.assessments.models import Assessment, AssessmentContact
from vendordd.assessments.services import start_assessment
from vendordd.auth.magic_links import exchange_link, issue_link
from vendordd.portal.access import PORTAL_COOKIE, PORTAL_PATH
from vendordd.questionnaires.answers import parse_answers
from vendordd.questionnaires.services import definition_of, find_version
from vendordd.vendors.models import Contact, Vendor
from vendordd.vendors.services import add_contact

COMPLETE = {"EG-01": "no", "DR-01": "HK", "DR-02": "90"}


def invited(
    db, vendor: Vendor, email: str, *, name: str = "Mei Chan", issued_by_id: int | None = None
) -> tuple[Contact, Assessment]:
    """A contact of the vendor invited to a new assessment of it (mini 1.0.0), sent."""
    row = find_version(db, key="mini", version="1.0.0")
    assessment = start_assessment(db, vendor=vendor, version=row, now=NOW, actor=SYSTEM)
    assessment.status, assessment.due_on = "sent", date(2026, 12, 31)
    assessment.issued_at, assessment.issued_by_id = NOW, issued_by_id
    contact = add_contact(
        db, vendor=vendor, name=name, email=email, role_title="CISO", actor=SYSTEM, now=NOW
    )
    db.add(
        AssessmentContact(
            assessment_id=assessment.id, contact_id=contact.id, invited_at=NOW, invited_by="test"
        )
    )
    db.commit()
    return contact, assessment


def vendor_with_assessment(
    db, legal_name: str, email: str, **kwargs
) -> tuple[Vendor, Contact, Assessment]:
    """A vendor with a tier-4 service and an assessment sent to one contact."""
    vendor = make_vendor(db, legal_name)
    make_service(db, vendor)
    return vendor, *invited(db, vendor, email, **kwargs)


def answer(db, assessment: Assessment, raw: dict[str, Any]) -> None:
    """Save raw answers (checked here) as the system, committed."""
    row = find_version(db, key="mini", version="1.0.0")
    answers, errors = parse_answers(definition_of(row), raw)
    assert not errors, errors
    save_answers(db, assessment=assessment, answers=answers, now=NOW, actor=SYSTEM)
    db.commit()


def portal_client_for(client, db, contact: Contact, assessment: Assessment):
    """The client, with an open portal session for the contact on the assessment."""
    now = datetime.now(UTC)
    token = issue_link(db, contact_id=contact.id, assessment_id=assessment.id, now=now, days=14)
    portal_token = exchange_link(db, token=token, now=now, hours=12)
    db.commit()
    client.set_cookie(PORTAL_COOKIE, portal_token, path=PORTAL_PATH)
    return client
    return client
