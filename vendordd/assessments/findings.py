"""Findings: weaknesses raised from a question, with the remediation asked of the vendor.

A finding is raised while the assessment is under review and is followed up after the decision
(its status moves on as the vendor commits to and completes the remediation).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, select

from vendordd.assessments.models import Assessment, Finding
from vendordd.assessments.review import ReviewError, reviewed_question
from vendordd.assessments.workflow import CANCELLED, CLARIFICATION, STATUS_LABELS, SUBMITTED
from vendordd.audit.services import Actor, diff, record_event
from vendordd.auth.models import Role, User

SEVERITIES = {"low": "Low", "medium": "Medium", "high": "High", "critical": "Critical"}
OPEN, COMMITTED, RESOLVED, ACCEPTED = "open", "vendor_committed", "resolved", "accepted"
FINDING_STATUSES = {
    OPEN: "Open",
    COMMITTED: "Vendor committed",
    RESOLVED: "Resolved",
    ACCEPTED: "Accepted",
}
# Still to be remediated: what approval with conditions rests on.
UNRESOLVED = (OPEN, COMMITTED)
REVIEWER_ROLES = (Role.RISK.value, Role.ADMIN.value)


def raise_finding(
    session: Session,
    *,
    assessment: Assessment,
    question_key: str,
    severity: str,
    description: str,
    remediation: str,
    owner_id: int | None,
    due_on: date | None,
    now: datetime,
    actor: Actor,
) -> Finding:
    """Raise a finding on one question of an assessment under review."""
    if assessment.status not in (SUBMITTED, CLARIFICATION):
        status = STATUS_LABELS.get(assessment.status, assessment.status).lower()
        raise ReviewError(f"This assessment is {status}; findings are raised during review.")
    reviewed_question(session, assessment=assessment, question_key=question_key)
    _check(session, severity=severity, owner_id=owner_id, due_on=due_on, today=now.date())
    if not (description or "").strip():
        raise ReviewError("Describe the finding.")
    finding = Finding(
        assessment_id=assessment.id,
        vendor_id=assessment.vendor_id,
        question_key=question_key,
        severity=severity,
        description=description.strip(),
        remediation=(remediation or "").strip(),
        owner_id=owner_id,
        due_on=due_on,
        status=OPEN,
        created_at=now,
        created_by_id=actor.id,
        updated_at=now,
    )
    session.add(finding)
    session.flush()
    _audit(session, actor, "finding.raised", finding, now, diff({}, _state(finding)))
    return finding


def update_finding(
    session: Session,
    *,
    finding: Finding,
    status: str,
    owner_id: int | None,
    due_on: date | None,
    now: datetime,
    actor: Actor,
) -> dict:
    """Move a finding on (status, owner, due date); returns what changed."""
    assessment = session.get(Assessment, finding.assessment_id)
    if assessment.status == CANCELLED:
        raise ReviewError("The assessment was cancelled; its findings are closed.")
    if status not in FINDING_STATUSES:
        raise ReviewError(f"Choose a status: {', '.join(FINDING_STATUSES.values())}.")
    today = now.date() if due_on != finding.due_on else None
    _check(session, severity=finding.severity, owner_id=owner_id, due_on=due_on, today=today)
    before = _state(finding)
    finding.status, finding.owner_id, finding.due_on = status, owner_id, due_on
    changes = diff(before, _state(finding))
    if changes:
        finding.updated_at = now
        session.add(finding)
        session.flush()
        _audit(session, actor, "finding.updated", finding, now, changes)
    return changes


def assessment_findings(session: Session, *, assessment_id: int) -> list[Finding]:
    """The assessment's findings, oldest first."""
    return list(
        session.exec(
            select(Finding).where(Finding.assessment_id == assessment_id).order_by(Finding.id)
        )
    )


def reviewers(session: Session) -> list[User]:
    """Active risk and admin users: who may own a finding or approve a risk acceptance."""
    return list(
        session.exec(
            select(User)
            .where(User.role.in_(REVIEWER_ROLES), User.is_active.is_(True))
            .order_by(User.name)
        )
    )


def _check(
    session: Session,
    *,
    severity: str,
    owner_id: int | None,
    due_on: date | None,
    today: date | None,
) -> None:
    """Refuse an unknown severity, an owner who cannot own findings, a due date already past
    (`today` None: the due date did not change, so it is not checked again)."""
    if severity not in SEVERITIES:
        raise ReviewError(f"Choose a severity: {', '.join(SEVERITIES.values())}.")
    if owner_id is not None:
        owner = session.get(User, owner_id)
        if owner is None or owner.role not in REVIEWER_ROLES or not owner.is_active:
            raise ReviewError("The owner must be an active risk or admin user.")
    if due_on is not None and today is not None and due_on < today:
        raise ReviewError(f"The due date {due_on.isoformat()} is in the past.")


def _state(finding: Finding) -> dict:
    return {
        "question": finding.question_key,
        "severity": finding.severity,
        "description": finding.description,
        "remediation": finding.remediation,
        "owner_id": finding.owner_id,
        "due_on": finding.due_on,
        "status": finding.status,
    }


def _audit(
    session: Session, actor: Actor, action: str, finding: Finding, now: datetime, changes: dict
) -> None:
    record_event(
        session,
        actor=actor,
        action=action,
        object_type="finding",
        object_id=finding.id,
        object_label=f"Finding {finding.id} on {finding.question_key}",
        vendor_id=finding.vendor_id,
        now=now,
        changes={"assessment_id": finding.assessment_id, **changes},
    )
