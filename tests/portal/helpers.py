"""Open a vendor-portal session for a contact, as following the emailed link does."""

from __future__ import annotations

from vendordd.auth.magic_links import exchange_link, issue_link
from vendordd.dbtypes import utcnow
from vendordd.portal.access import PORTAL_COOKIE, PORTAL_PATH


def portal_client_for(client, db, contact, assessment):
    """The client, carrying a portal session of the contact bound to the assessment.

    The link is issued and exchanged on the real clock: the portal checks the session on it.
    """
    now = utcnow()
    link = issue_link(db, contact_id=contact.id, assessment_id=assessment.id, now=now, days=14)
    token = exchange_link(db, token=link, now=now, hours=1)
    db.commit()
    client.set_cookie(PORTAL_COOKIE, token, path=PORTAL_PATH)
    return client
