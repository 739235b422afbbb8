"""`vendordd assessments …`: rescore the whole book (after a policy or engine change)."""

from __future__ import annotations

import os

import click
from flask.cli import AppGroup

from vendordd.assessments.rescoring import rescore_all
from vendordd.audit.services import Actor
from vendordd.db import job_session
from vendordd.dbtypes import utcnow
from vendordd.settings.services import data_location_policy

assessments = AppGroup("assessments", help="Assessments and their scores.")


@assessments.command("rescore")
def rescore() -> None:
    """Score every assessment again, as of today, with today's data-location policy.

    Uses a worker process per CPU; the scores are written in one transaction.
    """
    with job_session() as session:
        count = rescore_all(
            session,
            now=utcnow(),
            actor=Actor.system("cli"),
            allowed_countries=data_location_policy(session),
            workers=os.cpu_count() or 1,
        )
    click.echo(f"Rescored {count} assessment{'s' if count != 1 else ''}.")
