"""Scoring assessments from the database: their context, and rescoring the whole book.

An assessment is always scored against the questionnaire version it pins and the context it
was issued with; the data-location policy and the scoring date are today's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, func, update
from sqlalchemy.orm import load_only
from sqlmodel import Session, select

from vendordd.assessments.models import Answer, Assessment
from vendordd.assessments.services import stored_answers
from vendordd.audit.services import Actor, record_event
from vendordd.questionnaires.answers import NA, NA_TEXT, AnswerError, parse_answer
from vendordd.questionnaires.schema import Definition, Question
from vendordd.questionnaires.services import definition_for
from vendordd.scoring import ENGINE_VERSION, Context, ScoreResult, score
from vendordd.scoring.result import BLOCKED
from vendordd.settings.services import data_location_policy
from vendordd.vendors.validation import countries

SCORED_ACTION = "assessment.scored"
RESCORED_ACTION = "assessment.rescored"
# Assessments per round trip: large enough to amortise the queries, small enough that a book of
# any size never sits in memory at once.
BATCH = 1000
Reader = Callable[[Any], Any]


def assessment_context(
    assessment: Assessment, *, allowed_countries: Mapping[str, frozenset[str]], as_of: date
) -> Context:
    """The scoring context an assessment was issued with, scored as of a date."""
    return Context(
        tier=assessment.tier,
        as_of=as_of,
        regimes=frozenset(assessment.regimes),
        data_class=assessment.data_class,
        use_case=assessment.use_case,
        is_critical=assessment.is_critical,
        allowed_countries=allowed_countries,
    )


def score_assessment(
    session: Session, *, assessment: Assessment, now: datetime, actor: Actor
) -> ScoreResult:
    """Score one assessment as of `now` with today's data-location policy, and store the result."""
    definition = definition_for(session, assessment.questionnaire_version_id)
    stored = stored_answers(session, assessment_id=assessment.id)
    answers, unreadable = _checked(definition, _readers(definition), stored)
    context = assessment_context(
        assessment, allowed_countries=data_location_policy(session), as_of=now.date()
    )
    result = score(definition, answers, context)
    before = (assessment.score_percent, assessment.outcome)
    assessment.score, assessment.score_percent = result.to_json(), result.overall
    assessment.outcome, assessment.scored_at = result.outcome, now
    session.add(assessment)
    session.flush()
    record_event(
        session,
        actor=actor,
        action=SCORED_ACTION,
        object_type="assessment",
        object_id=assessment.id,
        object_label=f"Assessment {assessment.id}",
        vendor_id=assessment.vendor_id,
        now=now,
        changes={
            "score_percent": [before[0], result.overall],
            "outcome": [before[1], result.outcome],
            "residual_rating": result.residual_rating,
            "engine_version": ENGINE_VERSION,
            "unreadable_answers": unreadable,
        },
    )
    return result


@dataclass(frozen=True)
class Rescored:
    """A stored score beside the assessment's answers scored again in the stored context."""

    stored: ScoreResult
    again: ScoreResult  # carries the explanation of every figure

    @property
    def is_current(self) -> bool:
        """Whether scoring again gives exactly the stored figures (same answers and engine)."""
        return self.again == self.stored


def score_again(session: Session, *, assessment: Assessment) -> Rescored | None:
    """The stored score and its explanation, rebuilt from the answers; None when unscored."""
    if assessment.score is None:
        return None
    stored = ScoreResult.from_json(assessment.score)
    definition = definition_for(session, assessment.questionnaire_version_id)
    answers, _unreadable = _checked(
        definition, _readers(definition), stored_answers(session, assessment_id=assessment.id)
    )
    return Rescored(stored, score(definition, answers, stored.context))


def rescore_all(
    session: Session,
    *,
    now: datetime,
    actor: Actor,
    allowed_countries: Mapping[str, frozenset[str]],
    batch: int = BATCH,
) -> int:
    """Score every assessment again (as of `now`) and store the results; returns how many."""
    pinned: dict[int, tuple[Definition, dict[str, Reader]]] = {}
    counts = {"assessments": 0, "blocked": 0, "unreadable_answers": 0}
    last_id = 0
    while True:
        assessments = session.exec(
            select(Assessment)
            # The old score is about to be replaced: never read it.
            .options(load_only(*CONTEXT_COLUMNS))
            .where(Assessment.id > last_id)
            .order_by(Assessment.id)
            .limit(batch)
        ).all()
        if not assessments:
            break
        first_id, last_id = assessments[0].id or 0, assessments[-1].id or 0
        stored = _stored_answers(session, first_id, last_id)
        updates = []
        for assessment in assessments:
            version_id = assessment.questionnaire_version_id
            if version_id not in pinned:
                definition = definition_for(session, version_id)
                pinned[version_id] = (definition, _readers(definition))
            definition, readers = pinned[version_id]
            answers, errors = _checked(definition, readers, stored.get(assessment.id, {}))
            context = assessment_context(
                assessment, allowed_countries=allowed_countries, as_of=now.date()
            )
            result = score(definition, answers, context)
            updates.append(
                {
                    "id": assessment.id,
                    "score": result.to_json(),
                    "score_percent": result.overall,
                    "outcome": result.outcome,
                    "scored_at": now,
                }
            )
            counts["blocked"] += result.outcome == BLOCKED
            counts["unreadable_answers"] += errors
        session.execute(update(Assessment), updates)
        # The loaded rows now hold stale scores; let them go with the batch.
        for assessment in assessments:
            session.expunge(assessment)
        counts["assessments"] += len(assessments)
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


