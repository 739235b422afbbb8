"""Questionnaire files and their published versions: checking, publishing, looking up.

A published (key, version) is immutable: its canonical content and hash are stored, and a file
that claims the same version with other content is refused until its author raises the version.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import defer
from sqlmodel import Session, select

from vendordd.audit.services import Actor, record_event
from vendordd.config import ConfigError
from vendordd.questionnaires.loading import (
    Problem,
    content_hash,
    questionnaire_files,
    read_definition,
)
from vendordd.questionnaires.models import QuestionnaireVersion
from vendordd.questionnaires.schema import Definition
from vendordd.resources import resource_dir

PUBLISHED_ACTION = "questionnaire.published"
PUBLISH_HINT = "run `vendordd questionnaires publish`"
# What `publish_all` did with a file: published, unchanged or refused. What `file_status` finds:
# unchanged (the file matches its published version), not yet published, changed, invalid.
PUBLISHED, UNCHANGED, REFUSED = "published", "unchanged", "refused"
NOT_PUBLISHED, CHANGED, INVALID = "not yet published", "changed", "invalid"


class QuestionnairesInvalid(ConfigError):
    """A questionnaire file has problems: the app does not start until they are fixed."""


@dataclass(frozen=True)
class CheckedFile:
    path: Path
    name: str  # as shown to people: "questionnaires/genai-due-diligence.yaml"
    definition: Definition | None
    problems: tuple[Problem, ...]


def questionnaires_folder(folder: Path | None = None) -> Path:
    """The configured folder, or the questionnaires/ shipped with vendordd."""
    return folder or resource_dir("questionnaires")


def check_files(paths: Iterable[Path], *, folder: Path | None = None) -> list[CheckedFile]:
    """Every file parsed and checked, plus a problem where two files claim one key and version."""
    checked, claimed = [], {}
    for path in paths:
        definition, problems = _read(path)
        name = f"{folder.name}/{path.name}" if folder else str(path)
        if definition is not None and not problems:
            claim = (definition.key, definition.version)
            if claim in claimed:
                problems = (
                    Problem(
                        str(path),
                        None,
                        None,
                        "version",
                        f"{definition.key} {definition.version} is also defined in"
                        f" {claimed[claim]}; give each file its own version",
                    ),
                )
            claimed.setdefault(claim, name)
        checked.append(CheckedFile(path, name, definition, problems))
    return checked


def check_folder(folder: Path | None = None) -> list[CheckedFile]:
    """Every *.yaml file in the folder, checked (see `check_files`)."""
    folder = questionnaires_folder(folder)
    return check_files(questionnaire_files(folder), folder=folder)


def validate_at_startup(folder: Path | None = None) -> None:
    """Refuse to start, listing every problem, if any questionnaire file is invalid."""
    folder = questionnaires_folder(folder)
    if not folder.is_dir():
        raise QuestionnairesInvalid(
            f"VENDORDD_QUESTIONNAIRES_PATH: {folder} is not a folder of questionnaire files"
        )
    problems = [problem for item in check_folder(folder) for problem in item.problems]
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        raise QuestionnairesInvalid(
            f"the questionnaires in {folder} have {count}; fix them and start again"
            " (`vendordd questionnaires validate` lists them too):\n"
            + "\n".join(f"  {problem}" for problem in problems)
        )


# Parsed files by path with the mtime and size they had: the test suite creates hundreds of
# apps, each validating the same folder at start-up, and a page lists file states each time.
_PARSED: dict[str, tuple[int, int, Definition | None, tuple[Problem, ...]]] = {}


def _read(path: Path) -> tuple[Definition | None, tuple[Problem, ...]]:
    try:
        stat = path.stat()
    except OSError:
        definition, problems = read_definition(path)  # reports why it cannot be read
        return definition, tuple(problems)
    cached = _PARSED.get(str(path))
    if cached and cached[:2] == (stat.st_mtime_ns, stat.st_size):
        return cached[2], cached[3]
    definition, problems = read_definition(path)
    _PARSED[str(path)] = (stat.st_mtime_ns, stat.st_size, definition, tuple(problems))
    return definition, tuple(problems)


@dataclass(frozen=True)
class FileOutcome:
    """What publishing (or the pages) found for one file."""

    file: str
    state: str
    key: str | None = None
    version: str | None = None
    messages: tuple[str, ...] = ()

    def __str__(self) -> str:
        about = f" {self.key} {self.version}" if self.key else ""
        return "\n".join([f"{self.file}: {self.state}{about}", *(f"  {m}" for m in self.messages)])


@dataclass(frozen=True)
class PublishReport:
    outcomes: tuple[FileOutcome, ...]

    def count(self, state: str) -> int:
        return sum(outcome.state == state for outcome in self.outcomes)

    @property
    def summary(self) -> str:
        states = (PUBLISHED, UNCHANGED, REFUSED)
        return ", ".join(f"{self.count(state)} {state}" for state in states)


def publish_all(
    session: Session, *, now: datetime, actor: Actor, folder: Path | None = None
) -> PublishReport:
    """Register every new (key, version) in the folder; refuse invalid files and changed content."""
    known = _registered(session)
    outcomes = []
    for item in check_folder(folder):
        outcome = _outcome(item, known)
        if outcome.state == NOT_PUBLISHED and item.definition is not None:
            version = _register(
                session, item.definition, source_file=item.path.name, now=now, actor=actor
            )
            known[(version.key, version.version)] = version.content_hash
            outcome = FileOutcome(item.name, PUBLISHED, version.key, version.version)
        elif outcome.state in (CHANGED, INVALID):
            outcome = replace(outcome, state=REFUSED)
        outcomes.append(outcome)
    session.flush()
    return PublishReport(tuple(outcomes))


def file_status(session: Session, *, folder: Path | None = None) -> list[FileOutcome]:
    """Each file's state against the registry (the pages warn about all but unchanged)."""
    known = _registered(session)
    return [_outcome(item, known) for item in check_folder(folder)]


