"""Link emails: a fresh working link in every email, older links revoked, nothing sent yet."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.conftest import NOW
from tests.questionnaires.sample_definitions import mini, publish
from tests.vendors.test_services import make_service, make_vendor
from vendordd.alerts.models import OutboxMessage
from vendordd.assessments.models import Assessment
from vendordd.auth.magic_links import exchange_link
from vendordd.auth.models import MagicLink
from vendordd.portal.mail import CLARIFICATION, INVITATION, REMINDER, send_link
from vendordd.questionnaires.models import QuestionnaireVersion
from vendordd.vendors.models import Contact


@pytest.fixture
def invited(db, tmp_path):
    publish(db, tmp_path, mini())
    vendor = make_vendor(db)
    make_service(db, vendor)
    contact = Contact(
        vendor_id=vendor.id, name="Mei Chan", email="mei@acme.example", created_at=NOW
    )
    db.add(contact)
    db.flush()
    assessment = Assessment(
        vendor_id=vendor.id,
        questionnaire_version_id=db.exec(select(QuestionnaireVersion.id)).one(),
        status="sent",
        tier="T4",
        data_class="public",
        use_case="internal_productivity",
        created_at=NOW,
        due_on=date(2026, 12, 1),
    )
    db.add(assessment)
    db.flush()
    return vendor, contact, assessment


def _send(db, invited, reason, now=NOW):
    vendor, contact, assessment = invited
    return send_link(
        db,
        reason=reason,
        contact=contact,
        vendor=vendor,
        assessment=assessment,
        base_url="https://dd.bank.example",
        days=14,
        now=now,
        details="LG-03: please state the retention in days." if reason == CLARIFICATION else "",
    )


def test_an_invitation_carries_a_working_link_and_the_due_date(db, invited):
    message = _send(db, invited, INVITATION)

    assert message.recipient == "mei@acme.example"
    assert message.subject == "Due diligence questionnaire for Acme"
    assert "Please submit it by 01 December 2026." in message.body
    assert "works until 16 November 2026" in message.body
    assert message.sent_at is None  # delivered only after the commit
    token = re.search(r"https://dd\.bank\.example/portal/enter/(\S+)", message.body).group(1)
    assert exchange_link(db, token=token, now=NOW, hours=1)


def test_a_reminder_rotates_the_link(db, invited):
    _send(db, invited, INVITATION)
    _send(db, invited, REMINDER, now=NOW + timedelta(days=3))

    links = db.exec(select(MagicLink).order_by(MagicLink.id)).all()
    assert [link.revoked_at for link in links] == [NOW + timedelta(days=3), None]
    assert len(db.exec(select(OutboxMessage)).all()) == 2


def test_clarification_emails_list_what_is_asked(db, invited):
    message = _send(db, invited, CLARIFICATION)

    assert message.subject == "Clarifications requested on the Acme questionnaire"
    assert "LG-03: please state the retention in days." in message.body
