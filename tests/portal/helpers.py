"""A test client signed in to the portal as a contact, through a real magic link."""

from __future__ import annotations

from vendordd.auth.magic_links import exchange_link, issue_link
from vendordd.dbtypes import utcnow
from vendordd.portal.access import PORTAL_COOKIE, PORTAL_PATH


def portal_client_for(client, db, contact, assessment):
    """Issue and use a magic link for the contact, and give its session cookie to the client."""
    now = utcnow()  # the portal checks sessions against the real clock
    link = issue_link(db, contact_id=contact.id, assessment_id=assessment.id, now=now, days=1)
    token = exchange_link(db, token=link, now=now, hours=1)
    db.commit()
    client.set_cookie(PORTAL_COOKIE, token, path=PORTAL_PATH)
    return client
