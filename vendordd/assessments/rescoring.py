"""Rescoring the whole book: every assessment scored again as of a date, in one transaction.

The book is read and scored in ranges of assessment ids. With `workers` above 1, processes
score ranges side by side, each reading on its own connection (the answers are committed data
the job does not change), while this process writes the scores as they arrive, in the caller's
transaction: the job still commits, or fails, as a whole.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, func, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from vendordd.assessments.models import Answer, Assessment
from vendordd.assessments.readers import Reader, answer_readers, checked_answers
from vendordd.assessments.scoring import assessment_context
from vendordd.audit.services import Actor, record_event
from vendordd.db import make_engine
from vendordd.questionnaires.schema import Definition
from vendordd.questionnaires.services import definition_for
from vendordd.scoring import ENGINE_VERSION, score
from vendordd.scoring.result import BLOCKED

RESCORED_ACTION = "assessment.rescored"
# Assessments per range: large enough to amortise the queries, small enough that a book of any
# size never sits in memory at once.
BATCH = 1000
CONTEXT_COLUMNS = (
    Assessment.id,
    Assessment.questionnaire_version_id,
    Assessment.tier,
    Assessment.regimes,
    Assessment.data_class,
    Assessment.use_case,
    Assessment.is_critical,
)


@dataclass(frozen=True)
class Scored:
    """One range's new scores, as rows for a bulk update, and its counts."""

    updates: list[dict[str, Any]]
    blocked: int
    unreadable_answers: int


@dataclass
class _Rescoring:
    """One rescoring: its date and policy, the versions parsed so far, and how to score a range."""

    now: datetime
    allowed_countries: Mapping[str, frozenset[str]]
    pinned: dict[int, tuple[Definition, dict[str, Reader]]] = field(default_factory=dict)

    def score(self, session: Session, first_id: int, last_id: int) -> Scored:
        """Score the assessments with ids first_id..last_id."""
        rows = session.exec(
            select(*CONTEXT_COLUMNS)
            .where(Assessment.id >= first_id, Assessment.id <= last_id)
            .order_by(Assessment.id)
        ).all()
        stored = _stored_answers(session, first_id, last_id)
        updates, blocked, unreadable = [], 0, 0
        for row in rows:
            definition, readers = self._pinned(session, row.questionnaire_version_id)
            answers, errors = checked_answers(definition, readers, stored.get(row.id, {}))
            context = assessment_context(
                row, allowed_countries=self.allowed_countries, as_of=self.now.date()
            )
            result = score(definition, answers, context)
            updates.append(
                {
                    "id": row.id,
                    "score": result.to_json(),
                    "score_percent": result.overall,
                    "outcome": result.outcome,
                    "scored_at": self.now,
                }
            )
            blocked += result.outcome == BLOCKED
            unreadable += errors
        return Scored(updates, blocked, unreadable)

    def _pinned(self, session: Session, version_id: int) -> tuple[Definition, dict[str, Reader]]:
        if version_id not in self.pinned:
            definition = definition_for(session, version_id)
            self.pinned[version_id] = (definition, answer_readers(definition))
        return self.pinned[version_id]


def rescore_all(
    session: Session,
    *,
    now: datetime,
    actor: Actor,
    allowed_countries: Mapping[str, frozenset[str]],
    batch: int = BATCH,
    workers: int = 1,
) -> int:
    """Score every assessment again (as of `now`) and store the results; returns how many."""
    ranges = _id_ranges(session, batch)
    job = _Rescoring(now, allowed_countries)
    counts = {"assessments": 0, "blocked": 0, "unreadable_answers": 0}
    for scored in _scored(session, job, ranges, workers):
        session.execute(update(Assessment), scored.updates)
        counts["assessments"] += len(scored.updates)
        counts["blocked"] += scored.blocked
        counts["unreadable_answers"] += scored.unreadable_answers
    # Bulk updates by primary key leave objects already in the session as they were.
    session.expire_all()
    record_event(
        session,
        actor=actor,
        action=RESCORED_ACTION,
        object_type="assessment",
        object_id="all",
        object_label="Every assessment",
        now=now,
        changes={**counts, "engine_version": ENGINE_VERSION, "as_of": now.date()},
    )
    session.flush()
    return counts["assessments"]


def _id_ranges(session: Session, batch: int) -> list[tuple[int, int]]:
    """The assessment ids in consecutive ranges of `batch` assessments each."""
    ids = session.exec(select(Assessment.id).order_by(Assessment.id)).all()
    return [
        (ids[start], ids[min(start + batch, len(ids)) - 1]) for start in range(0, len(ids), batch)
    ]


def _scored(
    session: Session, job: _Rescoring, ranges: list[tuple[int, int]], workers: int
) -> Iterator[Scored]:
    """Each range's scores, in order: here, or from worker processes reading on their own."""
    if workers <= 1 or len(ranges) <= 1:
        for first_id, last_id in ranges:
            yield job.score(session, first_id, last_id)
        return
    url = session.get_bind().url.render_as_string(hide_password=False)
    # fork: the workers start at once, with the code and the parsed definitions already loaded.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=min(workers, len(ranges)),
        mp_context=context,
        initializer=_start_worker,
        initargs=(url, job),
    ) as pool:
        yield from pool.map(_score_in_worker, *zip(*ranges, strict=True))


_WORKER: dict[str, Any] = {}


def _start_worker(url: str, job: _Rescoring) -> None:
    # Never touch connections inherited from the parent: this process opens its own.
    engine: Engine = make_engine(url)
    _WORKER.update(engine=engine, job=job)


def _score_in_worker(first_id: int, last_id: int) -> Scored:
    with Session(_WORKER["engine"]) as session:
        return _WORKER["job"].score(session, first_id, last_id)


def _stored_answers(session: Session, first_id: int, last_id: int) -> dict[int, dict[str, Any]]:
    """Stored answers by assessment and question key, one JSON object per assessment.

    The database builds each object, so a range is a thousand rows rather than seventy
    thousand, and each is decoded in one go.
    """
    if session.get_bind().dialect.name == "postgresql":
        merged = func.json_object_agg(Answer.question_key, Answer.value, type_=JSON)
    else:
        merged = func.json_group_object(Answer.question_key, func.json(Answer.value), type_=JSON)
    rows = session.exec(
        select(Answer.assessment_id, merged)
        .where(Answer.assessment_id >= first_id, Answer.assessment_id <= last_id)
        .group_by(Answer.assessment_id)
    )
    return dict(rows.all())
