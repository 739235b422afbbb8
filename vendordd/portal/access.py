"""Who the portal is talking to: the contact and assessment behind the portal cookie.

Portal views are declared with `contact_view`; they never take an assessment id from the URL:
the session is bound to one assessment, so another vendor's data cannot even be named.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import g, render_template, request

from vendordd.assessments.models import Assessment
from vendordd.audit.services import Actor
from vendordd.auth.magic_links import portal_session_for
from vendordd.db import get_session
from vendordd.dbtypes import utcnow
from vendordd.vendors.models import Contact, Vendor

VENDOR_CONTACT = frozenset({"vendor_contact"})
PORTAL_COOKIE = "vendordd_portal"
PORTAL_PATH = "/portal"


def contact_view(view: Callable) -> Callable:
    """A portal view: needs an open portal session; sets g.contact, g.vendor, g.assessment."""

    @wraps(view)
    def guarded(*args, **kwargs):
        db = get_session()
        token = request.cookies.get(PORTAL_COOKIE)
        found = portal_session_for(db, token=token, now=utcnow()) if token else None
        if found is None:
            return render_template("portal/signed_out.html"), 401
        g.portal_session = found
        g.contact = db.get(Contact, found.contact_id)
        g.assessment = db.get(Assessment, found.assessment_id)
        g.vendor = db.get(Vendor, g.assessment.vendor_id)
        return view(*args, **kwargs)

    guarded.allowed_roles = VENDOR_CONTACT
    return guarded


def contact_actor() -> Actor:
    """The signed-in contact, as audit events and answer revisions name them."""
    return actor_of(g.contact, g.vendor)


def actor_of(contact: Contact, vendor: Vendor) -> Actor:
    """A vendor contact as audit events name them (also before the portal session exists)."""
    return Actor.contact(contact.id, f"{contact.name} <{contact.email}> ({vendor.display_name})")
