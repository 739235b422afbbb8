"""Assessments: start one pinned to a questionnaire version, store its answers, list them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from vendordd.assessments.models import Answer, Assessment
from vendordd.assessments.scope import vendor_scope
from vendordd.audit.services import Actor, record_event
from vendordd.questionnaires.answers import dump_answer
from vendordd.questionnaires.models import QuestionnaireVersion
from vendordd.vendors.models import Vendor

CREATED_ACTION = "assessment.created"
ANSWERED_ACTION = "assessment.answered"


class AssessmentError(ValueError):
    """An assessment that cannot be started or changed; the message says why."""


def start_assessment(
    session: Session, *, vendor: Vendor, version: QuestionnaireVersion, now: datetime, actor: Actor
) -> Assessment:
    """An open assessment of the vendor, pinned to the version, in the vendor's scope today."""
    scope = vendor_scope(session, vendor_id=vendor.id)
    if scope is None:
        raise AssessmentError(
            f"{vendor.display_name} has no services yet: add a service (its intake decides the "
            "tier and so which questions are asked) before starting an assessment."
        )
    assessment = Assessment(
        vendor_id=vendor.id,
        questionnaire_version_id=version.id,
        tier=scope.tier,
        regimes=list(scope.regimes),
        data_class=scope.data_class,
        use_case=scope.use_case,
        is_critical=scope.is_critical,
        created_at=now,
    )
    session.add(assessment)
    session.flush()
    record_event(
        session,
        actor=actor,
        action=CREATED_ACTION,
        object_type="assessment",
        object_id=assessment.id,
        object_label=f"{vendor.display_name}: {version.key} {version.version}",
        vendor_id=vendor.id,
        now=now,
        changes={
            "questionnaire": [None, f"{version.key} {version.version}"],
            "tier": [None, scope.tier],
            "regimes": [None, list(scope.regimes)],
            "data_class": [None, scope.data_class],
            "use_case": [None, scope.use_case],
            "is_critical": [None, scope.is_critical],
        },
    )
    return assessment


def save_answers(
    session: Session,
    *,
    assessment: Assessment,
    answers: Mapping[str, Any],
    now: datetime,
    actor: Actor,
) -> list[str]:
    """Store checked answers (new or changed ones only); returns the keys that changed.

    A changed answer keeps its row and counts a new revision; the audit event holds the old and
    new value of every changed key, so no earlier answer is ever lost.
    """
    if assessment.status != "open":
        raise AssessmentError(f"The assessment is {assessment.status}; its answers are final.")
    stored = {
        row.question_key: row
        for row in session.exec(select(Answer).where(Answer.assessment_id == assessment.id))
    }
    changes: dict[str, list[Any]] = {}
    for key, value in answers.items():
        dumped = dump_answer(value)
        row = stored.get(key)
        if row is None:
            session.add(
                Answer(assessment_id=assessment.id, question_key=key, value=dumped, updated_at=now)
            )
            changes[key] = [None, dumped]
        elif row.value != dumped:
            changes[key] = [row.value, dumped]
            row.value, row.revision, row.updated_at = dumped, row.revision + 1, now
            session.add(row)
    if changes:
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


def stored_answers(session: Session, *, assessment_id: int) -> dict[str, Any]:
    """The assessment's answers as stored (plain JSON values), by question key."""
    rows = session.exec(
        select(Answer.question_key, Answer.value).where(Answer.assessment_id == assessment_id)
    )
    return dict(rows.all())


def vendor_assessments(session: Session, *, vendor_id: int) -> list[tuple[Assessment, str]]:
    """The vendor's assessments, newest first, each with its questionnaire's "key version"."""
    rows = session.exec(
        select(Assessment, QuestionnaireVersion.key, QuestionnaireVersion.version)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Assessment.questionnaire_version_id)
        .where(Assessment.vendor_id == vendor_id)
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())
    )
    return [(assessment, f"{key} {version}") for assessment, key, version in rows]
