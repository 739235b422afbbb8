"""Mail queued by a web request is delivered once the request has committed, and only then."""

from __future__ import annotations

from dataclasses import replace

import pytest
from flask import request
from sqlmodel import Session, select

from tests.auth.apps import app_variant
from vendordd.alerts.dispatch import deliver_committed
from vendordd.alerts.models import OutboxMessage
from vendordd.alerts.outbox import queue_email
from vendordd.auth.access import public
from vendordd.db import get_session
from vendordd.dbtypes import utcnow


def add_invite_route(app, smtp_server=None) -> None:
    """A view that queues mail like the real ones do, then commits or rolls back as asked."""

    @public
    def invite():
        db = get_session()
        for to in request.form.getlist("to"):
            queue_email(db, to=to, subject="Invitation", body="Your link", now=utcnow())
        db.flush()
        if request.form.get("outcome") == "refused":
            return "not saved", 409  # the view never commits: the request rolls back
        seen_before_commit = len(smtp_server.messages) if smtp_server else 0
        db.commit()
        if request.form.get("outcome") == "error":
            raise RuntimeError("failed after the commit")
        return f"saved; the server had {seen_before_commit} messages at the commit"

    app.add_url_rule("/test/invite", "test_invite", invite, methods=["POST"])


def outbox(db) -> list[OutboxMessage]:
    db.expire_all()
    return list(db.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_mail_goes_out_right_after_the_commit(mail_app, db, smtp_server):
    add_invite_route(mail_app, smtp_server)

    response = mail_app.test_client().post(
        "/test/invite", data={"to": ["mei@acme.example", "li@acme.example"]}
    )

    assert response.text == "saved; the server had 0 messages at the commit"
    assert [m["To"] for m in smtp_server.messages] == ["mei@acme.example", "li@acme.example"]
    assert all(m.sent_at is not None for m in outbox(db))


def test_a_request_that_rolls_back_sends_nothing(mail_app, db, smtp_server):
    add_invite_route(mail_app)

    response = mail_app.test_client().post(
        "/test/invite", data={"to": "mei@acme.example", "outcome": "refused"}
    )

    assert response.status_code == 409
    assert smtp_server.messages == []
    assert outbox(db) == []


def test_mail_committed_before_an_error_is_still_sent(mail_app, db, smtp_server):
    add_invite_route(mail_app)
    mail_app.config["PROPAGATE_EXCEPTIONS"] = False  # answer 500, as in production

    response = mail_app.test_client().post(
        "/test/invite", data={"to": "mei@acme.example", "outcome": "error"}
    )

    assert response.status_code == 500
    assert [m["To"] for m in smtp_server.messages] == ["mei@acme.example"]


def test_a_request_sends_only_its_own_mail(mail_app, db, smtp_server):
    queue_email(db, to="earlier@acme.example", subject="s", body="b", now=utcnow())
    db.commit()
    add_invite_route(mail_app)

    mail_app.test_client().post("/test/invite", data={"to": "mei@acme.example"})

    assert [m["To"] for m in smtp_server.messages] == ["mei@acme.example"]
    assert [m.sent_at is None for m in outbox(db)] == [True, False]


@pytest.fixture
def smtp_down_app(app, closed_port):
    with app_variant(app, smtp_host="127.0.0.1", smtp_port=closed_port) as variant:
        yield variant


def test_an_smtp_outage_keeps_the_request_working_and_the_mail_pending(
    smtp_down_app, mail_app, db, smtp_server
):
    add_invite_route(smtp_down_app)

    response = smtp_down_app.test_client().post("/test/invite", data={"to": "mei@acme.example"})

    assert response.status_code == 200
    [message] = outbox(db)
    assert (message.sent_at, message.attempts) == (None, 1)
    assert "Connection refused" in message.last_error

    with mail_app.app_context():  # the `db` fixture's context is the plain app's
        retry = mail_app.test_cli_runner().invoke(args=["vendordd", "outbox", "deliver"])

    assert retry.exit_code == 0, retry.output
    assert retry.output == "Sent 1, 0 failed. 0 still pending.\n"
    assert [m["To"] for m in smtp_server.messages] == ["mei@acme.example"]
    assert outbox(db)[0].sent_at is not None


def test_without_smtp_the_request_keeps_mail_in_the_outbox(app, db, smtp_server):
    add_invite_route(app)

    app.test_client().post("/test/invite", data={"to": "mei@acme.example"})

    [message] = outbox(db)
    assert (message.sent_at, message.attempts) == (None, 0)
    assert smtp_server.messages == []


def test_a_job_delivers_what_it_committed(app, smtp_server):
    settings = replace(
        app.config["VENDORDD"], smtp_host=smtp_server.host, smtp_port=smtp_server.port
    )
    with Session(app.extensions["vendordd.engine"]) as job:
        queue_email(job, to="mei@acme.example", subject="Reminder", body="b", now=utcnow())
        before_commit = deliver_committed(job, settings=settings, now=utcnow())
        job.commit()
        after_commit = deliver_committed(job, settings=settings, now=utcnow())

    assert (before_commit.sent, after_commit.sent) == (0, 1)
    assert [m["Subject"] for m in smtp_server.messages] == ["Reminder"]
