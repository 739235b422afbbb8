"""Returning a submitted assessment to the vendor with its open clarifications."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from vendordd.alerts.models import OutboxMessage
from vendordd.assessments.models import Assessment, AssessmentContact
from vendordd.assessments.review import (
    ReviewError,
    audit_assessment,
    message_threads,
    open_clarifications,
)
from vendordd.assessments.workflow import CLARIFICATION, SUBMITTED, check_transition
from vendordd.audit.services import Actor
from vendordd.portal.mail import CLARIFICATION as CLARIFICATION_MAIL
from vendordd.portal.mail import send_link
from vendordd.questionnaires.services import definition_for
from vendordd.vendors.models import Contact, Vendor


def return_to_vendor(
    session: Session,
    *,
    assessment: Assessment,
    base_url: str,
    days: int,
    now: datetime,
    actor: Actor,
) -> list[OutboxMessage]:
    """Send the assessment back for clarification and email every invited contact a new link."""
    check_transition(assessment, CLARIFICATION)
    keys = open_clarifications(session, assessment_id=assessment.id)
    if not keys:
        raise ReviewError(
            "Request a clarification on at least one question before returning the assessment."
        )
    contacts = session.exec(
        select(Contact)
        .join(AssessmentContact, AssessmentContact.contact_id == Contact.id)
        .where(AssessmentContact.assessment_id == assessment.id)
        .order_by(Contact.id)
    ).all()
    if not contacts:
        raise ReviewError(
            "No vendor contact is invited to this assessment, so nobody would be told: "
            "invite a contact first."
        )
    details = clarification_list(session, assessment=assessment, keys=keys)
    vendor = session.get(Vendor, assessment.vendor_id)
    assessment.status = CLARIFICATION
    session.add(assessment)
    messages = [
        send_link(
            session,
            reason=CLARIFICATION_MAIL,
            contact=contact,
            vendor=vendor,
            assessment=assessment,
            base_url=base_url,
            days=days,
            now=now,
            details=details,
        )
        for contact in contacts
    ]
    session.flush()
    audit_assessment(
        session,
        actor,
        "assessment.returned",
        assessment,
        now,
        {
            "status": [SUBMITTED, CLARIFICATION],
            "clarifications": keys,
            "emailed": [contact.email for contact in contacts],
        },
    )
    return messages


def clarification_list(session: Session, *, assessment: Assessment, keys: list[str]) -> str:
    """The email's list of open clarifications: question, its text, the latest request."""
    definition = definition_for(session, assessment.questionnaire_version_id)
    threads = message_threads(session, assessment_id=assessment.id)
    lines = ["Clarifications requested:"]
    for key in keys:
        asked = [m.body for m in threads.get(key, []) if m.author_type != "contact"]
        lines.append(f"- {key} {definition.by_key[key].text}")
        if asked:
            lines.append(f"  Reviewer: {asked[-1]}")
    return "\n".join(lines)
