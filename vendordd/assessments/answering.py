"""Saving answers: only what changed, never over someone else's newer save, history kept.

Every value an answer takes is written to AnswerRevision as well as to Answer (the current
value), so each earlier version stays viewable; the audit event of a save holds the old and new
value of every changed key. A save names, per question, the revision its editor started from:
when someone else saved that question since, the save is refused with their value instead of
overwriting it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from vendordd.assessments.models import Answer, AnswerRevision, Assessment
from vendordd.assessments.services import AssessmentError
from vendordd.assessments.workflow import (
    DRAFT,
    IN_PROGRESS,
    SENT,
    STATUS_LABELS,
    WITH_VENDOR,
    editable_keys,
)
from vendordd.audit.services import Actor, record_event
from vendordd.questionnaires.answers import dump_answer

ANSWERED_ACTION = "assessment.answered"


@dataclass(frozen=True)
class Conflict:
    """A question saved by someone else since the editor loaded it: what it holds now."""

    key: str
    value: Any  # stored JSON; None when it was cleared
    revision: int
    updated_by: str
    updated_at: datetime | None


class AnswerConflict(AssessmentError):
    """A save refused because others changed some of its questions first; nothing was saved."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        keys = ", ".join(conflict.key for conflict in conflicts)
        super().__init__(f"Changed by someone else since you opened it: {keys}.")
        self.conflicts = conflicts


def save_answers(
    session: Session,
    *,
    assessment: Assessment,
    answers: Mapping[str, Any],
    now: datetime,
    actor: Actor,
    base_revisions: Mapping[str, int] | None = None,
) -> list[str]:
    """Store checked answers (None clears one); returns the keys that changed.

    `base_revisions` maps a key to the revision its editor started from (0: unanswered then);
    keys it leaves out are saved without that check. Saving leaves every other answer alone.
    """
    _check_editable(session, assessment, answers)
    stored = {
        row.question_key: row
        for row in session.exec(
            select(Answer).where(
                Answer.assessment_id == assessment.id, Answer.question_key.in_(list(answers))
            )
        )
    }
    revisions = {key: row.revision for key, row in stored.items()}
    revisions |= _cleared_revisions(session, assessment.id, set(answers) - set(stored))
    conflicts = [
        _conflict(key, stored.get(key), revisions.get(key, 0), session, assessment.id)
        for key, base in (base_revisions or {}).items()
        if key in answers and revisions.get(key, 0) != base
    ]
    if conflicts:
        raise AnswerConflict(conflicts)
    changes: dict[str, list[Any]] = {}
    for key, value in answers.items():
        dumped = None if value is None else dump_answer(value)
        row = stored.get(key)
        before = row.value if row is not None else None
        if before == dumped:
            continue
        changes[key] = [before, dumped]
        revision = revisions.get(key, 0) + 1
        if dumped is None:
            session.delete(row)
        elif row is None:
            session.add(
                Answer(
                    assessment_id=assessment.id,
                    question_key=key,
                    value=dumped,
                    revision=revision,
                    updated_at=now,
                    updated_by=actor.label,
                )
            )
        else:
            row.value, row.revision, row.updated_at, row.updated_by = (
                dumped,
                revision,
                now,
                actor.label,
            )
            session.add(row)
        session.add(
            AnswerRevision(
                assessment_id=assessment.id,
                question_key=key,
                revision=revision,
                value=dumped,
                submission_round=assessment.submission_round,
                author_type=actor.type,
                author_id=actor.id,
                author_label=actor.label,
                created_at=now,
            )
        )
    if not changes:
        return []
    if assessment.status == SENT:
        assessment.status = IN_PROGRESS
        session.add(assessment)
    session.flush()
    record_event(
        session,
        actor=actor,
        action=ANSWERED_ACTION,
        object_type="assessment",
        object_id=assessment.id,
        object_label=f"Assessment {assessment.id}",
        vendor_id=assessment.vendor_id,
        now=now,
        changes=changes,
    )
    return sorted(changes)


def answer_revisions(session: Session, *, assessment_id: int) -> dict[str, int]:
    """Question key -> the revision of its current answer (what an editor starts from)."""
    rows = session.exec(
        select(Answer.question_key, Answer.revision).where(Answer.assessment_id == assessment_id)
    )
    return dict(rows.all())


def _check_editable(session: Session, assessment: Assessment, answers: Mapping[str, Any]) -> None:
    if assessment.status != DRAFT and assessment.status not in WITH_VENDOR:
        label = STATUS_LABELS.get(assessment.status, assessment.status).lower()
        raise AssessmentError(f"The assessment is {label}; its answers are final.")
    allowed = editable_keys(session, assessment=assessment)
    refused = sorted(set(answers) - allowed) if allowed is not None else []
    if refused:
        raise AssessmentError(
            "Only the questions with a clarification requested can change now; "
            f"not {', '.join(refused)}."
        )


def _cleared_revisions(session: Session, assessment_id: int, keys: set[str]) -> dict[str, int]:
    """The last revision of answers that were cleared (their history goes on from there)."""
    if not keys:
        return {}
    rows = session.exec(
        select(AnswerRevision.question_key, func.max(AnswerRevision.revision))
        .where(
            AnswerRevision.assessment_id == assessment_id,
            AnswerRevision.question_key.in_(sorted(keys)),
        )
        .group_by(AnswerRevision.question_key)
    )
    return dict(rows.all())


def _conflict(
    key: str, row: Answer | None, revision: int, session: Session, assessment_id: int
) -> Conflict:
    if row is not None:
        return Conflict(key, row.value, revision, row.updated_by, row.updated_at)
    last = session.exec(
        select(AnswerRevision).where(
            AnswerRevision.assessment_id == assessment_id,
            AnswerRevision.question_key == key,
            AnswerRevision.revision == revision,
        )
    ).first()
    return Conflict(
        key, None, revision, last.author_label if last else "", last.created_at if last else None
    )
