"""`vendordd concentration …`: rebuild the fourth-party map from the answers, and the tables
the concentration figures read."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func
from sqlmodel import select

from vendordd.audit.services import Actor
from vendordd.concentration.derivation import derive_dependencies, latest_derivable
from vendordd.concentration.exposures import BookExposure, rebuild_exposures
from vendordd.concentration.pairs import BookPair
from vendordd.concentration.risklevels import BookRisk
from vendordd.concentration.rollup import BookRollup
from vendordd.db import job_session
from vendordd.dbtypes import utcnow

concentration = AppGroup("concentration", help="Providers and the fourth-party map.")


@concentration.command("derive")
def derive() -> None:
    """Derive every vendor's dependencies from its latest submitted or decided assessment.

    Hand corrections are kept; all vendors are written in one transaction.
    """
    now, actor = utcnow(), Actor.system("cli")
    changed = 0
    with job_session() as session:
        latest = latest_derivable(session)
        for assessment in latest:
            change = derive_dependencies(session, assessment=assessment, now=now, actor=actor)
            changed += not change.is_empty
    click.echo(
        f"Derived the fourth-party map of {len(latest)} vendor{'s' if len(latest) != 1 else ''} "
        f"from their latest submitted assessments; {changed} changed."
    )


@concentration.command("rebuild-exposures")
def rebuild() -> None:
    """Recompute book_exposure, book_pair and book_rollup from it, and book_risk: the tables
    the concentration figures read, from scratch.

    The application keeps them in step by itself; run this after changing dependencies,
    services, their entities or business functions, vendors or assessments with SQL outside
    the application.
    """
    with job_session() as session:
        rebuild_exposures(session.connection())
        counts = [
            _rows(model.__tablename__, session.exec(select(func.count()).select_from(model)).one())
            for model in (BookExposure, BookPair, BookRollup, BookRisk)
        ]
    click.echo(f"Rebuilt {', '.join(counts)}.")


def _rows(table: str, count: int) -> str:
    return f"{table} ({count} row{'s' if count != 1 else ''})"
