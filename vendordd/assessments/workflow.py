"""An assessment's lifecycle: its statuses, the moves between them, and who may edit answers.

draft --issue--> sent --first save--> in_progress --submit--> submitted
submitted --return with clarifications--> clarification --resubmit--> submitted
submitted --decide--> decided; anything not decided --cancel or supersede--> cancelled

"overdue" is not stored: it is an assessment still with the vendor after its due date.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from vendordd.assessments.models import Assessment, QuestionReview

DRAFT, SENT, IN_PROGRESS, SUBMITTED = "draft", "sent", "in_progress", "submitted"
CLARIFICATION, DECIDED, CANCELLED, OVERDUE = "clarification", "decided", "cancelled", "overdue"
STATUSES = (DRAFT, SENT, IN_PROGRESS, SUBMITTED, CLARIFICATION, DECIDED, CANCELLED)
STATUS_LABELS = {
    DRAFT: "Draft",
    SENT: "Sent",
    IN_PROGRESS: "In progress",
    SUBMITTED: "Submitted",
    CLARIFICATION: "Clarification",
    DECIDED: "Decided",
    CANCELLED: "Cancelled",
    OVERDUE: "Overdue",
}
TRANSITIONS = {
    DRAFT: (SENT, CANCELLED),
    SENT: (IN_PROGRESS, CANCELLED),
    IN_PROGRESS: (SUBMITTED, CANCELLED),
    SUBMITTED: (CLARIFICATION, DECIDED, CANCELLED),
    CLARIFICATION: (SUBMITTED, CANCELLED),
    DECIDED: (),
    CANCELLED: (),
}
# With the vendor: the portal is open, answers can change, the due date can pass.
WITH_VENDOR = frozenset({SENT, IN_PROGRESS, CLARIFICATION})
# Not finished: a vendor has at most one of these at a time.
OPEN = frozenset({DRAFT, SENT, IN_PROGRESS, SUBMITTED, CLARIFICATION})
CLARIFICATION_REQUESTED, ACCEPTED = "clarification", "accepted"


class WorkflowError(ValueError):
    """A move the assessment's status does not allow; the message says why."""


def check_transition(assessment: Assessment, target: str) -> None:
    """Refuse a move its current status does not allow."""
    if target not in TRANSITIONS.get(assessment.status, ()):
        raise WorkflowError(
            f"This assessment is {STATUS_LABELS.get(assessment.status, assessment.status).lower()}"
            f"; it cannot become {STATUS_LABELS[target].lower()}."
        )


def pipeline_status(assessment: Assessment, *, today: date) -> str:
    """The status as the pipeline shows it: with the vendor past the due date is overdue."""
    if assessment.status in WITH_VENDOR and assessment.due_on and assessment.due_on < today:
        return OVERDUE
    return assessment.status


def editable_keys(session: Session, *, assessment: Assessment) -> frozenset[str] | None:
    """The questions the vendor may change now: None for all of them, else exactly those.

    While the assessment is back with the vendor for clarification, only the questions with a
    clarification requested may change; once submitted, decided or cancelled, none may. A draft
    (not yet issued) is open to staff filling it in.
    """
    if assessment.status in (DRAFT, SENT, IN_PROGRESS):
        return None
    if assessment.status != CLARIFICATION:
        return frozenset()
    keys = session.exec(
        select(QuestionReview.question_key).where(
            QuestionReview.assessment_id == assessment.id,
            QuestionReview.status == CLARIFICATION_REQUESTED,
        )
    ).all()
    return frozenset(keys)
