"""Reviewing a submitted assessment question by question: statuses and message threads.

A reviewer accepts a question or asks for a clarification (the first message of its thread).
Returning the assessment (returning.py) sends it back to the vendor, who may then change only
those answers (workflow.editable_keys) and reply in the threads. A question stays
"clarification" after resubmission until a reviewer accepts it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from vendordd.assessments.models import (
    AnswerRevision,
    Assessment,
    ClarificationMessage,
    QuestionReview,
)
from vendordd.assessments.workflow import (
    ACCEPTED,
    CLARIFICATION,
    CLARIFICATION_REQUESTED,
    STATUS_LABELS,
    SUBMITTED,
)
from vendordd.audit.services import Actor, record_event
from vendordd.questionnaires.schema import Question
from vendordd.questionnaires.services import definition_for
from vendordd.scoring.result import OUT_OF_SCOPE, ScoreResult

MESSAGE_LIMIT = 4000
REVIEW_LABELS = {ACCEPTED: "Accepted", CLARIFICATION_REQUESTED: "Clarification requested"}


class ReviewError(ValueError):
    """A review action refused; the message says why."""


def accept_question(
    session: Session, *, assessment: Assessment, question_key: str, now: datetime, actor: Actor
) -> QuestionReview:
    """Mark one question accepted (also closing a clarification once the vendor answered)."""
    check_reviewable(assessment, "accept a question")
    reviewed_question(session, assessment=assessment, question_key=question_key)
    return _set_status(session, assessment, question_key, ACCEPTED, now, actor)


def request_clarification(
    session: Session,
    *,
    assessment: Assessment,
    question_key: str,
    message: str,
    now: datetime,
    actor: Actor,
) -> QuestionReview:
    """Ask the vendor to clarify one answer; the message opens (or continues) its thread."""
    check_reviewable(assessment, "request a clarification")
    reviewed_question(session, assessment=assessment, question_key=question_key)
    body = _message_body(message)
    review = _set_status(session, assessment, question_key, CLARIFICATION_REQUESTED, now, actor)
    _add_message(session, assessment, question_key, body, now, actor)
    return review


def post_message(
    session: Session,
    *,
    assessment: Assessment,
    question_key: str,
    message: str,
    now: datetime,
    actor: Actor,
) -> ClarificationMessage:
    """A reviewer's message in a question's thread (the vendor sees it)."""
    if assessment.status not in (SUBMITTED, CLARIFICATION):
        raise ReviewError(_wrong_status(assessment, "post a message"))
    reviewed_question(session, assessment=assessment, question_key=question_key)
    return _add_message(session, assessment, question_key, _message_body(message), now, actor)


def reply_to_clarification(
    session: Session,
    *,
    assessment: Assessment,
    question_key: str,
    message: str,
    now: datetime,
    actor: Actor,
) -> ClarificationMessage:
    """A vendor contact's reply, only on a question with a clarification requested."""
    if assessment.status != CLARIFICATION:
        raise ReviewError("Replies are possible only while clarifications are open.")
    if question_key not in open_clarifications(session, assessment_id=assessment.id):
        raise ReviewError(f"No clarification is requested on question {question_key}.")
    return _add_message(session, assessment, question_key, _message_body(message), now, actor)


def check_reviewable(assessment: Assessment, action: str) -> None:
    """Refuse a review action unless the assessment is submitted (not with the vendor)."""
    if assessment.status != SUBMITTED:
        raise ReviewError(_wrong_status(assessment, action))


def reviewed_question(session: Session, *, assessment: Assessment, question_key: str) -> Question:
    """The question, if the pinned version has it and it is asked in this assessment's scope."""
    question = definition_for(session, assessment.questionnaire_version_id).by_key.get(question_key)
    if question is None:
        raise ReviewError(f"This questionnaire has no question {question_key!r}.")
    if assessment.score is not None:
        columns = assessment.score["questions"]
        states = dict(zip(columns["key"], columns["state"], strict=True))
        if states.get(question_key) == OUT_OF_SCOPE:
            raise ReviewError(f"Question {question_key} is not asked in this assessment's scope.")
    return question


def question_reviews(session: Session, *, assessment_id: int) -> dict[str, QuestionReview]:
    """The review status of each reviewed question, by key."""
    rows = session.exec(select(QuestionReview).where(QuestionReview.assessment_id == assessment_id))
    return {row.question_key: row for row in rows}


