"""Writing to the outbox: a message joins the transaction of the change that caused it."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from vendordd.alerts.models import OutboxMessage


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
    return message
