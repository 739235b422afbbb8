"""The outbox pages (admin): every message the product sent or still has to send."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from vendordd.alerts.delivery import build_email
from vendordd.alerts.models import OutboxMessage
from vendordd.alerts.outbox import MAX_ATTEMPTS, STATUSES, message_status
from vendordd.alerts.queries import OutboxFilters, outbox_page, status_counts
from vendordd.auth.access import roles
from vendordd.db import get_session
from vendordd.vendors.routes import get_or_404

bp = Blueprint("alerts", __name__, url_prefix="/alerts")
# Where the "about" column of a message links to, by object type.
OBJECT_PAGES = {"assessment": ("assessments.detail", "assessment_id")}


@bp.context_processor
def _outbox_context() -> dict:
    return {
        "settings": current_app.config["VENDORDD"],
        "message_status": message_status,
        "max_attempts": MAX_ATTEMPTS,
        "object_pages": OBJECT_PAGES,
    }


@bp.get("/outbox")
@roles()
def outbox():
    db = get_session()
    filters = OutboxFilters.from_args(request.args)
    return render_template(
        "alerts/outbox.html",
        page=outbox_page(db, filters=filters, size=current_app.config["VENDORDD"].page_size),
        filters=filters,
        counts=status_counts(db),
        statuses=STATUSES,
    )


@bp.get("/outbox/<int:message_id>")
@roles()
def outbox_message(message_id: int):
    message = get_or_404(OutboxMessage, message_id)
    email = build_email(message, mail_from=current_app.config["VENDORDD"].mail_from)
    return render_template(
        "alerts/outbox_message.html",
        message=message,
        headers=[(name, str(value)) for name, value in email.items()],
    )