def open_clarifications(session: Session, *, assessment_id: int) -> list[str]:
    """The questions with a clarification requested, in key order."""
    rows = session.exec(
        select(QuestionReview.question_key)
        .where(
            QuestionReview.assessment_id == assessment_id,
            QuestionReview.status == CLARIFICATION_REQUESTED,
        )
        .order_by(QuestionReview.question_key)
    )
    return list(rows.all())


def message_threads(
    session: Session, *, assessment_id: int
) -> dict[str, list[ClarificationMessage]]:
    """Every question's thread, oldest message first."""
    threads: dict[str, list[ClarificationMessage]] = defaultdict(list)
    rows = session.exec(
        select(ClarificationMessage)
        .where(ClarificationMessage.assessment_id == assessment_id)
        .order_by(ClarificationMessage.created_at, ClarificationMessage.id)
    )
    for row in rows:
        threads[row.question_key].append(row)
    return dict(threads)


def changed_since_request(session: Session, *, assessment_id: int) -> set[str]:
    """Questions with a clarification requested whose answer changed after the request."""
    latest = (
        select(AnswerRevision.question_key, func.max(AnswerRevision.created_at).label("at"))
        .where(AnswerRevision.assessment_id == assessment_id)
        .group_by(AnswerRevision.question_key)
        .subquery()
    )
    rows = session.exec(
        select(QuestionReview.question_key, QuestionReview.updated_at, latest.c.at)
        .join(latest, latest.c.question_key == QuestionReview.question_key)
        .where(
            QuestionReview.assessment_id == assessment_id,
            QuestionReview.status == CLARIFICATION_REQUESTED,
        )
    )
    # SQLite hands back naive datetimes from an aggregate; both sides are UTC.
    return {key for key, requested, at in rows if _naive(at) > _naive(requested)}


def stored_score(assessment: Assessment) -> ScoreResult | None:
    """The assessment's stored score, or None when it was never scored."""
    return ScoreResult.from_json(assessment.score) if assessment.score is not None else None


def _naive(value: datetime) -> datetime:
    return value.replace(tzinfo=None)


def _set_status(
    session: Session,
    assessment: Assessment,
    question_key: str,
    status: str,
    now: datetime,
    actor: Actor,
) -> QuestionReview:
    review = session.get(QuestionReview, (assessment.id, question_key))
    before = review.status if review is not None else None
    if review is None:
        review = QuestionReview(assessment_id=assessment.id, question_key=question_key)
    review.status, review.updated_at, review.updated_by_id = status, now, actor.id
    session.add(review)
    session.flush()
    audit_assessment(
        session,
        actor,
        "question.reviewed",
        assessment,
        now,
        {"question": question_key, "status": [before, status]},
    )
    return review


def _add_message(
    session: Session,
    assessment: Assessment,
    question_key: str,
    body: str,
    now: datetime,
    actor: Actor,
) -> ClarificationMessage:
    message = ClarificationMessage(
        assessment_id=assessment.id,
        question_key=question_key,
        author_type=actor.type,
        author_id=actor.id,
        author_label=actor.label,
        body=body,
        created_at=now,
    )
    session.add(message)
    session.flush()
    audit_assessment(
        session,
        actor,
        "clarification.message",
        assessment,
        now,
        {"question": question_key, "message": body},
    )
    return message


def _message_body(message: str) -> str:
    body = (message or "").strip()
    if not body:
        raise ReviewError("Write a message: it is what the vendor reads.")
    if len(body) > MESSAGE_LIMIT:
        raise ReviewError(f"A message can hold at most {MESSAGE_LIMIT} characters.")
    return body


def _wrong_status(assessment: Assessment, action: str) -> str:
    status = STATUS_LABELS.get(assessment.status, assessment.status).lower()
    return f"This assessment is {status}; you cannot {action} now."


def audit_assessment(
    session: Session,
    actor: Actor,
    action: str,
    assessment: Assessment,
    now: datetime,
    changes: dict,
) -> None:
    """Record a review event on the assessment."""
    record_event(
        session,
        actor=actor,
        action=action,
        object_type="assessment",
        object_id=assessment.id,
        object_label=f"Assessment {assessment.id}",
        vendor_id=assessment.vendor_id,
        now=now,
        changes=changes,
    )
