"""The portal overview (progress, what is missing, who is invited) and inviting a colleague."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlmodel import select

from tests.conftest import NOW
from tests.portal.helpers import answer, portal_client_for, vendor_with_assessment
from tests.questionnaires.sample_definitions import mini, publish
from tests.vendors.test_services import events
from vendordd.alerts.models import OutboxMessage
from vendordd.assessments.models import AssessmentContact, QuestionReview
from vendordd.vendors.models import Contact

INVITE = {"name": "Kai Lee", "email": "Kai@ACME.example", "role_title": "DPO"}


@pytest.fixture
def acme(db, tmp_path):
    publish(db, tmp_path, mini())
    return vendor_with_assessment(db, "Acme AI Ltd", "mei@acme.example")


@pytest.fixture
def portal(client, db, acme):
    _vendor, contact, assessment = acme
    return portal_client_for(client, db, contact, assessment)


def text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_the_overview_shows_the_questionnaire_progress_and_what_is_missing(portal, db, acme):
    answer(db, acme[2], {"EG-01": "no"})

    page = portal.get("/portal/")
    assert page.status_code == 200
    shown = text(page.text)
    assert "Due diligence questionnaire for Acme" in shown
    assert "Mini questionnaire (version 1.0.0)" in shown
    assert "In progress" in shown
    assert "31 December 2026" in shown and ("days left" in shown or "overdue" in shown)
    assert "Progress: 1 of 3 questions answered" in shown
    assert '<progress id="progress-embedded" max="1" value="1"' in page.text
    assert '<progress id="progress-residency" max="2" value="0"' in page.text
    assert "DR-01 Where is customer data stored? (answer required)" in shown
    assert "EG-01 Does the product use" not in shown.split("Still missing")[1]
    assert "Mei Chan <mei@acme.example>, CISO (you)" in shown
    assert "Invite a colleague" in shown


def test_once_everything_is_in_the_overview_says_so(portal, db, acme):
    answer(db, acme[2], {"EG-01": "no", "DR-01": "HK", "DR-02": "90"})

    shown = text(portal.get("/portal/").text)
    assert "Every required answer and every required piece of evidence is in." in shown


def test_a_clarification_banner_names_the_questions_that_can_change(portal, db, acme, make_user):
    reviewer = make_user("risk")
    assessment = acme[2]
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

    shown = text(portal.get("/portal/").text)
    assert "Our reviewers asked for clarification on 1 question (DR-02)" in shown
    assert "Only those answers can change now" in shown


def test_inviting_a_colleague_on_the_same_domain(portal, db, acme):
    vendor, _mei, assessment = acme

    sent = portal.post("/portal/invite", data=INVITE)
    assert sent.status_code == 302 and sent.location == "/portal/#contacts"
    kai = db.exec(select(Contact).where(Contact.email == "kai@acme.example")).one()
    assert (kai.vendor_id, kai.name, kai.role_title) == (vendor.id, "Kai Lee", "DPO")
    invited = db.get(AssessmentContact, (assessment.id, kai.id))
    assert invited.invited_by == "Mei Chan <mei@acme.example> (Acme)"
    [message] = db.exec(select(OutboxMessage)).all()
    assert message.recipient == "kai@acme.example"
    assert "Mei Chan <mei@acme.example> invited you." in message.body
    [event] = events(db, "assessment.contact_invited")
    assert event.changes["invited"] == [None, "Kai Lee <kai@acme.example>"]
    assert event.actor_label == "Mei Chan <mei@acme.example> (Acme)"
    page = text(portal.get("/portal/").text)
    assert "Kai Lee is invited; their own link is on its way to kai@acme.example." in page
    assert "Kai Lee <kai@acme.example>, DPO" in page


def test_an_existing_contact_of_the_vendor_is_invited_not_duplicated(portal, db, acme):
    vendor = acme[0]
    db.add(Contact(vendor_id=vendor.id, name="Kai", email="kai@acme.example", created_at=NOW))
    db.commit()

    assert portal.post("/portal/invite", data=INVITE).status_code == 302
    assert len(db.exec(select(Contact).where(Contact.email == "kai@acme.example")).all()) == 1
    again = portal.post("/portal/invite", data=INVITE)
    assert again.status_code == 422
    assert "Kai &lt;kai@acme.example&gt; is already invited" in again.text


def test_a_colleague_on_another_domain_is_refused(portal, db, acme):
    refused = portal.post("/portal/invite", data={**INVITE, "email": "kai@gmail.example"})

    assert refused.status_code == 422
    assert (
        "You can only invite colleagues with an address at acme.example (the domain of your own "
        "address); kai@gmail.example is at gmail.example."
    ) in refused.text
    assert 'aria-describedby="email-error"' in refused.text
    assert db.exec(select(Contact).where(Contact.email == "kai@gmail.example")).all() == []
    assert db.exec(select(OutboxMessage)).all() == []


def test_no_invitations_once_submitted_and_the_overview_is_read_only(portal, db, acme):
    assessment = acme[2]
    assessment.status = "submitted"
    db.commit()

    refused = portal.post("/portal/invite", data=INVITE)
    assert refused.status_code == 302
    page = portal.get("/portal/").text
    assert "This questionnaire is no longer open, so no one can be invited to it." in page
    assert db.exec(select(OutboxMessage)).all() == []
    assert "Invite a colleague" not in page and "Review and submit" not in page
