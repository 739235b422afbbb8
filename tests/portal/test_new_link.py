"""'Email me a new link': rate-limited per address, and the same answer for any address."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from tests.conftest import NOW
from tests.portal.helpers import vendor_with_assessment
from tests.questionnaires.sample_definitions import mini, publish
from vendordd.alerts.models import OutboxMessage
from vendordd.auth.models import LinkRequest
from vendordd.portal.links import TooManyRequests, count_link_request

URL = "/portal/new-link"


@pytest.fixture
def acme(db, tmp_path):
    publish(db, tmp_path, mini())
    return vendor_with_assessment(db, "Acme AI Ltd", "mei@acme.example")


def recipients(db) -> list[str]:
    db.expire_all()
    return [m.recipient for m in db.exec(select(OutboxMessage).order_by(OutboxMessage.id))]


def body(response) -> str:
    """The page without what differs per request (the CSRF token)."""
    return re.sub(r'name="csrf_token"[^>]*', "", response.get_data(as_text=True))


def test_the_form_asks_for_an_address(client):
    page = client.get(URL)
    assert page.status_code == 200
    assert '<label for="email">Your email address</label>' in page.text


def test_a_known_address_gets_a_link_and_the_page_says_the_same_as_for_anyone(client, db, acme):
    known = client.post(URL, data={"email": " Mei@Acme.example "})
    unknown = client.post(URL, data={"email": "nobody@acme.example"})

    assert known.status_code == unknown.status_code == 200
    assert body(known) == body(unknown)
    assert "If that address is invited to a questionnaire that is still open" in known.text
    assert recipients(db) == ["mei@acme.example"]


def test_each_open_assessment_of_the_address_gets_a_link_closed_ones_none(client, db, acme):
    first = acme[2]
    first.status = "submitted"
    db.commit()
    other = vendor_with_assessment(db, "Other Co", "mei@acme.example")[2]

    client.post(URL, data={"email": "mei@acme.example"})
    messages = db.exec(select(OutboxMessage)).all()
    assert [(m.recipient, m.object_id) for m in messages] == [("mei@acme.example", str(other.id))]


def test_the_rate_limit_answers_429_alike_for_known_and_unknown_addresses(app, client, db, acme):
    limit = app.config["VENDORDD"].link_requests_per_hour
    answers = {}
    for email in ("mei@acme.example", "nobody@acme.example"):
        for _ in range(limit):
            assert client.post(URL, data={"email": email}).status_code == 200
        answers[email] = client.post(URL, data={"email": email})

    known, unknown = answers.values()
    assert known.status_code == unknown.status_code == 429
    assert known.headers["Retry-After"] == unknown.headers["Retry-After"]
    assert body(known).replace("mei@", "X@") == body(unknown).replace("nobody@", "X@")
    assert "Too many links have been asked for this address" in known.text
    assert recipients(db) == ["mei@acme.example"] * limit


def test_a_mistyped_address_is_explained(client, db, acme):
    refused = client.post(URL, data={"email": "mei-at-acme"})
    assert refused.status_code == 422
    assert "Enter an email address like name@bank.example." in refused.text
    assert db.exec(select(LinkRequest)).all() == []


def test_the_window_is_one_hour_per_address(db):
    for _ in range(2):
        count_link_request(db, email="a@x.example", now=NOW, limit=2)
    with pytest.raises(TooManyRequests) as limited:
        count_link_request(db, email="A@x.example", now=NOW + timedelta(minutes=20), limit=2)
    assert limited.value.retry_after == 40 * 60
    count_link_request(db, email="b@x.example", now=NOW, limit=2)  # other addresses unaffected

    count_link_request(db, email="a@x.example", now=NOW + timedelta(hours=1), limit=2)
    assert db.get(LinkRequest, "a@x.example").requests == 1
