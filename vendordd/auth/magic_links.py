"""Vendor magic links and the portal sessions they open.

A link is 256 random bits; only its SHA-256 is stored. It belongs to one contact and one
assessment, expires after a configured number of days, and is exchanged once for a portal
session (a cookie scoped to the portal). A newer link for the same contact and assessment
revokes the older ones; submitting or cancelling the assessment revokes them all.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from vendordd.auth.models import MagicLink, PortalSession

EXPIRED, USED, REVOKED, UNKNOWN = "expired", "used", "revoked", "unknown"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LinkRefused(Exception):
    """A link that cannot open the portal: why, and the link when it is one of ours (so a
    fresh one can be sent to the same contact)."""

    def __init__(self, reason: str, link: MagicLink | None) -> None:
        super().__init__(reason)
        self.reason = reason  # EXPIRED, USED, REVOKED or UNKNOWN
        self.link = link


def issue_link(
    session: Session, *, contact_id: int, assessment_id: int, now: datetime, days: int
) -> str:
    """A new link for the contact and assessment (older ones stop working); returns the token."""
    _revoke(session, now, MagicLink.contact_id == contact_id, assessment_id=assessment_id)
    token = secrets.token_urlsafe(32)
    session.add(
        MagicLink(
            token_hash=token_hash(token),
            contact_id=contact_id,
            assessment_id=assessment_id,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    session.flush()
    return token


def revoke_links(session: Session, *, assessment_id: int, now: datetime) -> None:
    """No link to the assessment works any more (submitted or cancelled)."""
    _revoke(session, now, assessment_id=assessment_id)


def revoke_portal_sessions(session: Session, *, assessment_id: int, now: datetime) -> None:
    """End every portal session on the assessment (cancelled or superseded)."""
    session.execute(
        update(PortalSession)
        .where(PortalSession.assessment_id == assessment_id, PortalSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def check_link(session: Session, *, token: str, now: datetime) -> MagicLink:
    """The link behind a token if it would open the portal now (it is not used up), or raises
    LinkRefused."""
    link = session.exec(select(MagicLink).where(MagicLink.token_hash == token_hash(token))).first()
    if link is None:
        raise LinkRefused(UNKNOWN, None)
    if link.revoked_at is not None:
        raise LinkRefused(REVOKED, link)
    if link.used_at is not None:
        raise LinkRefused(USED, link)
    if link.expires_at <= now:
        raise LinkRefused(EXPIRED, link)
    return link


def exchange_link(session: Session, *, token: str, now: datetime, hours: int) -> str:
    """Use a link once: returns a portal session token, or raises LinkRefused."""
    link = check_link(session, token=token, now=now)
    link.used_at = now
    session.add(link)
    portal_token = secrets.token_urlsafe(32)
    session.add(
        PortalSession(
            token_hash=token_hash(portal_token),
            contact_id=link.contact_id,
            assessment_id=link.assessment_id,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    session.flush()
    return portal_token


def portal_session_for(session: Session, *, token: str, now: datetime) -> PortalSession | None:
    """The open, unexpired portal session behind a cookie token, if any."""
    found = session.get(PortalSession, token_hash(token))
    if found is None or found.revoked_at is not None or found.expires_at <= now:
        return None
    return found


def _revoke(session: Session, now: datetime, *conditions, assessment_id: int) -> None:
    session.execute(
        update(MagicLink)
        .where(
            MagicLink.assessment_id == assessment_id,
            MagicLink.revoked_at.is_(None),
            MagicLink.used_at.is_(None),
            *conditions,
        )
        .values(revoked_at=now)
    )
