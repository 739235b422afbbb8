"""Submitting: refused while anything is missing, the attestation, the receipt and its hash."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlmodel import select

from tests.conftest import NOW, SYSTEM
from tests.portal.helpers import COMPLETE, answer, portal_client_for, vendor_with_assessment
from tests.questionnaires.sample_definitions import mini, publish
from tests.vendors.test_services import events
from vendordd.alerts.models import OutboxMessage
from vendordd.assessments.models import QuestionReview
from vendordd.auth.magic_links import issue_link
from vendordd.auth.models import MagicLink
from vendordd.portal.submission import submit_assessment
from vendordd.settings.attestation import DEFAULT_STATEMENT, set_attestation_statement

URL = "/portal/submit"
ATTEST = {"name": "Mei Chan", "title": "CISO", "confirm": "y"}


@pytest.fixture
def acme(db, tmp_path, make_user):
    publish(db, tmp_path, mini())
    issuer = make_user("procurement", name="Paula Proc")
    return vendor_with_assessment(db, "Acme AI Ltd", "mei@acme.example", issued_by_id=issuer.id)


@pytest.fixture
def portal(client, db, acme):
    _vendor, contact, assessment = acme
    return portal_client_for(client, db, contact, assessment)


def fresh(db, row):
    db.expire_all()
    return db.get(type(row), row.id)


def test_with_answers_missing_the_page_lists_them_and_offers_no_attestation(portal, db, acme):
    answer(db, acme[2], {"EG-01": "no"})

    page = portal.get(URL)
    assert page.status_code == 200
    assert "The questionnaire cannot be submitted yet" in page.text
    assert '<span class="qkey">DR-01</span> Where is customer data stored?' in page.text
    assert '<span class="qkey">DR-02</span>' in page.text
    assert 'name="confirm"' not in page.text


def test_posting_while_answers_are_missing_is_refused_with_the_list(portal, db, acme):
    answer(db, acme[2], {"EG-01": "no", "DR-01": "HK"})

    refused = portal.post(URL, data=ATTEST)
    assert refused.status_code == 422
    assert "The questionnaire cannot be submitted yet" in refused.text
    assert '<span class="qkey">DR-02</span>' in refused.text
    assessment = fresh(db, acme[2])
    assert (assessment.status, assessment.submission_round) == ("in_progress", 0)
    assert events(db, "assessment.submitted") == []


def test_the_attestation_needs_the_confirmation_name_and_title(portal, db, acme):
    answer(db, acme[2], COMPLETE)

    form = portal.get(URL).text
    assert DEFAULT_STATEMENT in form
    assert 'value="Mei Chan"' in form and 'value="CISO"' in form
    refused = portal.post(URL, data={"name": "", "title": "CISO"})
    assert refused.status_code == 422
    assert "Tick the box to confirm the statement, or do not submit yet." in refused.text
    assert "Enter your full name." in refused.text
    assert fresh(db, acme[2]).status == "in_progress"


def test_submitting_stores_the_attestation_and_the_hash_and_shows_a_receipt(portal, db, acme):
    assessment = acme[2]
    answer(db, assessment, COMPLETE)
    set_attestation_statement(db, statement="We attest.", actor=SYSTEM, now=NOW)
    db.commit()

    sent = portal.post(URL, data=ATTEST)
    assert sent.status_code == 302 and sent.location == "/portal/receipt"
    assessment = fresh(db, assessment)
    stored = {"EG-01": False, "DR-01": ["HK"], "DR-02": 90}
    digest = hashlib.sha256(
        json.dumps(stored, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    assert (assessment.status, assessment.submission_round) == ("submitted", 1)
    assert assessment.submission_hash == digest
    assert (assessment.attested_name, assessment.attested_title) == ("Mei Chan", "CISO")
    assert assessment.attestation_text == "We attest."
    assert assessment.submitted_at is not None and assessment.score_percent is not None
    [event] = events(db, "assessment.submitted")
    assert event.changes["status"] == ["in_progress", "submitted"]
    assert event.actor_label == "Mei Chan <mei@acme.example> (Acme)"
    [message] = db.exec(select(OutboxMessage)).all()
    assert message.recipient == "procurement@bank.example"
    assert (
        "Acme submitted assessment" in message.body and "attested by Mei Chan, CISO" in message.body
    )
    # every link is revoked; the submitter's session stays to show the receipt
    assert all(link.revoked_at or link.used_at for link in db.exec(select(MagicLink)))
    receipt = portal.get("/portal/receipt")
    assert receipt.status_code == 200
    assert digest in receipt.text and "We attest." in receipt.text
    assert "round 1" in receipt.text and "Mei Chan, CISO" in receipt.text
    overview = portal.get("/portal/").text
    assert "Submitted" in overview and digest in overview and "Invite a colleague" not in overview


def test_links_sent_before_submitting_stop_working(app, portal, db, acme):
    _vendor, contact, assessment = acme
    answer(db, assessment, COMPLETE)
    token = issue_link(db, contact_id=contact.id, assessment_id=assessment.id, now=NOW, days=60)
    db.commit()

    portal.post(URL, data=ATTEST)
    refused = app.test_client().get(f"/portal/enter/{token}")
    assert refused.status_code == 410
    assert "This questionnaire is closed" in refused.text


def test_a_second_submission_is_refused_and_shows_the_receipt(portal, db, acme):
    answer(db, acme[2], COMPLETE)
    portal.post(URL, data=ATTEST)

    again = portal.post(URL, data=ATTEST, follow_redirects=True)
    assert "This questionnaire has already been submitted; here is your receipt." in again.text
    assessment = fresh(db, acme[2])
    assert assessment.submission_round == 1
    assert len(events(db, "assessment.submitted")) == 1


def test_resubmitting_after_clarification_counts_a_second_round(portal, db, acme, make_user):
    reviewer = make_user("risk")
    assessment = acme[2]
    answer(db, assessment, COMPLETE)
    submit_assessment(
        db,
        assessment=assessment,
        attested_name="Mei Chan",
        attested_title="CISO",
        statement="We attest.",
        base_url="",
        now=NOW,
        actor=SYSTEM,
    )
    assessment.status = "clarification"
    db.add(
        QuestionReview(
            assessment_id=assessment.id,
            question_key="DR-02",
            status="clarification",
            updated_at=NOW,
            updated_by_id=reviewer.id,
        )
    )
    db.commit()
    answer(db, assessment, {"DR-02": "120"})

    assert portal.post(URL, data=ATTEST).location == "/portal/receipt"
    assessment = fresh(db, assessment)
    assert (assessment.status, assessment.submission_round) == ("submitted", 2)
    [_first, second] = db.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert "again, after clarifications" in second.body


def test_no_receipt_before_submitting(portal):
    assert portal.get("/portal/receipt", follow_redirects=True).request.path == "/portal/"
