"""Risk acceptance of knockouts (four eyes) and the decision that closes a review.

A knockout blocks approval whatever the score. Approval then needs a risk acceptance recorded
by one risk or admin user and approved by another, unexpired on the day of the decision and
covering every knockout the assessment has now (a resubmission can bring new ones).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, select

from vendordd.assessments.cadence import next_reassessment
from vendordd.assessments.findings import REVIEWER_ROLES, UNRESOLVED
from vendordd.assessments.models import Assessment, Decision, Finding, RiskAcceptance
from vendordd.assessments.review import (
    ReviewError,
    audit_assessment,
    check_reviewable,
    stored_score,
)
from vendordd.assessments.workflow import DECIDED, SUBMITTED, check_transition
from vendordd.audit.services import Actor
from vendordd.auth.models import User
from vendordd.vendors.models import Vendor

APPROVED, WITH_CONDITIONS, REJECTED = "approved", "approved_with_conditions", "rejected"
OUTCOMES = {
    APPROVED: "Approve",
    WITH_CONDITIONS: "Approve with conditions",
    REJECTED: "Reject",
}
OUTCOME_LABELS = {
    APPROVED: "Approved",
    WITH_CONDITIONS: "Approved with conditions",
    REJECTED: "Rejected",
}
TEXT_LIMIT = 4000


def record_acceptance(
    session: Session,
    *,
    assessment: Assessment,
    justification: str,
    compensating_controls: str,
    expires_on: date | None,
    now: datetime,
    actor: Actor,
) -> RiskAcceptance:
    """Record the acceptance of the assessment's knockouts, to be approved by someone else."""
    check_reviewable(assessment, "record a risk acceptance")
    result = stored_score(assessment)
    if result is None or not result.knockouts:
        raise ReviewError("This assessment has no knockout to accept.")
    current = pending_acceptance(session, assessment_id=assessment.id, today=now.date())
    if current is not None and not _uncovered(current, result.knockouts):
        raise ReviewError("A risk acceptance of these knockouts is already recorded.")
    justification, controls = (
        _text(justification, "justification"),
        _text(compensating_controls, "compensating controls"),
    )
    if expires_on is None or expires_on <= now.date():
        raise ReviewError("The acceptance needs an expiry date in the future.")
    if current is not None:
        current.withdrawn_at = now  # superseded: it no longer covers every knockout
        session.add(current)
    acceptance = RiskAcceptance(
        assessment_id=assessment.id,
        justification=justification,
        compensating_controls=controls,
        expires_on=expires_on,
        knockouts=[list(hit) for hit in result.knockouts],
        requested_by_id=actor.id,
        requested_at=now,
    )
    session.add(acceptance)
    session.flush()
    audit_assessment(
        session,
        actor,
        "risk_acceptance.recorded",
        assessment,
        now,
        {
            "risk_acceptance_id": acceptance.id,
            "withdrawn_id": current.id if current is not None else None,
            "knockouts": acceptance.knockouts,
            "expires_on": expires_on.isoformat(),
        },
    )
    return acceptance


def approve_acceptance(
    session: Session, *, acceptance: RiskAcceptance, now: datetime, actor: Actor
) -> RiskAcceptance:
    """Approve a recorded acceptance: a second risk or admin user (four eyes)."""
    assessment = session.get(Assessment, acceptance.assessment_id)
    check_reviewable(assessment, "approve a risk acceptance")
    if acceptance.approved_at is not None or acceptance.withdrawn_at is not None:
        raise ReviewError("This risk acceptance is not awaiting approval.")
    if actor.id == acceptance.requested_by_id:
        raise ReviewError(
            "Four eyes: a risk acceptance must be approved by a risk or admin user other "
            "than the one who recorded it."
        )
    approver = session.get(User, actor.id) if actor.id is not None else None
    if approver is None or approver.role not in REVIEWER_ROLES:
        raise ReviewError("Only a risk or admin user can approve a risk acceptance.")
    if acceptance.expires_on <= now.date():
        raise ReviewError("This risk acceptance has expired; record a new one.")
    acceptance.approved_by_id, acceptance.approved_at = actor.id, now
    session.add(acceptance)
    session.flush()
    audit_assessment(
        session,
        actor,
        "risk_acceptance.approved",
        assessment,
        now,
        {"risk_acceptance_id": acceptance.id, "recorded_by_id": acceptance.requested_by_id},
    )
    return acceptance