CONTEXT_COLUMNS = (
    Assessment.id,
    Assessment.questionnaire_version_id,
    Assessment.tier,
    Assessment.regimes,
    Assessment.data_class,
    Assessment.use_case,
    Assessment.is_critical,
)


def _stored_answers(session: Session, first_id: int, last_id: int) -> dict[int, dict[str, Any]]:
    """Stored answers by assessment and question key, one JSON object per assessment.

    The database builds each object, so a batch is a thousand rows rather than seventy
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


def _checked(
    definition: Definition, readers: Mapping[str, Reader], stored: Mapping[str, Any]
) -> tuple[dict[str, Any], int]:
    """Checked answers from their stored JSON, and how many could not be read."""
    answers, errors = {}, 0
    for key, raw in stored.items():
        reader = readers.get(key)
        try:
            if reader is None:
                raise AnswerError(f"no question {key!r} in {definition.key} {definition.version}")
            value = reader(raw)
        except AnswerError:
            # A question the pinned version lacks, or a value that no longer fits it: left
            # unanswered (counted in the audit event), as an unreadable answer cannot score.
            errors += 1
            continue
        if value is not None:
            answers[key] = value
    return answers, errors


def _readers(definition: Definition) -> dict[str, Reader]:
    """Per question, stored JSON -> checked value.

    Stored values were checked when written (`dump_answer` of a checked value), so a value of
    the expected shape is taken as it is, in as few steps as its type needs (this runs for
    every stored answer of the book); anything else goes through `parse_answer`, which checks
    it fully or raises.
    """
    return {question.key: _reader(question) for question in definition.questions}


class _Unfit(Exception):
    """A stored group cell not of the expected shape: the whole group is read the slow way."""


def _reader(question: Question) -> Reader:
    def slow(raw: Any) -> Any:
        if raw == NA_TEXT and question.allow_na:
            return NA
        return parse_answer(question, raw)

    if question.type != "group":
        options = question.option_values
        na_text = NA_TEXT if question.allow_na else None
        return _shaped(question.type, options, question.min, question.max, na_text, slow)
    columns = {
        column.key: _shaped(
            column.type,
            [option.value for option in column.options or ()],
            column.min,
            column.max,
            None,
            _unfit,
        )
        for column in question.fields or ()
    }

    def group(raw: Any) -> Any:
        try:
            return tuple({key: columns[key](cell) for key, cell in row.items()} for row in raw)
        except (_Unfit, KeyError, AttributeError, TypeError):
            return slow(raw)

    return group


def _unfit(raw: Any) -> Any:
    raise _Unfit


def _shaped(
    kind: str,
    options: Sequence[str],
    low: float | None,
    high: float | None,
    na_text: str | None,
    other: Reader,
) -> Reader:
    """A reader taking values of the type's stored shape as they are, and passing anything
    else (including "n/a", where `na_text` is given) to `other`."""
    if kind in ("yes_no", "single_choice"):
        known: dict[Any, Any] = {True: True, False: False} if kind == "yes_no" else {}
        known.update((option, option) for option in options if kind != "yes_no")
        return lambda raw: (
            found
            if raw.__class__ in (str, bool) and (found := known.get(raw)) is not None
            else other(raw)
        )
    if kind == "number":
        least = -math.inf if low is None else low
        most = math.inf if high is None else high
        return lambda raw: (
            raw
            if (raw.__class__ is int or raw.__class__ is float) and least <= raw <= most
            else other(raw)
        )
    if kind in ("multiple_choice", "countries", "providers", "evidence"):
        allowed = frozenset(options if kind == "multiple_choice" else countries())
        check_values = kind in ("multiple_choice", "countries")
        return lambda raw: (
            tuple(raw)
            if raw.__class__ is list
            and raw
            and set(map(type, raw)) == {str}
            and (not check_values or allowed.issuperset(raw))
            else other(raw)
        )
    if kind == "date":

        def dated(raw: Any) -> Any:
            try:
                return date.fromisoformat(raw)
            except (TypeError, ValueError):
                return other(raw)

        return dated
    return lambda raw: raw if raw.__class__ is str and raw and raw != na_text else other(raw)
