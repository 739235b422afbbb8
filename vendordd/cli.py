"""The `vendordd` command group (also `flask --app wsgi vendordd ...`)."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup, ScriptInfo
from sqlalchemy.exc import OperationalError

from vendordd.alerts.commands import outbox as outbox_cli
from vendordd.assessments.commands import assessments as assessments_cli
from vendordd.audit.services import Actor, verify_chain
from vendordd.auth.forms import EMAIL_PATTERN
from vendordd.auth.models import Role
from vendordd.auth.passwords import password_problem
from vendordd.auth.services import UserError, create_user
from vendordd.concentration.commands import concentration as concentration_cli
from vendordd.db import engine, job_session
from vendordd.dbtypes import utcnow
from vendordd.questionnaires.commands import questionnaires as questionnaires_cli

cli = AppGroup("vendordd", help="Due diligence on GenAI vendors.")
db_cli = AppGroup("db", help="Database schema.")
users_cli = AppGroup("users", help="Staff users.")
audit_cli = AppGroup("audit", help="The audit trail.")
for group in (
    db_cli,
    users_cli,
    audit_cli,
    questionnaires_cli,
    assessments_cli,
    outbox_cli,
    concentration_cli,
):
    cli.add_command(group)


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Create or upgrade the database schema, then add any missing seed providers."""
    from vendordd.concentration.services import seed_providers
    from vendordd.migrations import upgrade

    where = engine().url.render_as_string()  # the password stays hidden
    try:
        upgrade(engine())
    except OperationalError as exc:
        raise click.ClickException(f"Cannot open the database at {where}: {exc.orig}") from None
    with job_session() as session:
        added = seed_providers(session, now=utcnow(), actor=Actor.system("cli"))
    click.echo(
        f"Database at {where}: {added} provider{'s' if added != 1 else ''} added to the "
        "registry; everything is up to date."
    )


def _check_email(_ctx, _param, value: str) -> str:
    if not EMAIL_PATTERN.match(value.strip()):
        raise click.BadParameter("Enter an email address like name@bank.example.")
    return value


def _check_password(_ctx, _param, value: str) -> str:
    problem = password_problem(value)
    if problem:
        raise click.BadParameter(problem)
    return value


@users_cli.command("create")
@click.option("--email", required=True, callback=_check_email)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    callback=_check_password,
    help="Prompted for when omitted.",
)
def users_create(email: str, name: str, role: str, password: str) -> None:
    """Create a staff user."""
    try:
        with job_session() as session:
            user = create_user(
                session,
                email=email,
                name=name,
                role=role,
                password=password,
                actor=Actor.system("cli"),
                now=utcnow(),
            )
    except UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {user.role} user {user.email}.")


@cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Only load into a database with no users yet.")
def demo(if_empty: bool) -> None:
    """Load the demo book (idempotent) and print a login for each role."""
    from vendordd.demo import DemoReport, has_users, load_demo

    with job_session() as session:
        if if_empty and has_users(session):
            click.echo("The database already has users; demo data not loaded.")
            report = DemoReport()
        else:
            settings = current_app.config["VENDORDD"]
            report = load_demo(session, settings=settings, now=utcnow())
    click.echo(report.summary())


@audit_cli.command("verify")
def audit_verify() -> None:
    """Check the audit hash chain; exits 1 at the first broken link."""
    with job_session() as session:
        result = verify_chain(session)
    click.echo(result.message)
    if not result.ok:
        sys.exit(1)


def _create_app():
    from vendordd import create_app
    from vendordd.config import ConfigError

    try:
        return create_app()
    except ConfigError as exc:
        raise click.ClickException(f"Configuration refused: {exc}") from None


def main() -> None:
    """Entry point of the installed `vendordd` script."""
    cli.main(prog_name="vendordd", obj=ScriptInfo(create_app=_create_app))
