"""The vendor's clarification page: its own assessment's threads only, replies while returned."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.conftest import NOW
from tests.portal.helpers import portal_client_for
from tests.questionnaires.sample_definitions import mini, publish
from tests.review.helpers import contacts_of, submitted_assessment
from tests.vendors.test_services import events
from vendordd.assessments.models import ClarificationMessage
from vendordd.assessments.returning import return_to_vendor
from vendordd.assessments.review import request_clarification
from vendordd.auth.services import actor_for


@pytest.fixture
def returned(db, tmp_path, make_user):
    """Two vendors' assessments, each returned with a clarification on DR-01."""
    publish(db, tmp_path / "questionnaires", mini())
    reviewer = actor_for(make_user("risk"))
    found = []
    for name, email, question in (
        ("Acme AI Ltd", "mei@acme.example", "Which Acme data centre?"),
        ("Beta Labs", "bo@beta.example", "Which Beta region?"),
    ):
        assessment = submitted_assessment(db, name=name, contacts=(email,))
        request_clarification(
            db,
            assessment=assessment,
            question_key="DR-01",
            message=question,
            now=NOW,
            actor=reviewer,
        )
        return_to_vendor(
            db, assessment=assessment, base_url="https://x", days=14, now=NOW, actor=reviewer
        )
        found.append(assessment)
    db.commit()
    return found


def test_the_contact_sees_its_clarifications_with_answer_and_thread(client, db, returned):
    acme, _beta = returned
    portal = portal_client_for(client, db, contacts_of(db, acme)[0], acme)

    page = portal.get("/portal/clarifications").text

    article = page[page.index('id="clarification-DR-01"') :]
    assert "Where is customer data stored?" in article
    assert ">HK</dd>" in article
    assert "Which Acme data centre?" in article
    assert "Which Beta region?" not in page  # another vendor's thread
    assert "EG-01" not in page  # no clarification asked there
    assert 'action="/portal/clarifications/reply"' in page


def test_the_contact_replies_in_the_thread(client, db, returned):
    acme, _beta = returned
    portal = portal_client_for(client, db, contacts_of(db, acme)[0], acme)

    response = portal.post(
        "/portal/clarifications/reply", data={"question": "DR-01", "message": "Tseung Kwan O."}
    )

    assert response.status_code == 302
    assert "Tseung Kwan O." in portal.get(response.location).text
    reply = db.exec(
        select(ClarificationMessage).where(ClarificationMessage.author_type == "contact")
    ).one()
    assert (reply.assessment_id, reply.question_key) == (acme.id, "DR-01")
    assert "mei@acme.example" in reply.author_label
    assert events(db, "clarification.message")[-1].actor_type == "contact"


@pytest.mark.parametrize(
    ("data", "refusal"),
    [
        ({"question": "EG-01", "message": "Hello"}, "No clarification is requested on question"),
        ({"question": "DR-01", "message": "  "}, "Write a message"),
    ],
)
def test_replies_are_refused_where_nothing_is_asked(client, db, returned, data, refusal):
    acme, _beta = returned
    portal = portal_client_for(client, db, contacts_of(db, acme)[0], acme)
    response = portal.post("/portal/clarifications/reply", data=data)
    assert response.status_code == 422
    assert refusal in response.text
    assert db.exec(select(ClarificationMessage.author_type)).all() == ["user", "user"]


def test_a_reply_lands_on_the_contacts_own_assessment_only(client, db, returned):
    _acme, beta = returned
    portal = portal_client_for(client, db, contacts_of(db, beta)[0], beta)
    portal.post("/portal/clarifications/reply", data={"question": "DR-01", "message": "EU-1"})
    reply = db.exec(
        select(ClarificationMessage).where(ClarificationMessage.author_type == "contact")
    ).one()
    assert reply.assessment_id == beta.id


def test_no_replies_once_resubmitted(client, db, returned):
    acme, _beta = returned
    portal = portal_client_for(client, db, contacts_of(db, acme)[0], acme)
    acme.status = "submitted"
    db.add(acme)
    db.commit()
    page = portal.get("/portal/clarifications").text
    assert "not open for clarification now" in page and "Send reply" not in page
    refused = portal.post(
        "/portal/clarifications/reply", data={"question": "DR-01", "message": "Late"}
    )
    assert refused.status_code == 422
    assert "only while clarifications are open" in refused.text


def test_without_a_portal_session_nothing_is_shown(client, returned):
    response = client.get("/portal/clarifications")
    assert response.status_code == 401
    assert "Which Acme data centre?" not in response.text
    assert client.post("/portal/clarifications/reply", data={}).status_code == 401
