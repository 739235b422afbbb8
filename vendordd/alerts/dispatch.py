"""Mail goes out once the transaction that queued it has committed, and only then.

`queue_email` only writes to the outbox. When a web request ends, the messages its session
committed are sent by SMTP; a request that rolled back sends nothing, and an SMTP outage never
turns the user's request into an error: the mail stays pending with its error, for
`vendordd outbox deliver` to retry. Jobs outside a request call `deliver_committed` themselves
after their commit.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, g
from sqlmodel import Session

from vendordd.alerts.delivery import DeliveryReport, deliver_pending
from vendordd.alerts.outbox import committed_messages
from vendordd.config import Config
from vendordd.dbtypes import utcnow


def init_app(app: Flask) -> None:
    """Deliver each request's committed mail when the request ends."""
    app.teardown_request(_deliver_after_request)


def deliver_committed(session: Session, *, settings: Config, now: datetime) -> DeliveryReport:
    """Send the mail this session queued and has committed, using a session of its own."""
    ids = committed_messages(session)
    if not ids or not settings.smtp_host:
        return DeliveryReport()
    with Session(session.get_bind(), expire_on_commit=False) as delivery:
        return deliver_pending(delivery, settings=settings, now=now, limit=len(ids), ids=ids)


def _deliver_after_request(_exc: BaseException | None) -> None:
    # Runs even after an error: whatever was committed before it is real and is sent.
    request_session = g.get("db_session")
    if request_session is None:
        return
    try:
        deliver_committed(request_session, settings=current_app.config["VENDORDD"], now=utcnow())
    except Exception:  # the user's change is saved; the mail waits in the outbox
        current_app.logger.exception("delivering mail after a request failed")