def _registered(session: Session) -> dict[tuple[str, str], str]:
    table = QuestionnaireVersion
    rows = session.exec(select(table.key, table.version, table.content_hash))
    return {(key, version): digest for key, version, digest in rows}


def _outcome(item: CheckedFile, known: dict[tuple[str, str], str]) -> FileOutcome:
    definition = item.definition
    if definition is None or item.problems:
        messages = tuple(str(problem) for problem in item.problems)
        key, version = (definition.key, definition.version) if definition else (None, None)
        return FileOutcome(item.name, INVALID, key, version, messages)
    key, version = definition.key, definition.version
    registered = known.get((key, version))
    if registered is None:
        return FileOutcome(item.name, NOT_PUBLISHED, key, version, (f"{PUBLISH_HINT} to publish",))
    if registered == content_hash(definition):
        return FileOutcome(item.name, UNCHANGED, key, version)
    suggestion = _next_patch([v for k, v in known if k == key])
    message = (
        f"{item.name}: {key} {version} is already published with different content;"
        f" raise the version (e.g. {suggestion}) to publish the change"
    )
    return FileOutcome(item.name, CHANGED, key, version, (message,))


def _next_patch(versions: list[str]) -> str:
    major, minor, patch = max(tuple(int(part) for part in v.split(".")) for v in versions)
    return f"{major}.{minor}.{patch + 1}"


def _register(
    session: Session, definition: Definition, *, source_file: str, now: datetime, actor: Actor
) -> QuestionnaireVersion:
    major, minor, patch = definition.version_tuple
    version = QuestionnaireVersion(
        key=definition.key,
        version=definition.version,
        major=major,
        minor=minor,
        patch=patch,
        title=definition.title,
        content_hash=content_hash(definition),
        definition=definition.model_dump(mode="json", by_alias=True, exclude_none=True),
        question_count=len(definition.questions),
        source_file=source_file,
        published_at=now,
    )
    session.add(version)
    session.flush()
    record_event(
        session,
        actor=actor,
        action=PUBLISHED_ACTION,
        object_type="questionnaire_version",
        object_id=version.id,
        object_label=f"{version.key} {version.version}",
        now=now,
        changes={
            "key": [None, version.key],
            "version": [None, version.version],
            "title": [None, version.title],
            "content_hash": [None, version.content_hash],
            "question_count": [None, version.question_count],
            "source_file": [None, version.source_file],
        },
    )
    return version


def versions(session: Session, key: str | None = None) -> list[QuestionnaireVersion]:
    """Published versions (of one key, or all) by key, newest first; definitions not loaded."""
    query = select(QuestionnaireVersion).options(defer(QuestionnaireVersion.definition))
    if key is not None:
        query = query.where(QuestionnaireVersion.key == key)
    query = query.order_by(
        QuestionnaireVersion.key,
        QuestionnaireVersion.major.desc(),
        QuestionnaireVersion.minor.desc(),
        QuestionnaireVersion.patch.desc(),
    )
    return list(session.exec(query).all())


def latest_version(session: Session, key: str) -> QuestionnaireVersion | None:
    """The highest published version of a questionnaire, or None."""
    found = versions(session, key)
    return found[0] if found else None


def find_version(session: Session, *, key: str, version: str) -> QuestionnaireVersion | None:
    """One published version by key and version text, or None."""
    return session.exec(
        select(QuestionnaireVersion)
        .options(defer(QuestionnaireVersion.definition))
        .where(QuestionnaireVersion.key == key, QuestionnaireVersion.version == version)
    ).one_or_none()


def definition_for(session: Session, version_id: int) -> Definition:
    """The definition of a published version (assessments pin one); raises LookupError."""
    version = session.get(
        QuestionnaireVersion, version_id, options=[defer(QuestionnaireVersion.definition)]
    )
    if version is None:
        raise LookupError(f"no published questionnaire version {version_id}")
    return definition_of(version)


# Parsed definitions by content hash: equal content parses to an equal definition, and the
# stored JSON of a large questionnaire is read and validated only when first needed.
_DEFINITIONS: dict[str, Definition] = {}
_DEFINITIONS_KEPT = 64


def definition_of(version: QuestionnaireVersion) -> Definition:
    """The parsed definition of a version row (its stored JSON is loaded only on a cache miss)."""
    found = _DEFINITIONS.get(version.content_hash)
    if found is None:
        found = Definition.model_validate(version.definition)
        if len(_DEFINITIONS) >= _DEFINITIONS_KEPT:
            del _DEFINITIONS[next(iter(_DEFINITIONS))]
        _DEFINITIONS[version.content_hash] = found
    return found
