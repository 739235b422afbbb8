"""Issuing assessments to vendors: invitations, reminders, adding contacts, cancelling.

A vendor has at most one open assessment (workflow.OPEN). Issuing another one is refused
with OpenAssessmentExists unless the caller confirms superseding the open one, which is then
cancelled and its links and portal sessions revoked — all in the issuing transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlmodel import Session, select

from vendordd.assessments import workflow
from vendordd.assessments.models import Assessment, AssessmentContact
from vendordd.assessments.services import AssessmentError, start_assessment
from vendordd.audit.services import USER, Actor, record_event
from vendordd.auth.magic_links import revoke_links, revoke_portal_sessions
from vendordd.auth.models import MagicLink
from vendordd.portal.mail import INVITATION, REMINDER, send_link
from vendordd.questionnaires.models import QuestionnaireVersion
from vendordd.vendors.models import Contact, Vendor

ISSUED_ACTION = "assessment.issued"
SUPERSEDED_ACTION = "assessment.superseded"
CANCELLED_ACTION = "assessment.cancelled"
REMINDED_ACTION = "assessment.reminded"
CONTACTS_ADDED_ACTION = "assessment.contacts_added"
MAX_REASON = 2000


class IssueError(AssessmentError):
    """A refused issue, reminder or cancellation; `field` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class OpenAssessmentExists(IssueError):
    """The vendor already has an open assessment: issuing another must supersede it."""

    def __init__(self, vendor: Vendor, assessment: Assessment, *, today: date) -> None:
        super().__init__(
            f"{vendor.display_name} has an open assessment "
            f"({open_summary(assessment, today=today)}). Issuing a new one supersedes it: the "
            "open one is cancelled and its links stop working. Confirm below to supersede it.",
            field="supersede",
        )
        self.assessment = assessment


def open_summary(assessment: Assessment, *, today: date) -> str:
    """'sent 3 Nov 2026, in progress': when an open assessment went out and where it stands."""
    status = workflow.pipeline_status(assessment, today=today)
    state = "not started yet" if status == workflow.SENT else workflow.STATUS_LABELS[status]
    if assessment.issued_at is None:
        return state.lower()
    return f"sent {_day(assessment.issued_at)}, {state.lower()}"


def open_assessment(session: Session, *, vendor_id: int) -> Assessment | None:
    """The vendor's open assessment (not decided or cancelled), if it has one."""
    return session.exec(
        select(Assessment)
        .where(Assessment.vendor_id == vendor_id, Assessment.status.in_(workflow.OPEN))
        .order_by(Assessment.id.desc())
    ).first()


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


def latest_links(session: Session, *, assessment_id: int) -> dict[int, MagicLink]:
    """Each invited contact's newest link to the assessment (sent, used, revoked), by contact."""
    links = session.exec(
        select(MagicLink).where(MagicLink.assessment_id == assessment_id).order_by(MagicLink.id)
    )
    return {link.contact_id: link for link in links}


def issue_assessment(
    session: Session,
    *,
    vendor: Vendor,
    version: QuestionnaireVersion | None,
    due_on: date | None,
    contact_ids: Iterable[int],
    now: datetime,
    actor: Actor,
    base_url: str,
    link_days: int,
    supersede: bool = False,
) -> Assessment:
    """Send the vendor a questionnaire pinned to a version, in its scope, inviting contacts."""
    if version is None or version.id is None:
        raise IssueError("Choose a published questionnaire version.", "version_id")
    _check_due(due_on, now)
    contacts = _vendor_contacts(session, vendor=vendor, contact_ids=contact_ids)
    # Lock the vendor row (PostgreSQL) so two people issuing at once cannot both find none open.
    session.exec(select(Vendor.id).where(Vendor.id == vendor.id).with_for_update()).one()
    superseded = open_assessment(session, vendor_id=vendor.id)
    if superseded is not None and not supersede:
        raise OpenAssessmentExists(vendor, superseded, today=now.date())
    assessment = start_assessment(session, vendor=vendor, version=version, now=now, actor=actor)
    if superseded is not None:
        _close(session, superseded, vendor=vendor, now=now)
        superseded.superseded_by_id = assessment.id
        _audit(
            session,
            superseded,
            vendor,
            SUPERSEDED_ACTION,
            actor,
            now,
            changes={
                "status": [superseded.status, workflow.CANCELLED],
                "superseded_by": [None, assessment.id],
            },
        )
    workflow.check_transition(assessment, workflow.SENT)
    assessment.status, assessment.due_on, assessment.issued_at = workflow.SENT, due_on, now
    assessment.issued_by_id = actor.id if actor.type == USER else None
    session.add(assessment)
    session.flush()
    _invite(
        session,
        assessment,
        vendor,
        contacts,
        now=now,
        actor=actor,
        base_url=base_url,
        link_days=link_days,
    )
    _audit(
        session,
        assessment,
        vendor,
        ISSUED_ACTION,
        actor,
        now,
        changes={
            "status": [workflow.DRAFT, workflow.SENT],
            "due_on": [None, due_on],
            "contacts": [c.email for c in contacts],
            "supersedes": superseded.id if superseded else None,
        },
    )
    return assessment


