"""The outbox pages: admins read every message, its status and its text; nobody else can."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.auth.apps import app_variant
from tests.conftest import NOW, sign_in
from vendordd.alerts.models import OutboxMessage
from vendordd.alerts.outbox import MAX_ATTEMPTS


def add(db, recipient: str, minutes: int, **fields) -> OutboxMessage:
    message = OutboxMessage(
        recipient=recipient,
        subject=f"Questionnaire for {recipient.split('@')[0].title()}",
        body="Dear Mei,\n\nOpen <your> link: https://dd.bank.example/portal/enter/abc",
        created_at=NOW + timedelta(minutes=minutes),
        object_type="assessment",
        object_id="12",
        **fields,
    )
    db.add(message)
    db.commit()
    return message


@pytest.fixture
def book(db):
    """A sent, a pending (one failed attempt) and a failed message, oldest first."""
    return [
        add(db, "sent@acme.example", 0, sent_at=NOW + timedelta(minutes=1), attempts=1),
        add(db, "pending@acme.example", 1, attempts=1, last_error="421 Try again later"),
        add(db, "failed@other.example", 2, attempts=MAX_ATTEMPTS, last_error="550 No such user"),
    ]


def rows(page: str) -> list[str]:
    return page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]


def test_an_empty_outbox_says_so_and_that_mail_is_not_sent(login_as, client):
    login_as("admin")

    page = client.get("/alerts/outbox").text

    assert "No email has been written yet." in page
    assert "No SMTP server is configured" in page
    assert '<a href="/alerts/outbox">Outbox</a>' in page


def test_the_list_shows_each_status_newest_first(login_as, client, book):
    login_as("admin")

    page = client.get("/alerts/outbox").text

    failed, pending, sent = rows(page)
    assert "failed@other.example" in failed
    assert f"failed</span> after {MAX_ATTEMPTS} attempts" in failed
    assert "550 No such user" in failed
    assert "pending</span> · 1 failed attempt" in pending
    assert "421 Try again later" in pending
    assert "sent</span>" in sent
    assert "2026-11-02 09:31 UTC" in sent
    assert '<a href="/assessments/12">assessment 12</a>' in sent
    assert "1 pending</a> · " in page and "1 sent</a>" in page and "1 failed</a>" in page


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("status=failed", ["failed@other.example"]),
        ("status=pending", ["pending@acme.example"]),
        ("status=sent&recipient=ACME", ["sent@acme.example"]),
        ("recipient=acme.example", ["pending@acme.example", "sent@acme.example"]),
        ("status=bogus", ["failed@other.example", "pending@acme.example", "sent@acme.example"]),
    ],
)
def test_filters_by_recipient_and_status(login_as, client, book, query, shown):
    login_as("admin")

    page = client.get(f"/alerts/outbox?{query}").text

    assert {m.recipient for m in book if m.recipient in page} == set(shown)


def test_no_match_offers_to_clear_the_filters(login_as, client, book):
    login_as("admin")

    page = client.get("/alerts/outbox?recipient=%25").text  # a literal %, not a wildcard

    assert "No messages match these filters." in page
    assert "Clear filters" in page


def test_the_list_is_paginated(app, db, make_user, book):
    with app_variant(app, page_size=2) as small:
        client = small.test_client()
        sign_in(client, db, make_user("admin"))

        first = client.get("/alerts/outbox").text
        second = client.get("/alerts/outbox?page=2").text

    assert "Page 1 of 2" in first and "sent@acme.example" not in first
    assert "sent@acme.example" in second and "pending@acme.example" not in second


def test_a_message_shows_its_headers_and_escaped_text(login_as, client, book):
    login_as("admin")
    message = book[1]

    page = client.get(f"/alerts/outbox/{message.id}").text

    assert "To: pending@acme.example\n" in page
    assert "From: vendordd@localhost\n" in page
    assert "Subject: Questionnaire for Pending\n" in page
    assert f"Message-ID: &lt;outbox.{message.id}.20261102093100@localhost&gt;" in page
    assert '<pre class="mail-text">Dear Mei,\n\nOpen &lt;your&gt; link: https://dd' in page
    assert "421 Try again later" in page
    assert "1 of at most 5" in page


def test_the_smtp_server_in_use_is_named(mail_app, db, make_user, smtp_server):
    client = mail_app.test_client()
    sign_in(client, db, make_user("admin"))

    page = client.get("/alerts/outbox").text

    assert f"SMTP server <strong>127.0.0.1:{smtp_server.port}</strong>" in page


@pytest.mark.parametrize("message_id", [999, 2**40])
def test_an_unknown_message_is_not_found(login_as, client, message_id):
    login_as("admin")

    assert client.get(f"/alerts/outbox/{message_id}").status_code == 404


def test_only_admins_read_the_outbox(login_as, client, book):
    login_as("risk")

    assert client.get("/alerts/outbox").status_code == 403
    assert client.get(f"/alerts/outbox/{book[0].id}").status_code == 403
    assert "/alerts/outbox" not in client.get("/vendors/").text
