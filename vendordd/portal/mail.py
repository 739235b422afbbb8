"""The emails that carry a magic link: one wording per reason, one way to send them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session

from vendordd.alerts.models import OutboxMessage
from vendordd.alerts.outbox import queue_email
from vendordd.assessments.models import Assessment
from vendordd.auth.magic_links import issue_link
from vendordd.vendors.models import Contact, Vendor

INVITATION, REMINDER, NEW_LINK, COLLEAGUE, CLARIFICATION = (
    "invitation",
    "reminder",
    "new_link",
    "colleague",
    "clarification",
)
SUBJECTS = {
    INVITATION: "Due diligence questionnaire for {vendor}",
    REMINDER: "Reminder: due diligence questionnaire for {vendor}",
    NEW_LINK: "Your new link to the {vendor} questionnaire",
    COLLEAGUE: "A colleague asked you to help with the {vendor} questionnaire",
    CLARIFICATION: "Clarifications requested on the {vendor} questionnaire",
}
OPENINGS = {
    INVITATION: "You are invited to complete our due diligence questionnaire on the GenAI "
    "services {vendor} provides to us.",
    REMINDER: "This is a reminder that our due diligence questionnaire for {vendor} is still open.",
    NEW_LINK: "Here is the new link you asked for to the {vendor} questionnaire.",
    COLLEAGUE: "A colleague at {vendor} has asked you to help complete our due diligence "
    "questionnaire.",
    CLARIFICATION: "Thank you for submitting the {vendor} questionnaire. Our reviewers have "
    "asked for clarification on some answers; only those answers can be changed now.",
}


def send_link(
    session: Session,
    *,
    reason: str,
    contact: Contact,
    vendor: Vendor,
    assessment: Assessment,
    base_url: str,
    days: int,
    now: datetime,
    details: str = "",
) -> OutboxMessage:
    """Issue a fresh magic link for the contact (older links stop working) and email it."""
    token = issue_link(
        session, contact_id=contact.id, assessment_id=assessment.id, now=now, days=days
    )
    body = _body(
        reason=reason,
        contact=contact,
        vendor=vendor,
        due_on=assessment.due_on,
        link=f"{base_url}/portal/enter/{token}",
        expires=(now + timedelta(days=days)).date(),
        details=details,
    )
    return queue_email(
        session,
        to=contact.email,
        subject=SUBJECTS[reason].format(vendor=vendor.display_name),
        body=body,
        now=now,
        object_type="assessment",
        object_id=assessment.id,
    )


def _body(
    *,
    reason: str,
    contact: Contact,
    vendor: Vendor,
    due_on: date | None,
    link: str,
    expires: date,
    details: str,
) -> str:
    lines = [f"Dear {contact.name},", "", OPENINGS[reason].format(vendor=vendor.display_name)]
    if details:
        lines += ["", details]
    if due_on is not None:
        lines += ["", f"Please submit it by {due_on:%d %B %Y}."]
    lines += [
        "",
        "Open the questionnaire with this personal link (do not forward it; each person "
        "invited gets their own):",
        link,
        "",
        f"The link can be used once and works until {expires:%d %B %Y}. Any earlier link you "
        "were sent no longer works. If it has expired, the page it opens lets you ask for a "
        "fresh one.",
        "",
        "Your answers are saved as you go, so you can stop and come back at any time.",
    ]
    return "\n".join(lines)
