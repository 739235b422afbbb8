"""Who is invited to an assessment, and a contact inviting a colleague from the same domain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from vendordd.assessments.models import Assessment, AssessmentContact
from vendordd.assessments.workflow import WITH_VENDOR
from vendordd.audit.services import Actor, record_event
from vendordd.portal.links import LinkMail
from vendordd.portal.mail import COLLEAGUE, send_link
from vendordd.vendors.models import Contact, Vendor
from vendordd.vendors.services import add_contact

INVITED_ACTION = "assessment.contact_invited"


class InviteError(ValueError):
    """A colleague who cannot be invited; the message says why."""


def invited_contacts(session: Session, *, assessment_id: int) -> list[Contact]:
    """The contacts invited to the assessment, by name."""
    return list(
        session.exec(
            select(Contact)
            .join(AssessmentContact, AssessmentContact.contact_id == Contact.id)
            .where(AssessmentContact.assessment_id == assessment_id)
            .order_by(Contact.name, Contact.id)
        )
    )


def email_domain(email: str) -> str:
    """The part after the @, lower-cased."""
    return email.rpartition("@")[2].strip().lower()


def invite_colleague(
    session: Session,
    *,
    assessment: Assessment,
    vendor: Vendor,
    inviter: Contact,
    name: str,
    email: str,
    role_title: str = "",
    mail: LinkMail,
    now: datetime,
    actor: Actor,
) -> Contact:
    """Invite a colleague on the inviter's email domain: a contact of the vendor (added when
    new), invited to the assessment and sent their own link."""
    if assessment.status not in WITH_VENDOR:
        raise InviteError("This questionnaire is no longer open, so no one can be invited to it.")
    email = email.strip().lower()
    if email_domain(email) != email_domain(inviter.email):
        raise InviteError(
            f"You can only invite colleagues with an address at {email_domain(inviter.email)} "
            f"(the domain of your own address); {email} is at {email_domain(email)}."
        )
    contact = session.exec(
        select(Contact).where(Contact.vendor_id == vendor.id, func.lower(Contact.email) == email)
    ).first()
    if contact is None:
        contact = add_contact(
            session,
            vendor=vendor,
            name=name,
            email=email,
            role_title=role_title,
            actor=actor,
            now=now,
        )
    elif session.get(AssessmentContact, (assessment.id, contact.id)) is not None:
        raise InviteError(
            f"{contact.name} <{contact.email}> is already invited; they can ask for a new link "
            "from the portal's sign-in page if theirs no longer works."
        )
    session.add(
        AssessmentContact(
            assessment_id=assessment.id,
            contact_id=contact.id,
            invited_at=now,
            invited_by=actor.label,
        )
    )
    send_link(
        session,
        reason=COLLEAGUE,
        contact=contact,
        vendor=vendor,
        assessment=assessment,
        base_url=mail.base_url,
        days=mail.days,
        now=now,
        details=f"{inviter.name} <{inviter.email}> invited you.",
    )
    session.flush()
    record_event(
        session,
        actor=actor,
        action=INVITED_ACTION,
        object_type="assessment",
        object_id=assessment.id,
        object_label=f"Assessment {assessment.id}",
        vendor_id=vendor.id,
        now=now,
        changes={
            "invited": [None, f"{contact.name} <{contact.email}>"],
            "invited_by": f"{inviter.name} <{inviter.email}>",
        },
    )
    return contact
