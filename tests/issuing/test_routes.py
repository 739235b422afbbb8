"""Issuing through the pages: the form, the supersede offer, reminders, cancelling, roles."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from sqlmodel import select

from tests.conftest import sign_in
from tests.issuing.conftest import issue, tokens
from tests.vendors.test_services import events, make_vendor
from vendordd.alerts.models import OutboxMessage
from vendordd.assessments import issuing
from vendordd.assessments.models import Assessment
from vendordd.auth.magic_links import REVOKED, LinkRefused, exchange_link
from vendordd.auth.models import User
from vendordd.dbtypes import utcnow


@pytest.fixture
def signed_in(client, db, book):
    """The client, signed in as the book's procurement user."""
    sign_in(client, db, db.get(User, book.user_id))
    return client


def in_days(days: int) -> str:
    return (utcnow().date() + timedelta(days=days)).isoformat()


def form(book, **changes) -> dict:
    data = {
        "version_id": book.version.id,
        "due_on": in_days(20),
        "contact_ids": [book.mei.id, book.raj.id],
    }
    return data | changes


def page(response) -> str:
    return unescape(response.get_data(as_text=True))


def outbox(db) -> list[OutboxMessage]:
    return list(db.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_form_previews_the_scope_and_preselects_version_and_due_date(signed_in, book):
    text = page(signed_in.get(f"/assessments/issue/{book.vendor.id}"))

    assert "Issue an assessment to Acme" in text
    assert "Mini questionnaire 1.0.0 (mini): 3 of 4 questions at this scope" in text
    assert f'value="{in_days(30)}"' in text
    assert "Public" in text and "Internal productivity" in text
    assert "Mei Chan <mei@acme.example>" in text and "Raj Patel" in text
    assert "Olga" not in text
    assert "already has an open assessment" not in text


def test_without_contacts_or_services_the_form_says_what_to_do_first(signed_in, db, book):
    bare = make_vendor(db, "Bare Ltd")
    text = page(signed_in.get(f"/assessments/issue/{bare.id}"))

    assert "Bare has no services yet" in text
    assert "Add a contact on the vendor page" in text
    response = signed_in.post(f"/assessments/issue/{bare.id}", data=form(book, contact_ids=[]))
    assert response.status_code == 422
    assert "Choose at least one contact to invite." in page(response)


def test_issuing_sends_the_invitations_and_shows_who_was_invited(signed_in, db, book):
    response = signed_in.post(f"/assessments/issue/{book.vendor.id}", data=form(book))

    assessment = db.exec(select(Assessment)).one()
    assert response.status_code == 302
    assert response.location == f"/assessments/{assessment.id}/invitations"
    assert (assessment.status, assessment.due_on.isoformat()) == ("sent", in_days(20))
    assert [m.recipient for m in outbox(db)] == ["mei@acme.example", "raj@acme.example"]
    text = page(signed_in.get(response.location))
    assert "2 invitations queued" in text
    assert "Mei Chan" in text and "not opened yet" in text
    assert "Send a reminder to everyone invited" in text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"due_on": in_days(0)}, "The due date must be after today"),
        ({"due_on": "31/12/2026"}, "Not a valid date value."),
        ({"contact_ids": []}, "Choose at least one contact to invite."),
        ({"version_id": 999999}, "Choose a published questionnaire version."),
    ],
)
def test_a_refused_issue_says_why_next_to_the_field(signed_in, db, book, changes, message):
    response = signed_in.post(f"/assessments/issue/{book.vendor.id}", data=form(book, **changes))

    assert response.status_code == 422
    assert message in page(response)
    assert "Please correct the 1 field marked below." in page(response)
    assert db.exec(select(Assessment)).all() == []
    assert outbox(db) == []


def test_another_vendors_contact_is_refused(signed_in, db, book):
    data = form(book, contact_ids=[book.mei.id, book.stranger.id])
    response = signed_in.post(f"/assessments/issue/{book.vendor.id}", data=data)

    assert response.status_code == 422
    assert "Only Acme's own contacts can be invited" in page(response)


def test_an_open_assessment_is_superseded_only_when_confirmed(signed_in, db, book):
    first = issue(db, book, due_on=utcnow().date() + timedelta(days=5))
    db.commit()
    url = f"/assessments/issue/{book.vendor.id}"
    assert "already has an open assessment" in page(signed_in.get(url))

    offered = signed_in.post(url, data=form(book))
    assert offered.status_code == 422
    assert "Acme has an open assessment (sent 2 Nov 2026, not started yet)" in page(offered)
    assert 'name="supersede"' in page(offered)
    assert len(db.exec(select(Assessment)).all()) == 1

    confirmed = signed_in.post(url, data=form(book, supersede="y"))
    assert confirmed.status_code == 302
    db.refresh(first)
    assert first.status == "cancelled" and first.superseded_by_id is not None
    assert "superseded by" in page(signed_in.get(f"/assessments/{first.id}/invitations"))


