"""`vendordd questionnaires …`: validate files, publish versions, list, diff and export them."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlmodel import Session

from vendordd.audit.services import Actor
from vendordd.concentration.services import provider_names
from vendordd.config import Config, ConfigError
from vendordd.db import job_session
from vendordd.dbtypes import utcnow
from vendordd.questionnaires.diff import diff_definitions
from vendordd.questionnaires.loading import questionnaire_files
from vendordd.questionnaires.models import QuestionnaireVersion
from vendordd.questionnaires.score_command import score_command
from vendordd.questionnaires.services import (
    REFUSED,
    UNCHANGED,
    check_files,
    definition_of,
    file_status,
    find_version,
    latest_version,
    publish_all,
    questionnaires_folder,
    versions,
)
from vendordd.questionnaires.xlsx_export import export_xlsx

questionnaires = AppGroup("questionnaires", help="Questionnaire definitions and their versions.")


# Runs without the app: the app refuses to start while a file is invalid, and this command is
# how an author finds out why.
@questionnaires.command("validate", with_appcontext=False)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check questionnaire files (default: every file in the questionnaires folder)."""
    if not paths:
        try:
            paths = (questionnaires_folder(Config.from_env().questionnaires_path),)
        except ConfigError as exc:
            raise click.ClickException(f"Configuration refused: {exc}") from None
    files = []
    for path in paths:
        files += questionnaire_files(path) if path.is_dir() else [path]
    if not files:
        where = ", ".join(str(path) for path in paths)
        raise click.ClickException(f"No questionnaire files (*.yaml) in {where}.")
    problems = [problem for item in check_files(files) for problem in item.problems]
    for problem in problems:
        click.echo(str(problem))
    checked = f"{len(files)} file{'s' if len(files) != 1 else ''} checked"
    if problems:
        click.echo(f"{checked}, {len(problems)} problem{'s' if len(problems) != 1 else ''}.")
        sys.exit(1)
    click.echo(f"OK: {checked}, no problems.")


@questionnaires.command("publish")
def publish() -> None:
    """Register every new questionnaire version; refuse changed content under an old version."""
    with job_session() as session:
        report = publish_all(
            session, now=utcnow(), actor=Actor.system("cli"), folder=_configured_folder()
        )
    for outcome in report.outcomes:
        click.echo(str(outcome))
    count = len(report.outcomes)
    click.echo(f"{count} file{'s' if count != 1 else ''}: {report.summary}.")
    if report.count(REFUSED):
        sys.exit(1)


@questionnaires.command("list")
def list_versions() -> None:
    """Published versions, and files not published yet."""
    with job_session() as session:
        published = versions(session)
        files = file_status(session, folder=_configured_folder())
    if published:
        header = ("key", "version", "title", "questions", "hash", "published at")
        rows = [
            (
                row.key,
                row.version,
                row.title,
                str(row.question_count),
                row.content_hash[:12],
                f"{row.published_at:%Y-%m-%d %H:%M UTC}",
            )
            for row in published
        ]
        widths = [max(len(line[column]) for line in [header, *rows]) for column in range(6)]
        for line in [header, *rows]:
            click.echo(
                "  ".join(
                    cell.ljust(width) for cell, width in zip(line, widths, strict=True)
                ).rstrip()
            )
    else:
        click.echo("No questionnaire is published yet; run `vendordd questionnaires publish`.")
    pending = [outcome for outcome in files if outcome.state != UNCHANGED]
    if pending:
        click.echo("Files not published:")
        for outcome in pending:
            click.echo(str(outcome))


@questionnaires.command("diff")
@click.argument("key")
@click.argument("old")
@click.argument("new")
def diff(key: str, old: str, new: str) -> None:
    """Questions added, removed and changed between two published versions."""
    with job_session() as session:
        before = definition_of(_version(session, key, old))
        after = definition_of(_version(session, key, new))
    for line in diff_definitions(before, after).lines():
        click.echo(line)


@questionnaires.command("export")
@click.argument("key")
@click.option("--version", "version", help="A published version (default: the latest).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export(key: str, version: str | None, output: Path) -> None:
    """Write a published version as an XLSX workbook to fill in offline."""
    with job_session() as session:
        row = _version(session, key, version)
        definition = definition_of(row)
        names = provider_names(session)
    output.write_bytes(export_xlsx(definition, provider_names=names))
    click.echo(f"Wrote {key} {row.version} ({len(definition.questions)} questions) to {output}.")


def _configured_folder() -> Path | None:
    return current_app.config["VENDORDD"].questionnaires_path


def _version(session: Session, key: str, version: str | None) -> QuestionnaireVersion:
    """The named (or latest) published version; a clear error when there is none."""
    found = (
        find_version(session, key=key, version=version) if version else latest_version(session, key)
    )
    if found is not None:
        return found
    published = versions(session, key)
    if not published:
        keys = sorted({row.key for row in versions(session)})
        known = f"published: {', '.join(keys)}" if keys else "nothing is published yet"
        raise click.ClickException(f"No questionnaire {key!r} is published ({known}).")
    listed = ", ".join(row.version for row in published)
    raise click.ClickException(
        f"No published version {version} of {key}; its published versions are {listed}."
    )


questionnaires.add_command(score_command)
