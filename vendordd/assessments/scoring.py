"""Scoring one assessment from the database, and explaining a stored score.

An assessment is always scored against the questionnaire version it pins and the context it
was issued with; the data-location policy and the scoring date are today's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row
from sqlmodel import Session

from vendordd.assessments.models import Assessment
from vendordd.assessments.readers import answer_readers, checked_answers
from vendordd.assessments.services import stored_answers
from vendordd.audit.services import Actor, record_event
from vendordd.questionnaires.schema import Definition
from vendordd.questionnaires.services import definition_for
from vendordd.scoring import ENGINE_VERSION, Context, ScoreResult, score
from vendordd.settings.services import data_location_policy

SCORED_ACTION = "assessment.scored"


def assessment_context(
    assessment: Assessment | Row, *, allowed_countries: Mapping[str, frozenset[str]], as_of: date
) -> Context:
    """The scoring context an assessment (or a row of its CONTEXT_COLUMNS) was issued with,
    scored as of a date."""
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
    definition, answers, unreadable = _answers(session, assessment)
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
    definition, answers, _unreadable = _answers(session, assessment)
    return Rescored(stored, score(definition, answers, stored.context))


def _answers(session: Session, assessment: Assessment) -> tuple[Definition, dict[str, Any], int]:
    """The pinned definition, the checked answers and how many stored answers were unreadable."""
    definition = definition_for(session, assessment.questionnaire_version_id)
    stored = stored_answers(session, assessment_id=assessment.id)
    return definition, *checked_answers(definition, answer_readers(definition), stored)
