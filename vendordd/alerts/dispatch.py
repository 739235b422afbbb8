"""Mail queued by a web request goes out once the request's transaction has committed.

`queue_email` only writes to the outbox; when the request ends, the messages it committed are
sent by SMTP. A request that rolled back sends nothing, and an SMTP outage never turns the
user's request into an error: the mail stays pending with its error, for
`vendordd outbox deliver` to retry.
"""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlmodel import Session

from vendordd.alerts.delivery import deliver_pending
from vendordd.alerts.outbox import committed_messages
from vendordd.db import engine
from vendordd.dbtypes import utcnow


def init_app(app: Flask) -> None:
    """Deliver each request's committed mail when the request ends."""
    app.teardown_request(_deliver_committed)


def _deliver_committed(_exc: BaseException | None) -> None:
    # Runs even after an error: whatever was committed before it is real and is sent.
    request_session = g.get("db_session")
    ids = committed_messages(request_session) if request_session is not None else []
    settings = current_app.config["VENDORDD"]
    if not ids or not settings.smtp_host:
        return
    try:
        with Session(engine(), expire_on_commit=False) as session:
            deliver_pending(session, settings=settings, now=utcnow(), limit=len(ids), ids=ids)
    except Exception:  # the user's change is saved; the mail waits in the outbox
        current_app.logger.exception("delivering mail after a request failed")
