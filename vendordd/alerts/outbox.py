"""Writing to the outbox: a message joins the transaction of the change that caused it.

The session remembers what it queued; once the transaction commits, `committed_messages`
names the messages that were really kept, so they can be delivered right after the commit
(never before it, and never when the transaction rolled back).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, and_, col

from vendordd.alerts.models import OutboxMessage

# Delivery gives up after this many failed attempts; the message then shows as failed.
MAX_ATTEMPTS = 5
PENDING, SENT, FAILED = "pending", "sent", "failed"
STATUSES = (PENDING, SENT, FAILED)
_QUEUED = "vendordd.outbox.queued"
_COMMITTED = "vendordd.outbox.committed"


def queue_email(
    session: Session,
    *,
    to: str,
    subject: str,
    body: str,
    now: datetime,
    object_type: str = "",
    object_id: object = "",
) -> OutboxMessage:
    """Write an email to the outbox; it is delivered after the transaction commits."""
    message = OutboxMessage(
        recipient=to,
        subject=subject,
        body=body,
        created_at=now,
        object_type=object_type,
        object_id=str(object_id),
    )
    session.add(message)
    session.info.setdefault(_QUEUED, []).append(message)
    return message


@event.listens_for(OrmSession, "after_commit")
def _remember_committed(session: OrmSession) -> None:
    queued = session.info.pop(_QUEUED, None)
    if queued:
        # A message rolled back with a savepoint or an earlier transaction is no longer
        # persistent; only the ones this commit kept are delivered.
        kept = [message.id for message in queued if inspect(message).persistent]
        session.info.setdefault(_COMMITTED, []).extend(kept)


def committed_messages(session: Session) -> list[int]:
    """Ids of the messages queued in this session and committed since the last call."""
    return session.info.pop(_COMMITTED, [])


def message_status(message: OutboxMessage) -> str:
    """Pending (still to be tried), sent, or failed (gave up after MAX_ATTEMPTS)."""
    if message.sent_at is not None:
        return SENT
    return FAILED if message.attempts >= MAX_ATTEMPTS else PENDING


def status_condition(status: str) -> ColumnElement[bool]:
    """The SQL condition matching messages of a status, as `message_status` defines it."""
    unsent = col(OutboxMessage.sent_at).is_(None)
    if status == SENT:
        return col(OutboxMessage.sent_at).is_not(None)
    if status == FAILED:
        return and_(unsent, col(OutboxMessage.attempts) >= MAX_ATTEMPTS)
    return and_(unsent, col(OutboxMessage.attempts) < MAX_ATTEMPTS)