def decide(
    session: Session,
    *,
    assessment: Assessment,
    outcome: str,
    rationale: str,
    now: datetime,
    actor: Actor,
) -> Decision:
    """Close the review: approve, approve with conditions or reject, and set the next review."""
    check_transition(assessment, DECIDED)
    if outcome not in OUTCOMES:
        raise ReviewError(f"Choose a decision: {', '.join(OUTCOMES.values())}.")
    rationale = _text(rationale, "rationale")
    result = stored_score(assessment)
    if result is None:
        raise ReviewError("This assessment has not been scored; score it before deciding.")
    acceptance = None
    if outcome != REJECTED and result.knockouts:
        acceptance = _covering_acceptance(session, assessment, result.knockouts, now.date())
    if outcome == WITH_CONDITIONS and not _has_conditions(session, assessment.id):
        raise ReviewError(
            "Approval with conditions needs at least one open finding with a due date: "
            "raise one (or set a due date) first."
        )
    vendor = session.get(Vendor, assessment.vendor_id)
    tier = f"T{vendor.tier}" if vendor.tier else assessment.tier
    next_on = next_reassessment(tier=tier, decided_on=now.date())
    decision = Decision(
        assessment_id=assessment.id,
        vendor_id=vendor.id,
        outcome=outcome,
        rationale=rationale,
        score_snapshot=assessment.score,
        score_percent=assessment.score_percent,
        residual_rating=result.residual_rating,
        risk_acceptance_id=acceptance.id if acceptance else None,
        next_reassessment_on=next_on,
        decided_by_id=actor.id,
        decided_at=now,
    )
    before_next = vendor.next_reassessment_on
    vendor.next_reassessment_on = next_on
    assessment.status, assessment.decided_at = DECIDED, now
    session.add_all([decision, vendor, assessment])
    session.flush()
    audit_assessment(
        session,
        actor,
        "assessment.decided",
        assessment,
        now,
        {
            "status": [SUBMITTED, DECIDED],
            "outcome": outcome,
            "score_percent": assessment.score_percent,
            "residual_rating": result.residual_rating,
            "risk_acceptance_id": decision.risk_acceptance_id,
            "next_reassessment_on": [before_next, next_on],
        },
    )
    return decision


def pending_acceptance(
    session: Session, *, assessment_id: int, today: date
) -> RiskAcceptance | None:
    """The assessment's current acceptance (awaiting approval or approved), if unexpired."""
    return session.exec(
        select(RiskAcceptance)
        .where(
            RiskAcceptance.assessment_id == assessment_id,
            RiskAcceptance.withdrawn_at.is_(None),
            RiskAcceptance.expires_on > today,
        )
        .order_by(RiskAcceptance.id.desc())
    ).first()


def assessment_decision(session: Session, *, assessment_id: int) -> Decision | None:
    """The decision taken on the assessment, if any."""
    return session.exec(select(Decision).where(Decision.assessment_id == assessment_id)).first()


def _covering_acceptance(
    session: Session, assessment: Assessment, knockouts, today: date
) -> RiskAcceptance:
    acceptance = pending_acceptance(session, assessment_id=assessment.id, today=today)
    if acceptance is None or acceptance.approved_at is None:
        raise ReviewError(
            f"Blocked by {len(knockouts)} knockout{'s' if len(knockouts) != 1 else ''}: "
            "approval needs a risk acceptance approved by a second risk or admin user and "
            "not expired. Record one, have it approved, or reject."
        )
    uncovered = _uncovered(acceptance, knockouts)
    if uncovered:
        raise ReviewError(
            f"The risk acceptance does not cover the knockouts on {', '.join(uncovered)} "
            "(they appeared after it was recorded): record a new one."
        )
    return acceptance


def _uncovered(acceptance: RiskAcceptance, knockouts) -> list[str]:
    """Knockout questions the acceptance did not accept."""
    accepted = {question for question, _message in acceptance.knockouts}
    return sorted({hit.question for hit in knockouts} - accepted)


def _has_conditions(session: Session, assessment_id: int) -> bool:
    found = session.exec(
        select(Finding.id).where(
            Finding.assessment_id == assessment_id,
            Finding.status.in_(UNRESOLVED),
            Finding.due_on.is_not(None),
        )
    ).first()
    return found is not None


def _text(value: str, name: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ReviewError(f"Write the {name}.")
    if len(text) > TEXT_LIMIT:
        raise ReviewError(f"The {name} can hold at most {TEXT_LIMIT} characters.")
    return text
