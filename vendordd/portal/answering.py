"""The vendor's answers as the portal sees them, and saving what a contact changed.

A contact's page holds every question of a domain, so a save sends values the contact never
touched; only those that differ from what the contact loaded are saved, each checked against the
revision it was loaded at, so a colleague's newer save is never overwritten unseen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from vendordd.assessments.answering import (
    AnswerConflict,
    Conflict,
    answer_revisions,
    save_answers,
)
from vendordd.assessments.evidence import evidence_counts
from vendordd.assessments.models import AnswerRevision, Assessment
from vendordd.assessments.readers import answer_readers, checked_answers
from vendordd.assessments.scoring import assessment_context
from vendordd.assessments.services import stored_answers
from vendordd.assessments.workflow import WITH_VENDOR, editable_keys
from vendordd.audit.services import Actor
from vendordd.portal.progress import Progress, progress
from vendordd.questionnaires.answers import dump_answer
from vendordd.questionnaires.schema import Definition
from vendordd.questionnaires.services import definition_for
from vendordd.scoring import Context
from vendordd.scoring.plan import plan_for
from vendordd.settings.services import data_location_policy


@dataclass(frozen=True)
class AnswerState:
    """An assessment's answers now: stored JSON, revisions, what is asked and what may change."""

    definition: Definition
    stored: dict[str, Any]  # question key -> stored JSON
    revisions: dict[str, int]
    context: Context
    progress: Progress
    editable: frozenset[str] | None  # None: every question

    def is_editable(self, key: str) -> bool:
        return self.editable is None or key in self.editable

    def in_scope(self, domain_key: str) -> list[str]:
        """Keys of the domain's questions asked at this tier and regime, shown or not."""
        scoped = {
            plan.key
            for plan in plan_for(self.definition).questions
            if plan.in_scope(self.context.tier, self.context.regimes)
        }
        return [
            question.key
            for question in self.definition.questions
            if question.domain == domain_key and question.key in scoped
        ]


def answer_state(session: Session, *, assessment: Assessment, today: date) -> AnswerState:
    """The answers of an assessment, what the portal asks on them and what the vendor may edit."""
    definition = definition_for(session, assessment.questionnaire_version_id)
    stored = stored_answers(session, assessment_id=assessment.id)
    answers, _unreadable = checked_answers(definition, answer_readers(definition), stored)
    context = assessment_context(
        assessment, allowed_countries=data_location_policy(session), as_of=today
    )
    counts = evidence_counts(session, assessment_id=assessment.id)
    if assessment.status in WITH_VENDOR:
        editable = editable_keys(session, assessment=assessment)
    else:
        editable = frozenset()
    return AnswerState(
        definition=definition,
        stored=stored,
        revisions=_revisions(session, assessment.id),
        context=context,
        progress=progress(definition, answers, context, counts),
        editable=editable,
    )


@dataclass(frozen=True)
class Saved:
    """What a save stored, and the questions refused because someone else saved them first."""

    changed: list[str]
    conflicts: dict[str, Conflict]


def save_changes(
    session: Session,
    *,
    assessment: Assessment,
    edits: Mapping[str, tuple[Any, int]],
    now: datetime,
    actor: Actor,
    skip_untouched: bool = False,
) -> Saved:
    """Save checked values edited from a base revision: key -> (value, base revision).

    Values equal to the stored ones are left alone. With `skip_untouched` (a whole page sent
    back), a value equal to what its base revision held was not touched by this editor and is
    left alone too, keeping a colleague's newer answer. Questions changed by someone else since
    their base revision are refused and returned as conflicts; the rest are saved.
    """
    stored = stored_answers(session, assessment_id=assessment.id)
    wanted: dict[str, Any] = {}
    for key, (value, _base) in edits.items():
        dumped = None if value is None else dump_answer(value)
        if dumped != stored.get(key):
            wanted[key] = value
    if skip_untouched:
        loaded = _values_at(session, assessment.id, {key: edits[key][1] for key in wanted})
        wanted = {
            key: value
            for key, value in wanted.items()
            if (None if value is None else dump_answer(value)) != loaded.get(key)
        }
    conflicts: dict[str, Conflict] = {}
    while wanted:
        try:
            changed = save_answers(
                session,
                assessment=assessment,
                answers=wanted,
                now=now,
                actor=actor,
                base_revisions={key: edits[key][1] for key in wanted},
            )
        except AnswerConflict as refused:
            # Nothing was written: drop the conflicting questions and save the others.
            conflicts |= {conflict.key: conflict for conflict in refused.conflicts}
            wanted = {key: value for key, value in wanted.items() if key not in conflicts}
        else:
            return Saved(changed, conflicts)
    return Saved([], conflicts)


def _revisions(session: Session, assessment_id: int) -> dict[str, int]:
    """Question key -> the revision an editor starts from, cleared answers included (their
    history goes on from their last revision, as `save_answers` counts it)."""
    cleared = session.exec(
        select(AnswerRevision.question_key, func.max(AnswerRevision.revision))
        .where(AnswerRevision.assessment_id == assessment_id)
        .group_by(AnswerRevision.question_key)
    )
    return dict(cleared.all()) | answer_revisions(session, assessment_id=assessment_id)


def _values_at(
    session: Session, assessment_id: int, revisions: Mapping[str, int]
) -> dict[str, Any]:
    """The stored JSON each question held at the given revision (absent: unanswered then)."""
    wanted = {key: revision for key, revision in revisions.items() if revision > 0}
    if not wanted:
        return {}
    rows = session.exec(
        select(AnswerRevision).where(
            AnswerRevision.assessment_id == assessment_id,
            AnswerRevision.question_key.in_(sorted(wanted)),
        )
    )
    return {row.question_key: row.value for row in rows if wanted[row.question_key] == row.revision}
