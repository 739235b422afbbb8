"""`vendordd questionnaires score ANSWER_FILE`: score an answer file and explain every figure."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import click
import yaml
from flask import current_app
from flask.cli import with_appcontext

from vendordd.concentration.services import provider_lookup
from vendordd.db import job_session
from vendordd.dbtypes import utcnow
from vendordd.questionnaires.answer_files import load_answer_file
from vendordd.questionnaires.loading import Loader, load_definition, questionnaire_files
from vendordd.questionnaires.schema import TIERS, Definition
from vendordd.questionnaires.services import questionnaires_folder
from vendordd.scoring import Context, score
from vendordd.settings.services import data_location_policy
from vendordd.vendors.intake import DATA_CLASSES, REGIMES, USE_CASES


@click.command("score")
@with_appcontext
@click.argument("answer_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tier", type=click.Choice(TIERS), help="Default: the file's context.")
@click.option(
    "--regime", "regimes", multiple=True, type=click.Choice(list(REGIMES)), help="Repeatable."
)
@click.option("--data-class", type=click.Choice(list(DATA_CLASSES)))
@click.option("--use-case", type=click.Choice(list(USE_CASES)))
@click.option("--critical/--not-critical", default=None)
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Default: today.")
def score_command(
    answer_file: Path,
    tier: str | None,
    regimes: tuple[str, ...],
    data_class: str | None,
    use_case: str | None,
    critical: bool | None,
    as_of: datetime | None,
) -> None:
    """Score an answer file; options override the context written in the file."""
    definition = _definition_for(answer_file)
    with job_session() as session:
        policy = data_location_policy(session)
        loaded = load_answer_file(answer_file, definition, provider_lookup(session))
    for key, message in loaded.errors.items():
        click.echo(f"Not scored, {key}: {message}", err=True)
    written = loaded.context
    tier = tier or _required(written, "tier")
    if tier not in TIERS:
        raise click.UsageError(f"The file's tier {tier!r} is not one of {', '.join(TIERS)}.")
    context = Context(
        tier=tier,
        as_of=as_of.date() if as_of else utcnow().date(),
        regimes=frozenset(regimes or written.get("regimes") or ()),
        data_class=data_class or written.get("data_class") or "internal",
        use_case=use_case or written.get("use_case") or "internal_productivity",
        is_critical=critical if critical is not None else bool(written.get("critical")),
        allowed_countries=policy,
    )
    click.echo(f"{loaded.title}")
    for line in score(definition, loaded.answers, context).explanation:
        click.echo(line)


def _definition_for(path: Path) -> Definition:
    """The questionnaire file in the configured folder that the answer file names."""
    header = _header(path)
    wanted = (str(header.get("questionnaire")), str(header.get("version")))
    folder = questionnaires_folder(current_app.config["VENDORDD"].questionnaires_path)
    for candidate in questionnaire_files(folder):
        definition = load_definition(candidate)
        if (definition.key, definition.version) == wanted:
            return definition
    raise click.ClickException(
        f"{path.name} answers {wanted[0]} {wanted[1]}, and no file in {folder} defines it."
    )


def _header(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise click.ClickException(f"cannot read {path.name}: {error}") from None
    if not isinstance(data, dict):
        raise click.ClickException(f"{path.name} is not an answer file (a YAML mapping).")
    return data


def _required(written: dict[str, Any], name: str) -> str:
    value = written.get(name)
    if not value:
        raise click.UsageError(f"The answer file has no context {name}; give --{name}.")
    return str(value)