def add_contacts(
    session: Session,
    *,
    assessment: Assessment,
    contact_ids: Iterable[int],
    now: datetime,
    actor: Actor,
    base_url: str,
    link_days: int,
) -> list[Contact]:
    """Invite more of the vendor's contacts to an assessment that is with the vendor."""
    vendor = session.get(Vendor, assessment.vendor_id)
    _check_with_vendor(assessment, "invite contacts to")
    contacts = _vendor_contacts(session, vendor=vendor, contact_ids=contact_ids)
    already = {contact.id for contact in invited_contacts(session, assessment_id=assessment.id)}
    repeated = [contact.name for contact in contacts if contact.id in already]
    if repeated:
        raise IssueError(
            f"Already invited: {', '.join(repeated)}. Send a reminder to give them a fresh link.",
            "contact_ids",
        )
    _invite(
        session,
        assessment,
        vendor,
        contacts,
        now=now,
        actor=actor,
        base_url=base_url,
        link_days=link_days,
    )
    _audit(
        session,
        assessment,
        vendor,
        CONTACTS_ADDED_ACTION,
        actor,
        now,
        changes={"contacts": [c.email for c in contacts]},
    )
    return contacts


def send_reminders(
    session: Session,
    *,
    assessment: Assessment,
    now: datetime,
    actor: Actor,
    base_url: str,
    link_days: int,
) -> list[Contact]:
    """Email every invited contact a reminder with a fresh link (their older links stop working)."""
    _check_with_vendor(assessment, "send reminders for")
    vendor = session.get(Vendor, assessment.vendor_id)
    contacts = invited_contacts(session, assessment_id=assessment.id)
    if not contacts:
        raise IssueError("Nobody is invited to this assessment: invite a contact first.")
    for contact in contacts:
        send_link(
            session,
            reason=REMINDER,
            contact=contact,
            vendor=vendor,
            assessment=assessment,
            base_url=base_url,
            days=link_days,
            now=now,
        )
    _audit(
        session,
        assessment,
        vendor,
        REMINDED_ACTION,
        actor,
        now,
        changes={"contacts": [c.email for c in contacts]},
    )
    return contacts


def cancel_assessment(
    session: Session, *, assessment: Assessment, reason: str, now: datetime, actor: Actor
) -> None:
    """Cancel an assessment not yet decided: its links and portal sessions stop working."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise IssueError("Say why the assessment is cancelled.", "reason")
    if len(reason) > MAX_REASON:
        raise IssueError(f"Keep the reason under {MAX_REASON} characters.", "reason")
    try:
        workflow.check_transition(assessment, workflow.CANCELLED)
    except workflow.WorkflowError as exc:
        raise IssueError(str(exc)) from exc
    vendor = session.get(Vendor, assessment.vendor_id)
    before = assessment.status
    _close(session, assessment, vendor=vendor, now=now)
    _audit(
        session,
        assessment,
        vendor,
        CANCELLED_ACTION,
        actor,
        now,
        changes={"status": [before, workflow.CANCELLED], "reason": reason},
    )


def _close(session: Session, assessment: Assessment, *, vendor: Vendor, now: datetime) -> None:
    """Mark cancelled and end every way into it from the portal."""
    assessment.status, assessment.cancelled_at = workflow.CANCELLED, now
    session.add(assessment)
    revoke_links(session, assessment_id=assessment.id, now=now)
    revoke_portal_sessions(session, assessment_id=assessment.id, now=now)
    session.flush()


def _check_due(due_on: date | None, now: datetime) -> None:
    if due_on is None:
        raise IssueError("Enter the date the vendor must submit by.", "due_on")
    if due_on <= now.date():
        raise IssueError(f"The due date must be after today ({_day(now)}).", "due_on")


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def _check_with_vendor(assessment: Assessment, doing: str) -> None:
    if assessment.status not in workflow.WITH_VENDOR:
        status = workflow.STATUS_LABELS[assessment.status].lower()
        raise IssueError(
            f"This assessment is {status}; you can only {doing} an assessment that is with "
            "the vendor."
        )


def _vendor_contacts(session: Session, *, vendor: Vendor, contact_ids: Iterable[int]) -> list:
    wanted = set(contact_ids)
    if not wanted:
        raise IssueError("Choose at least one contact to invite.", "contact_ids")
    found = session.exec(
        select(Contact).where(Contact.id.in_(wanted), Contact.vendor_id == vendor.id)
    ).all()
    if len(found) != len(wanted):
        raise IssueError(
            f"Only {vendor.display_name}'s own contacts can be invited; choose from its list.",
            "contact_ids",
        )
    return sorted(found, key=lambda contact: (contact.name, contact.id))


def _invite(
    session: Session,
    assessment: Assessment,
    vendor: Vendor,
    contacts: list[Contact],
    *,
    now: datetime,
    actor: Actor,
    base_url: str,
    link_days: int,
) -> None:
    for contact in contacts:
        session.add(
            AssessmentContact(
                assessment_id=assessment.id,
                contact_id=contact.id,
                invited_at=now,
                invited_by=actor.label[:200],
            )
        )
        send_link(
            session,
            reason=INVITATION,
            contact=contact,
            vendor=vendor,
            assessment=assessment,
            base_url=base_url,
            days=link_days,
            now=now,
        )
    session.flush()


def _audit(session, assessment, vendor, action, actor, now, *, changes) -> None:
    record_event(
        session,
        actor=actor,
        action=action,
        object_type="assessment",
        object_id=assessment.id,
        object_label=f"Assessment {assessment.id} of {vendor.display_name}",
        vendor_id=vendor.id,
        now=now,
        changes=changes,
    )
