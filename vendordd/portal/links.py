"""The portal's way in: using a link, ending a session, and asking for a fresh link.

Asking for a link is rate-limited per address (known or not), and the answer never says
whether the address belongs to anyone: that is decided here, so every view answers alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from vendordd.assessments.models import Assessment, AssessmentContact
from vendordd.assessments.workflow import WITH_VENDOR
from vendordd.audit.services import Actor, record_event
from vendordd.auth.magic_links import exchange_link, token_hash
from vendordd.auth.models import LinkRequest, MagicLink, PortalSession
from vendordd.config import Config
from vendordd.portal.access import actor_of
from vendordd.portal.mail import NEW_LINK, send_link
from vendordd.vendors.models import Contact, Vendor

WINDOW = timedelta(hours=1)
SIGNED_IN_ACTION, SIGNED_OUT_ACTION = "portal.signed_in", "portal.signed_out"
LINK_SENT_ACTION = "portal.link_sent"


class TooManyRequests(Exception):
    """Too many link requests for one address in the window; `retry_after` in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"try again in {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class LinkMail:
    """Where link emails go and how long their links last (from the configuration)."""

    base_url: str
    days: int

    @classmethod
    def from_config(cls, config: Config) -> LinkMail:
        """From the app's settings (vendordd.config.Config)."""
        return cls(base_url=config.base_url, days=config.magic_link_days)


def enter_portal(session: Session, *, token: str, now: datetime, hours: int) -> str:
    """Use a magic link once and audit the sign-in; returns the portal session token or raises
    LinkRefused."""
    portal_token = exchange_link(session, token=token, now=now, hours=hours)
    opened = session.get(PortalSession, token_hash(portal_token))
    contact = session.get(Contact, opened.contact_id)
    assessment = session.get(Assessment, opened.assessment_id)
    record_event(
        session,
        actor=actor_of(contact, session.get(Vendor, contact.vendor_id)),
        action=SIGNED_IN_ACTION,
        object_type="assessment",
        object_id=assessment.id,
        object_label=f"Assessment {assessment.id}",
        vendor_id=assessment.vendor_id,
        now=now,
        changes={"portal_session_expires_at": opened.expires_at.isoformat()},
    )
    return portal_token


def end_portal_session(
    session: Session, *, portal_session: PortalSession, now: datetime, actor: Actor
) -> None:
    """Sign a contact out: the session's cookie stops working."""
    portal_session.revoked_at = now
    session.add(portal_session)
    session.flush()
    record_event(
        session,
        actor=actor,
        action=SIGNED_OUT_ACTION,
        object_type="assessment",
        object_id=portal_session.assessment_id,
        object_label=f"Assessment {portal_session.assessment_id}",
        vendor_id=session.get(Assessment, portal_session.assessment_id).vendor_id,
        now=now,
    )


def count_link_request(session: Session, *, email: str, now: datetime, limit: int) -> None:
    """Count one request for a link to the address, or raise TooManyRequests past the limit."""
    email = email.strip().lower()
    row = session.get(LinkRequest, email)
    if row is None or now - row.window_started_at >= WINDOW:
        row = row or LinkRequest(email=email, window_started_at=now)
        row.requests, row.window_started_at = 0, now
    if row.requests >= limit:
        retry = row.window_started_at + WINDOW - now
        raise TooManyRequests(max(1, int(retry.total_seconds() + 0.999)))
    row.requests += 1
    session.add(row)
    session.flush()


def request_new_links(
    session: Session, *, email: str, now: datetime, limit: int, mail: LinkMail
) -> int:
    """A fresh link for every open assessment the address is invited to (rate-limited per
    address, known or not); returns how many were sent, which the caller must not reveal."""
    count_link_request(session, email=email, now=now, limit=limit)
    rows = session.exec(
        select(Contact, Assessment)
        .join(AssessmentContact, AssessmentContact.contact_id == Contact.id)
        .join(Assessment, Assessment.id == AssessmentContact.assessment_id)
        .where(
            func.lower(Contact.email) == email.strip().lower(),
            Assessment.status.in_(WITH_VENDOR),
        )
        .order_by(Assessment.id)
    ).all()
    for contact, assessment in rows:
        _send_new_link(session, contact=contact, assessment=assessment, now=now, mail=mail)
    return len(rows)


def is_open_to(session: Session, *, link: MagicLink) -> bool:
    """Whether the link's contact may still work on its assessment (a fresh link would help)."""
    assessment = session.get(Assessment, link.assessment_id)
    invited = session.get(AssessmentContact, (link.assessment_id, link.contact_id))
    return assessment.status in WITH_VENDOR and invited is not None


def send_fresh_link(
    session: Session, *, link: MagicLink, now: datetime, limit: int, mail: LinkMail
) -> bool:
    """Email the contact of a refused link a fresh one (rate-limited per address); False when
    the questionnaire is no longer with the vendor."""
    contact = session.get(Contact, link.contact_id)
    count_link_request(session, email=contact.email, now=now, limit=limit)
    if not is_open_to(session, link=link):
        return False
    assessment = session.get(Assessment, link.assessment_id)
    _send_new_link(session, contact=contact, assessment=assessment, now=now, mail=mail)
    return True


def _send_new_link(
    session: Session, *, contact: Contact, assessment: Assessment, now: datetime, mail: LinkMail
) -> None:
    vendor = session.get(Vendor, assessment.vendor_id)
    send_link(
        session,
        reason=NEW_LINK,
        contact=contact,
        vendor=vendor,
        assessment=assessment,
        base_url=mail.base_url,
        days=mail.days,
        now=now,
    )
    record_event(
        session,
        actor=Actor.anonymous("someone asking for a new link"),
        action=LINK_SENT_ACTION,
        object_type="assessment",
        object_id=assessment.id,
        object_label=f"Assessment {assessment.id}",
        vendor_id=vendor.id,
        now=now,
        changes={"sent_to": f"{contact.name} <{contact.email}>", "reason": NEW_LINK},
    )
