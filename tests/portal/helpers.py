"""A portal session for a contact, as the magic link's exchange opens one."""

from __future__ import annotations

from datetime import UTC, datetime

from vendordd.auth.magic_links import exchange_link, issue_link
from vendordd.portal.access import PORTAL_COOKIE, PORTAL_PATH


def portal_client_for(client, db, contact, assessment):
    """The client signed in to the portal as the contact, on the assessment."""
    now = datetime.now(UTC)  # portal sessions are checked against the real clock
    link = issue_link(db, contact_id=contact.id, assessment_id=assessment.id, now=now, days=14)
    token = exchange_link(db, token=link, now=now, hours=8)
    db.commit()
    client.set_cookie(PORTAL_COOKIE, token, path=PORTAL_PATH)
    return client
