"""Entering the portal with a magic link: the landing page, refusals, fresh links, sign-out."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from tests.portal.helpers import vendor_with_assessment
from tests.questionnaires.sample_definitions import mini, publish
from tests.vendors.test_services import events
from vendordd.alerts.models import OutboxMessage
from vendordd.auth.magic_links import exchange_link, issue_link, revoke_links
from vendordd.auth.models import MagicLink, PortalSession
from vendordd.portal.access import PORTAL_COOKIE


@pytest.fixture
def acme(db, tmp_path, make_user):
    publish(db, tmp_path, mini())
    issuer = make_user("procurement", name="Paula Proc")
    return vendor_with_assessment(db, "Acme AI Ltd", "mei@acme.example", issued_by_id=issuer.id)


def link(db, acme, *, age: timedelta = timedelta(0), days: int = 14) -> str:
    _vendor, contact, assessment = acme
    now = datetime.now(UTC) - age
    token = issue_link(db, contact_id=contact.id, assessment_id=assessment.id, now=now, days=days)
    db.commit()
    return token


def enter(client, token: str):
    return client.post(f"/portal/enter/{token}")


def outbox(db) -> list[OutboxMessage]:
    db.expire_all()
    return list(db.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_landing_page_names_the_questionnaire_and_does_not_use_the_link(client, db, acme):
    token = link(db, acme)

    for _ in range(2):  # a mail scanner fetching the link first changes nothing
        page = client.get(f"/portal/enter/{token}")
        assert page.status_code == 200
        assert "Due diligence questionnaire for Acme" in page.text
        assert "Mini questionnaire" in page.text and "version 1.0.0" in page.text
        assert "Open the questionnaire</button>" in page.text
    assert db.exec(select(MagicLink)).one().used_at is None
    assert client.get_cookie(PORTAL_COOKIE, path="/portal") is None


def test_pressing_the_button_opens_the_portal_with_a_portal_cookie(client, db, acme):
    token = link(db, acme)

    opened = enter(client, token)
    assert opened.status_code == 302 and opened.location == "/portal/"
    cookie = opened.headers["Set-Cookie"]
    assert cookie.startswith(f"{PORTAL_COOKIE}=")
    assert "Path=/portal" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=43200" in cookie and "Secure" not in cookie
    assert "Progress: 0 of 3 questions answered" in client.get("/portal/").text
    [event] = events(db, "portal.signed_in")
    assert event.actor_label == "Mei Chan <mei@acme.example> (Acme)"
    assert event.object_id == str(acme[2].id)


def test_a_used_link_answers_410_and_offers_a_fresh_one(app, client, db, acme):
    token = link(db, acme)
    enter(client, token)
    other_browser = app.test_client()

    again = other_browser.get(f"/portal/enter/{token}")
    assert again.status_code == 410
    assert "This link has already been used" in again.text
    assert "Email me a fresh link</button>" in again.text
    assert "Acme" not in again.text.split("<main")[1]
    assert enter(other_browser, token).status_code == 410


def test_the_browser_that_used_the_link_goes_back_to_its_session(app, client, db, acme):
    token = link(db, acme)
    enter(client, token)

    for method in ("GET", "POST"):
        assert client.open(f"/portal/enter/{token}", method=method).location == "/portal/"
    _vendor, someone, elsewhere = vendor_with_assessment(db, "Other Co", "kai@other.example")
    now = datetime.now(UTC)
    used = issue_link(db, contact_id=someone.id, assessment_id=elsewhere.id, now=now, days=1)
    exchange_link(db, token=used, now=now, hours=1)
    db.commit()
    assert client.get(f"/portal/enter/{used}").status_code == 410  # not this browser's session


def test_a_rotated_link_says_a_newer_one_replaced_it(client, db, acme):
    old = link(db, acme)
    link(db, acme)  # a reminder

    refused = client.get(f"/portal/enter/{old}")
    assert refused.status_code == 410
    assert "This link has been replaced" in refused.text
    assert "only the newest link works" in refused.text


def test_an_expired_link_says_when_it_expired(client, db, acme):
    token = link(db, acme, age=timedelta(days=15), days=14)

    refused = enter(client, token)
    assert refused.status_code == 410
    assert "This link has expired" in refused.text
    expired_on = (datetime.now(UTC) - timedelta(days=1)).strftime("%d %B %Y")
    assert f"stopped working on {expired_on}" in refused.text


@pytest.mark.parametrize("status", ["submitted", "cancelled"])
def test_a_link_to_a_closed_questionnaire_says_whom_to_contact(client, db, acme, status):
    token = link(db, acme)
    assessment = acme[2]
    assessment.status = status
    revoke_links(db, assessment_id=assessment.id, now=datetime.now(UTC))
    db.commit()

    refused = client.get(f"/portal/enter/{token}")
    assert refused.status_code == 410
    assert "This questionnaire is closed" in refused.text
    assert "Paula Proc at" in refused.text and "procurement@bank.example" in refused.text
    assert "fresh link" not in refused.text
    assert client.post(f"/portal/enter/{token}/fresh-link").status_code == 410
    assert outbox(db) == []


def test_an_unknown_link_answers_404_with_the_new_link_form(client, db, acme):
    for method in (client.get, client.post):
        refused = method("/portal/enter/not-a-real-token")
        assert refused.status_code == 404
        assert "This link is not recognised" in refused.text
        assert 'name="email"' in refused.text
    assert client.post("/portal/enter/not-a-real-token/fresh-link").status_code == 404


def test_a_fresh_link_goes_to_the_same_contact_and_works(client, db, acme):
    old = link(db, acme)
    enter(client, old)

    sent = client.post(f"/portal/enter/{old}/fresh-link")
    assert sent.status_code == 200
    assert "A fresh link is on its way" in sent.text
    [message] = outbox(db)
    assert message.recipient == "mei@acme.example"
    assert message.subject == "Your new link to the Acme questionnaire"
    token = re.search(r"/portal/enter/(\S+)", message.body).group(1)
    assert enter(client, token).location == "/portal/"
    assert [e.changes["sent_to"] for e in events(db, "portal.link_sent")] == [
        "Mei Chan <mei@acme.example>"
    ]


def test_fresh_links_are_rate_limited(app, client, db, acme):
    old = link(db, acme, age=timedelta(days=20))
    limit = app.config["VENDORDD"].link_requests_per_hour

    for _ in range(limit):
        assert client.post(f"/portal/enter/{old}/fresh-link").status_code == 200
    limited = client.post(f"/portal/enter/{old}/fresh-link")
    assert limited.status_code == 429
    assert 3500 <= int(limited.headers["Retry-After"]) <= 3600
    assert "Too many links have been asked for this address" in limited.text
    assert len(outbox(db)) == limit


def test_a_valid_link_posted_to_fresh_link_just_opens_the_landing_page(client, db, acme):
    token = link(db, acme)

    assert client.post(f"/portal/enter/{token}/fresh-link").location == f"/portal/enter/{token}"
    assert outbox(db) == []


def test_signing_out_ends_the_portal_session(client, db, acme):
    enter(client, link(db, acme))

    out = client.post("/portal/logout")
    assert out.status_code == 302 and out.location == "/portal/new-link"
    assert "You have signed out." in client.get("/portal/new-link").text
    db.expire_all()
    assert db.exec(select(PortalSession)).one().revoked_at is not None
    assert len(events(db, "portal.signed_out")) == 1
    assert client.get("/portal/").status_code == 401
