"""The audit trail browser and its CSV export (admin and auditor)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request, stream_with_context
from sqlmodel import Session

from vendordd.audit import queries
from vendordd.audit.forms import AuditFilterForm
from vendordd.audit.models import AuditEvent
from vendordd.audit.services import verify_chain
from vendordd.auth.access import roles
from vendordd.auth.models import Role
from vendordd.db import get_session
from vendordd.dbtypes import utcnow
from vendordd.vendors.models import Vendor

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _filter_form(db: Session) -> AuditFilterForm:
    return AuditFilterForm(
        request.args,
        actions=queries.distinct_values(db, AuditEvent.action),
        object_types=queries.distinct_values(db, AuditEvent.object_type),
    )


def _filters(form: AuditFilterForm) -> queries.TrailFilters:
    return queries.TrailFilters(
        actor=form.actor.data,
        action=form.action.data,
        object_type=form.object_type.data,
        vendor_id=form.vendor_id.data,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )


@bp.route("/")
@roles(Role.AUDITOR)
def index():
    db = get_session()
    form = _filter_form(db)
    # Verifying reads the whole chain, so it runs only when asked for.
    check = verify_chain(db) if request.args.get("verify") == "1" else None
    if not form.validate():
        return render_template("audit/index.html", form=form, page=None, check=check), 400
    filters = _filters(form)
    page = queries.trail_page(
        db,
        filters=filters,
        number=request.args.get("page", 1, type=int),
        size=current_app.config["VENDORDD"].page_size,
    )
    vendor = db.get(Vendor, filters.vendor_id) if filters.vendor_id else None
    return render_template(
        "audit/index.html", form=form, page=page, check=check, filters=filters, vendor=vendor
    )


@bp.route("/export.csv")
@roles(Role.AUDITOR)
def export():
    db = get_session()
    form = _filter_form(db)
    if not form.validate():
        return render_template("audit/index.html", form=form, page=None, check=None), 400
    rows = queries.export_csv(db, filters=_filters(form))
    filename = f"audit-trail-{utcnow():%Y%m%dT%H%M%SZ}.csv"
    return Response(
        stream_with_context(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
