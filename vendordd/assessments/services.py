"""Assessments: start one pinned to a questionnaire version, read its answers, list them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from vendordd.assessments.models import Answer, Assessment
from vendordd.assessments.scope import vendor_scope
from vendordd.audit.services import Actor, record_event
from vendordd.questionnaires.models import QuestionnaireVersion
from vendordd.vendors.models import Vendor

CREATED_ACTION = "assessment.created"


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