def test_a_reminder_from_the_page_rotates_the_links(signed_in, db, book):
    assessment = issue(db, book, due_on=utcnow().date() + timedelta(days=5))
    db.commit()
    old = tokens(outbox(db))

    response = signed_in.post(f"/assessments/{assessment.id}/remind", follow_redirects=True)

    assert "Reminder with a fresh link queued for Mei Chan, Raj Patel." in page(response)
    assert len(outbox(db)) == 4
    with pytest.raises(LinkRefused) as refused:
        exchange_link(db, token=old["raj@acme.example"], now=utcnow(), hours=1)
    assert refused.value.reason == REVOKED


def test_inviting_another_contact_from_the_page(signed_in, db, book):
    assessment = issue(db, book, contacts=[book.mei], due_on=utcnow().date() + timedelta(days=5))
    db.commit()
    url = f"/assessments/{assessment.id}/invite"

    empty = signed_in.post(url, data={})
    assert empty.status_code == 422
    assert "Choose at least one contact to invite." in page(empty)
    response = signed_in.post(url, data={"contact_ids": [book.raj.id]}, follow_redirects=True)
    assert "Invitation queued for Raj Patel." in page(response)
    assert [m.recipient for m in outbox(db)] == ["mei@acme.example", "raj@acme.example"]


def test_cancelling_from_the_page_needs_a_reason(signed_in, db, book):
    assessment = issue(db, book, due_on=utcnow().date() + timedelta(days=5))
    db.commit()
    url = f"/assessments/{assessment.id}/cancel"

    refused = signed_in.post(url, data={"reason": "  "})
    assert refused.status_code == 422
    assert "Say why the assessment is cancelled." in page(refused)
    response = signed_in.post(url, data={"reason": "Contract ended"}, follow_redirects=True)
    text = page(response)
    assert f"Assessment {assessment.id} cancelled; its links no longer work." in text
    assert "Send a reminder" not in text and "Cancel assessment" not in text
    db.refresh(assessment)
    assert assessment.status == "cancelled"
    assert events(db, issuing.CANCELLED_ACTION)[0].changes["reason"] == "Contract ended"
    again = signed_in.post(f"/assessments/{assessment.id}/remind", follow_redirects=True)
    assert "This assessment is cancelled; you can only send reminders for" in page(again)


def test_the_vendor_page_shows_status_due_date_and_the_issue_button(signed_in, db, book):
    issue(db, book, due_on=utcnow().date() + timedelta(days=1))
    db.commit()
    text = page(signed_in.get(f"/vendors/{book.vendor.id}"))

    assert "Issue assessment" in text
    assert ">Sent</a>" in text
    assert in_days(1) in text


@pytest.mark.parametrize("role", ["risk", "auditor"])
def test_risk_and_auditors_read_but_do_not_act(client, db, book, make_user, role):
    assessment = issue(db, book, due_on=utcnow().date() + timedelta(days=5))
    db.commit()
    sign_in(client, db, make_user(role))

    assert "Issue assessment" not in page(client.get(f"/vendors/{book.vendor.id}"))
    text = page(client.get(f"/assessments/{assessment.id}/invitations"))
    assert "expired 2026-11-16 09:30 UTC" in text  # issued on 2 Nov for 14 days
    assert "Mei Chan" in text and "Send a reminder" not in text and "Cancel assessment" not in text
    assert "Acme" in page(client.get("/assessments/pipeline"))
    assert client.post(f"/assessments/{assessment.id}/remind").status_code == 403
    assert (
        client.post(f"/assessments/{assessment.id}/cancel", data={"reason": "x"}).status_code == 403
    )


def test_the_pipeline_page_counts_filters_and_says_when_empty(signed_in, db, book):
    assert "No assessments yet." in page(signed_in.get("/assessments/pipeline"))
    assessment = issue(db, book, due_on=utcnow().date() + timedelta(days=1))
    assessment.due_on = utcnow().date() - timedelta(days=3)
    db.commit()

    text = page(signed_in.get("/assessments/pipeline"))
    assert "Overdue <strong>1</strong>" in text and "Sent <strong>0</strong>" in text
    assert ">Overdue</span>" in text and '<td class="num">3</td>' in text
    assert "Acme" in page(signed_in.get("/assessments/pipeline?status=overdue"))
    nothing = page(signed_in.get("/assessments/pipeline?status=sent"))
    assert "No vendor's latest assessment matches these filters." in nothing
    assert "Acme" not in page(signed_in.get("/assessments/pipeline?q=zzz")).split("<main")[1]


def test_unknown_ids_are_not_found(signed_in):
    assert signed_in.get("/assessments/issue/999999").status_code == 404
    assert signed_in.get("/assessments/999999/invitations").status_code == 404
    assert signed_in.post("/assessments/999999/remind").status_code == 404


def test_an_invited_contact_is_kept_not_removed(signed_in, db, book):
    assessment = issue(db, book, contacts=[book.mei], due_on=utcnow().date() + timedelta(days=5))
    db.commit()
    url = f"/vendors/{book.vendor.id}/contacts"

    kept = signed_in.post(f"{url}/{book.mei.id}/remove", follow_redirects=True)
    assert "Mei Chan was invited to an assessment, so the contact is kept" in page(kept)
    removed = signed_in.post(f"{url}/{book.raj.id}/remove", follow_redirects=True)
    assert "Contact Raj Patel removed." in page(removed)
    assert [c.name for c in issuing.invited_contacts(db, assessment_id=assessment.id)] == [
        "Mei Chan"
    ]
