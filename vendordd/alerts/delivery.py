"""Delivering the outbox by SMTP: oldest first, the outcome of each message committed on its own.

Two runs at once (a request's after-commit delivery and `vendordd outbox deliver`, or two cron
jobs) never send a message twice: on PostgreSQL a run locks the row it sends
(FOR UPDATE SKIP LOCKED) so the other run passes over it; on SQLite the guarded write that
claims a message takes the database's write lock, and a run that read the same message a moment
earlier finds it changed and leaves it alone.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr

from sqlmodel import Session, col, select, update

from vendordd.alerts.models import OutboxMessage
from vendordd.alerts.outbox import MAX_ATTEMPTS, PENDING, status_condition
from vendordd.config import Config

log = logging.getLogger(__name__)
SMTP_TIMEOUT = 10  # seconds, for connecting and for every command
MAX_ERROR = 1000  # characters of an error kept on the message
# Refusals of one message; the connection stays usable for the next one.
MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
)


@dataclass
class DeliveryReport:
    """What one run did: messages sent, failed attempts, and messages given up on."""

    sent: int = 0
    failed: int = 0
    given_up: int = 0
    # The error that stopped the run early: no connection, TLS or login (the rest wait).
    stopped: str = ""

    def summary(self) -> str:
        text = f"Sent {self.sent}, {self.failed} failed"
        if self.given_up:
            text += f" ({self.given_up} given up after {MAX_ATTEMPTS} attempts)"
        if self.stopped:
            text += f"; stopped: {self.stopped}"
        return text + "."


def build_email(message: OutboxMessage, *, mail_from: str) -> EmailMessage:
    """The email as it is sent: UTF-8 plain text with From, To, Subject, Date and Message-ID."""
    email = EmailMessage(policy=SMTP)
    email["From"] = mail_from
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    # Stable across retries, so a mail system can recognise a message delivered twice.
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "localhost"
    email["Message-ID"] = f"<outbox.{message.id}.{message.created_at:%Y%m%d%H%M%S}@{domain}>"
    # RFC 3834: automatic mail, so out-of-office replies are not sent back to it.
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body, charset="utf-8")
    return email


def deliver_pending(
    session: Session,
    *,
    settings: Config,
    now: datetime,
    limit: int = 100,
    ids: Collection[int] | None = None,
) -> DeliveryReport:
    """Send unsent outbox messages (only `ids` when given) by SMTP; commits after each message.

    Without an SMTP host nothing is sent and the mail stays in the outbox. A failed attempt
    is counted and its error kept; after MAX_ATTEMPTS the message is no longer tried.
    """
    report = DeliveryReport()
    if not settings.smtp_host:
        return report
    connection = _Connection(settings)
    after_id = 0
    try:
        for _ in range(limit):
            message = _claim(session, ids=ids, after_id=after_id)
            if message is None:
                break
            after_id = message.id
            try:
                email = build_email(message, mail_from=settings.mail_from)
            except ValueError as exc:  # e.g. a line break in a header: never sendable
                error = f"cannot be written as an email: {exc}"
            else:
                error = connection.send(email)
            _record(message, now=now, error=error, report=report)
            session.commit()
            if connection.is_broken:
                report.stopped = error
                break
    finally:
        connection.close()
    return report


def _claim(session: Session, *, ids: Collection[int] | None, after_id: int) -> OutboxMessage | None:
    """The next pending message, taken for this run (its transaction stays open while sent)."""
    while True:
        statement = (
            select(OutboxMessage)
            .where(status_condition(PENDING), col(OutboxMessage.id) > after_id)
            .order_by(col(OutboxMessage.id))
            .limit(1)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        if ids is not None:
            statement = statement.where(col(OutboxMessage.id).in_(ids))
        message = session.exec(statement).first()
        if message is None:
            return None
        taken = session.exec(
            update(OutboxMessage)
            .where(
                col(OutboxMessage.id) == message.id,
                col(OutboxMessage.attempts) == message.attempts,
                col(OutboxMessage.sent_at).is_(None),
            )
            .values(attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:
            return message
        session.rollback()  # another run took it first
        after_id = message.id


def _record(message: OutboxMessage, *, now: datetime, error: str, report: DeliveryReport) -> None:
    message.attempts += 1  # the same value the claiming write stored
    message.last_error = error[:MAX_ERROR]
    if not error:
        message.sent_at = now
        report.sent += 1
        return
    report.failed += 1
    if message.attempts >= MAX_ATTEMPTS:
        report.given_up += 1
        log.error("outbox message %s to %s given up: %s", message.id, message.recipient, error)
    else:
        log.warning("outbox message %s to %s not sent: %s", message.id, message.recipient, error)


class _Connection:
    """One SMTP connection per run, opened for the first message and reused for the rest."""

    def __init__(self, settings: Config) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None
        self.is_broken = False

    def send(self, email: EmailMessage) -> str:
        """Send one email; the error text, or "" when the server accepted it."""
        try:
            if self.smtp is None:
                self.smtp = _connect(self.settings)
        except OSError as exc:  # smtplib's errors are OSErrors too: TLS and login included
            return self._broken(exc)
        try:
            self.smtp.send_message(email)
        except MESSAGE_ERRORS as exc:
            return _describe(exc)
        except OSError as exc:
            return self._broken(exc)
        return ""

    def _broken(self, exc: OSError) -> str:
        self.is_broken = True
        return f"{self.settings.smtp_host}:{self.settings.smtp_port}: {_describe(exc)}"

    def close(self) -> None:
        if self.smtp is None:
            return
        try:
            self.smtp.quit()
        except OSError:
            self.smtp.close()


def _connect(settings: Config) -> smtplib.SMTP:
    if settings.smtp_security == "tls":
        smtp = smtplib.SMTP_SSL(
            settings.smtp_host,
            settings.smtp_port,
            timeout=SMTP_TIMEOUT,
            context=ssl.create_default_context(),
        )
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT)
    try:
        if settings.smtp_security == "starttls":
            # Verifies the server's certificate and name against the system's CAs.
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refusals = (
            f"{code} {reply.decode(errors='replace')}" for code, reply in exc.recipients.values()
        )
        return "recipient refused: " + "; ".join(refusals)
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace')}"
    return str(exc) or type(exc).__name__
