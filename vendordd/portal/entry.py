"""Getting into the portal: the magic-link landing page, fresh links, signing out.

A GET never uses a link up: mail scanners fetch the links in emails, so the link is only
exchanged for a session when the person presses the button (a POST).
"""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for
from sqlmodel import Session

from vendordd.assessments.models import Assessment
from vendordd.auth.access import public
from vendordd.auth.magic_links import (
    EXPIRED,
    USED,
    LinkRefused,
    check_link,
    portal_session_for,
)
from vendordd.auth.models import MagicLink, User
from vendordd.db import get_session
from vendordd.dbtypes import utcnow
from vendordd.portal.access import PORTAL_COOKIE, PORTAL_PATH, contact_actor, contact_view
from vendordd.portal.forms import NewLinkForm
from vendordd.portal.links import (
    LinkMail,
    TooManyRequests,
    end_portal_session,
    enter_portal,
    is_open_to,
    request_new_links,
    send_fresh_link,
)
from vendordd.portal.routes import bp
from vendordd.questionnaires.models import QuestionnaireVersion
from vendordd.vendors.models import Vendor
from vendordd.vendors.routes import form_status

GONE = 410


@bp.route("/enter/<token>", methods=["GET", "POST"])
@public
def enter(token: str):
    db = get_session()
    hours = _settings().portal_session_hours
    try:
        if request.method == "GET":
            return _landing(db, check_link(db, token=token, now=utcnow()), token)
        portal_token = enter_portal(db, token=token, now=utcnow(), hours=hours)
    except LinkRefused as refused:
        return _refused(db, token, refused)
    db.commit()
    response = redirect(url_for("portal.overview"))
    response.set_cookie(
        PORTAL_COOKIE,
        portal_token,
        max_age=hours * 3600,
        path=PORTAL_PATH,
        secure=_settings().is_production,
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.post("/enter/<token>/fresh-link")
@public
def fresh_link(token: str):
    db = get_session()
    try:
        check_link(db, token=token, now=utcnow())
    except LinkRefused as refused:
        refusal = refused
    else:
        return redirect(url_for("portal.enter", token=token))
    if refusal.link is None:
        return _unknown()
    try:
        sent = send_fresh_link(
            db, link=refusal.link, now=utcnow(), limit=_limit(), mail=link_mail()
        )
    except TooManyRequests as limited:
        return _too_many(limited, "portal/link_refused.html", **_refusal(db, token, refusal))
    db.commit()
    if not sent:
        return _refused(db, token, refusal)
    return render_template("portal/link_sent.html", fresh=True)


@bp.route("/new-link", methods=["GET", "POST"])
@public
def new_link():
    form = NewLinkForm()
    if not form.validate_on_submit():
        return render_template("portal/new_link.html", form=form), form_status(form)
    db = get_session()
    try:
        request_new_links(db, email=form.email.data, now=utcnow(), limit=_limit(), mail=link_mail())
    except TooManyRequests as limited:
        return _too_many(limited, "portal/new_link.html", form=form)
    db.commit()
    # The same page whether or not the address belongs to anyone invited (no enumeration).
    return render_template("portal/link_sent.html", fresh=False)


@bp.post("/logout")
@contact_view
def logout():
    db = get_session()
    end_portal_session(db, portal_session=g.portal_session, now=utcnow(), actor=contact_actor())
    db.commit()
    flash("You have signed out. Your answers are saved.", "success")
    response = redirect(url_for("portal.new_link"))
    response.delete_cookie(PORTAL_COOKIE, path=PORTAL_PATH)
    return response


def _signed_in_with(db: Session, link: MagicLink | None) -> bool:
    """Whether this browser's portal session belongs to the link's contact and assessment."""
    token = request.cookies.get(PORTAL_COOKIE)
    found = portal_session_for(db, token=token, now=utcnow()) if token and link else None
    return found is not None and (found.contact_id, found.assessment_id) == (
        link.contact_id,
        link.assessment_id,
    )


def _landing(db: Session, link: MagicLink, token: str) -> str:
    assessment = db.get(Assessment, link.assessment_id)
    return render_template(
        "portal/enter.html",
        token=token,
        vendor=db.get(Vendor, assessment.vendor_id),
        version=db.get(QuestionnaireVersion, assessment.questionnaire_version_id),
        assessment=assessment,
    )


def _refused(db: Session, token: str, refused: LinkRefused):
    if refused.link is None:
        return _unknown()
    if _signed_in_with(db, refused.link):
        # The person's own link, used to open the session this browser still has.
        return redirect(url_for("portal.overview"))
    return render_template("portal/link_refused.html", **_refusal(db, token, refused)), GONE


def _refusal(db: Session, token: str, refused: LinkRefused) -> dict:
    """What the refusal page says: why, and whether a fresh link can help."""
    link: MagicLink = refused.link
    assessment = db.get(Assessment, link.assessment_id)
    issuer = db.get(User, assessment.issued_by_id) if assessment.issued_by_id else None
    is_open = is_open_to(db, link=link)
    reason = refused.reason if refused.reason in (EXPIRED, USED) else "replaced"
    return {
        "token": token,
        "reason": reason if is_open else "closed",
        "expired_on": link.expires_at.date(),
        "issuer": issuer,
    }


def _unknown():
    return render_template("portal/link_unknown.html", form=NewLinkForm(formdata=None)), 404


def _too_many(limited: TooManyRequests, template: str, **context):
    minutes = max(1, round(limited.retry_after / 60))
    page = render_template(template, limited_minutes=minutes, **context)
    return page, 429, {"Retry-After": str(limited.retry_after)}


def _settings():
    return current_app.config["VENDORDD"]


def _limit() -> int:
    return _settings().link_requests_per_hour


def link_mail() -> LinkMail:
    """Where this app's link emails point and how long their links last."""
    return LinkMail.from_config(_settings())
