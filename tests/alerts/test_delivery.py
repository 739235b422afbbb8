"""Delivering the outbox to a real SMTP server on loopback: headers, retries, giving up, races."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from aiosmtpd.smtp import AuthResult
from sqlalchemy import text
from sqlmodel import Session, select

from tests.conftest import NOW
from tests.mailserver import running_server
from vendordd.alerts.delivery import deliver_pending
from vendordd.alerts.models import OutboxMessage
from vendordd.alerts.outbox import MAX_ATTEMPTS, committed_messages, queue_email

LATER = NOW + timedelta(minutes=5)


@pytest.fixture
def settings(app, smtp_server):
    """The app's settings, delivering to the loopback server."""
    return replace(
        app.config["VENDORDD"],
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        mail_from="Due Diligence <dd@bank.example>",
    )


def queue(db, to="mei@acme.example", subject="Questionnaire for Acme", body="Hello", now=NOW):
    message = queue_email(
        db, to=to, subject=subject, body=body, now=now, object_type="assessment", object_id=7
    )
    db.commit()
    return message


def stored(db) -> list[OutboxMessage]:
    db.expire_all()
    return list(db.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_message_arrives_with_its_headers_and_utf8_text(db, settings, smtp_server):
    body = "Dear Zoë Müller,\n\nPlease answer by 1 December — thank you.\n" + "x" * 120
    message = queue(db, to="zoe@acme.example", subject="Fragebogen für Zürich Ænalytics", body=body)

    report = deliver_pending(db, settings=settings, now=LATER)

    assert (report.sent, report.failed) == (1, 0)
    [delivery] = smtp_server.deliveries
    assert delivery.mail_from == "dd@bank.example"
    assert delivery.rcpt_tos == ["zoe@acme.example"]
    email = delivery.message
    assert email["From"] == "Due Diligence <dd@bank.example>"
    assert email["To"] == "zoe@acme.example"
    assert email["Subject"] == "Fragebogen für Zürich Ænalytics"
    assert email["Date"].datetime == NOW
    assert email["Message-ID"] == f"<outbox.{message.id}.20261102093000@bank.example>"
    assert email["Auto-Submitted"] == "auto-generated"
    assert email.get_content_type() == "text/plain"
    assert email.get_content_charset() == "utf-8"
    assert email.get_content().splitlines() == body.splitlines()
    [row] = stored(db)
    assert (row.sent_at, row.attempts, row.last_error) == (LATER, 1, "")


def check_login(server, session, envelope, mechanism, auth_data) -> AuthResult:
    accepted = (auth_data.login, auth_data.password) == (b"vendordd", b"s3cret pass")
    return AuthResult(success=accepted, handled=False, auth_data=auth_data)


@pytest.mark.parametrize(("password", "sent"), [("s3cret pass", 1), ("wrong", 0)])
def test_a_configured_username_logs_in(db, settings, password, sent):
    queue(db)
    with running_server(authenticator=check_login, auth_require_tls=False) as server:
        login = {"smtp_username": "vendordd", "smtp_password": password}
        report = deliver_pending(
            db, settings=replace(settings, **login, smtp_port=server.port), now=NOW
        )

    assert report.sent == sent
    assert [d.login for d in server.deliveries] == ["vendordd"] * sent
    if not sent:
        assert "535 5.7.8 Authentication credentials invalid" in stored(db)[0].last_error
        assert "wrong" not in stored(db)[0].last_error


def test_without_an_smtp_host_mail_stays_in_the_outbox(db, settings, smtp_server):
    queue(db)

    report = deliver_pending(db, settings=replace(settings, smtp_host=""), now=LATER)

    assert (report.sent, report.failed) == (0, 0)
    assert smtp_server.messages == []
    [row] = stored(db)
    assert (row.sent_at, row.attempts) == (None, 0)


def test_an_unreachable_server_leaves_mail_pending_with_the_error(db, settings, closed_port):
    first, second = queue(db), queue(db, to="li@acme.example")

    report = deliver_pending(db, settings=replace(settings, smtp_port=closed_port), now=LATER)

    assert (report.sent, report.failed, report.given_up) == (0, 1, 0)
    assert "Connection refused" in report.stopped
    rows = stored(db)
    assert [(r.id, r.sent_at, r.attempts) for r in rows] == [
        (first.id, None, 1),
        (second.id, None, 0),
    ]
    assert rows[0].last_error.startswith(f"127.0.0.1:{closed_port}: ")
    assert "Connection refused" in rows[0].last_error


def test_a_refused_recipient_fails_alone(db, settings, smtp_server):
    smtp_server.refuse("gone@acme.example")
    for to in ("mei@acme.example", "gone@acme.example", "li@acme.example"):
        queue(db, to=to)

    report = deliver_pending(db, settings=settings, now=LATER)

    assert (report.sent, report.failed) == (2, 1)
    assert [m["To"] for m in smtp_server.messages] == ["mei@acme.example", "li@acme.example"]
    refused = stored(db)[1]
    assert refused.sent_at is None
    assert refused.last_error == "recipient refused: 550 5.1.1 No such mailbox here"


def test_delivery_gives_up_after_the_last_attempt(db, settings, smtp_server, closed_port):
    message = queue(db)
    message.attempts = MAX_ATTEMPTS - 1
    db.add(message)
    db.commit()

    down = deliver_pending(db, settings=replace(settings, smtp_port=closed_port), now=LATER)
    up_again = deliver_pending(db, settings=settings, now=LATER)

    assert (down.failed, down.given_up) == (1, 1)
    assert "given up after 5 attempts" in down.summary()
    assert up_again.sent == 0
    assert smtp_server.messages == []
    assert stored(db)[0].attempts == MAX_ATTEMPTS


def test_a_failed_message_is_sent_by_a_later_run(db, settings, smtp_server, closed_port):
    queue(db)
    deliver_pending(db, settings=replace(settings, smtp_port=closed_port), now=NOW)

    report = deliver_pending(db, settings=settings, now=LATER)

    assert report.sent == 1
    [row] = stored(db)
    assert (row.sent_at, row.attempts, row.last_error) == (LATER, 2, "")
    assert len(smtp_server.messages) == 1


def test_oldest_first_within_the_limit_and_only_the_ids_asked_for(db, settings, smtp_server):
    ids = [queue(db, to=f"c{n}@acme.example").id for n in range(4)]

    deliver_pending(db, settings=settings, now=LATER, limit=2)
    deliver_pending(db, settings=settings, now=LATER, ids=[ids[3]])

    assert [m["To"] for m in smtp_server.messages] == [
        "c0@acme.example",
        "c1@acme.example",
        "c3@acme.example",
    ]


def test_running_delivery_twice_sends_once(db, settings, smtp_server):
    queue(db)

    reports = [deliver_pending(db, settings=settings, now=LATER) for _ in range(2)]

    assert [r.sent for r in reports] == [1, 0]
    assert len(smtp_server.messages) == 1


def test_two_runs_at_the_same_time_send_every_message_once(app, db, settings, smtp_server):
    for n in range(30):
        queue(db, to=f"c{n}@acme.example")
    engine = app.extensions["vendordd.engine"]
    reports, start = [], threading.Barrier(2)

    def run() -> None:
        with Session(engine, expire_on_commit=False) as session:
            start.wait()
            reports.append(deliver_pending(session, settings=settings, now=LATER))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(r.sent for r in reports) == 30
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(
        f"c{n}@acme.example" for n in range(30)
    )
    assert all(r.sent_at == LATER and r.attempts == 1 for r in stored(db))


def test_on_postgresql_a_message_another_run_holds_is_skipped(app, db, settings, smtp_server):
    engine = app.extensions["vendordd.engine"]
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks (FOR UPDATE SKIP LOCKED) exist on PostgreSQL only")
    held, free = queue(db), queue(db, to="li@acme.example")
    with engine.connect() as other_run:
        other_run.execute(
            text("SELECT id FROM outbox_message WHERE id = :id FOR UPDATE"), {"id": held.id}
        )
        report = deliver_pending(db, settings=settings, now=LATER)
        other_run.rollback()

    assert report.sent == 1
    assert [m["To"] for m in smtp_server.messages] == [free.recipient]


def test_only_committed_messages_are_named_for_delivery(db):
    rolled_back = queue_email(db, to="a@acme.example", subject="s", body="b", now=NOW)
    db.flush()
    db.rollback()
    with db.begin_nested() as savepoint:
        queue_email(db, to="b@acme.example", subject="s", body="b", now=NOW)
        db.flush()
        savepoint.rollback()
    kept = queue_email(db, to="c@acme.example", subject="s", body="b", now=NOW)
    db.commit()

    assert rolled_back.id is not None
    assert committed_messages(db) == [kept.id]
    assert committed_messages(db) == []
    assert [m.recipient for m in stored(db)] == ["c@acme.example"]
