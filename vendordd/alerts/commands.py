"""`vendordd outbox deliver`: send the mail waiting in the outbox (for cron or a scheduler)."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from vendordd.alerts.delivery import deliver_pending
from vendordd.alerts.outbox import PENDING
from vendordd.alerts.queries import status_counts
from vendordd.db import job_session
from vendordd.dbtypes import utcnow

outbox = AppGroup("outbox", help="Outgoing mail.")


@outbox.command("deliver")
@click.option(
    "--limit",
    default=500,
    show_default=True,
    type=click.IntRange(min=1),
    help="Most messages to try in this run.",
)
def deliver(limit: int) -> None:
    """Send pending mail by SMTP, oldest first; exits 1 when a delivery failed."""
    settings = current_app.config["VENDORDD"]
    with job_session() as session:
        if not settings.smtp_host:
            pending = status_counts(session)[PENDING]
            click.echo(
                "No SMTP server is configured (VENDORDD_SMTP_HOST): "
                f"{pending} pending message{'s stay' if pending != 1 else ' stays'} in the outbox."
            )
            return
        report = deliver_pending(session, settings=settings, now=utcnow(), limit=limit)
        pending = status_counts(session)[PENDING]
    click.echo(f"{report.summary()} {pending} still pending.")
    if report.failed:
        sys.exit(1)
