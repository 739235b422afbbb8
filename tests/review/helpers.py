"""A submitted assessment to review, built with the services, and the people who review it."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from tests.conftest import NOW, SYSTEM
from tests.vendors.test_services import make_service, make_vendor
from vendordd.assessments.answering import save_answers
from vendordd.assessments.models import Assessment, AssessmentContact
from vendordd.assessments.scoring import score_assessment
from vendordd.assessments.services import start_assessment
from vendordd.assessments.workflow import SUBMITTED
from vendordd.questionnaires.answers import parse_answers
from vendordd.questionnaires.services import definition_of, find_version
from vendordd.settings.services import set_data_location_policy
from vendordd.vendors.models import Contact
from vendordd.vendors.services import add_contact

SUBMITTED_AT = NOW - timedelta(days=5)
ANSWERS = {"EG-01": "yes", "EG-02": "third_party", "DR-01": "HK", "DR-02": 90}


def submitted_assessment(
    db,
    *,
    name: str = "Acme AI Ltd",
    tier: int = 2,
    knockout: bool = True,
    contacts: tuple[str, ...] = ("mei@acme.example", "raj@acme.example"),
    answers: dict | None = None,
) -> Assessment:
    """Start, answer, score and submit an assessment (mini 1.0.0 must be published).

    With `knockout`, the data-location policy leaves out HK, so DR-01 (HK) knocks out at T1/T2.
    """
    vendor = make_vendor(db, name)
    make_service(db, vendor, tier=tier)
    row = find_version(db, key="mini", version="1.0.0")
    assessment = start_assessment(db, vendor=vendor, version=row, now=NOW, actor=SYSTEM)
    if knockout:
        policy = {assessment.data_class: ["SG"]}
        set_data_location_policy(db, policy=policy, actor=SYSTEM, now=NOW)
    checked, errors = parse_answers(definition_of(row), answers or ANSWERS)
    assert not errors, errors
    save_answers(db, assessment=assessment, answers=checked, now=NOW, actor=SYSTEM)
    score_assessment(db, assessment=assessment, now=NOW, actor=SYSTEM)
    for email in contacts:
        contact = add_contact(
            db,
            vendor=vendor,
            name=email.split("@")[0].capitalize(),
            email=email,
            role_title="",
            actor=SYSTEM,
            now=NOW,
        )
        db.add(
            AssessmentContact(
                assessment_id=assessment.id, contact_id=contact.id, invited_at=NOW, invited_by="t"
            )
        )
    assessment.status, assessment.submitted_at = SUBMITTED, SUBMITTED_AT
    assessment.submission_round = 1
    db.add(assessment)
    db.commit()
    return assessment


def contacts_of(db, assessment: Assessment) -> list[Contact]:
    return list(
        db.exec(
            select(Contact).where(Contact.vendor_id == assessment.vendor_id).order_by(Contact.id)
        )
    )
