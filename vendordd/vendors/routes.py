"""Vendor pages: list, detail, onboarding forms. Import and reference-data views add to `bp`."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from vendordd.assessments.services import vendor_assessments
from vendordd.auth.access import STAFF, roles
from vendordd.auth.models import Role, User
from vendordd.auth.services import actor_for
from vendordd.concentration.chain import vendor_chain
from vendordd.concentration.thresholds import RULE_LABELS
from vendordd.concentration.whatif import vendor_what_if
from vendordd.db import get_session
from vendordd.dbtypes import utcnow
from vendordd.paging import MAX_ID, positive_int
from vendordd.vendors import queries, services
from vendordd.vendors.forms import ContactForm, ServiceForm, StatusForm, VendorForm, show_error
from vendordd.vendors.models import (
    STATUS_TRANSITIONS,
    VENDOR_STATUSES,
    BusinessFunction,
    Contact,
    Entity,
    Service,
    Vendor,
)
from vendordd.vendors.validation import countries

bp = Blueprint("vendors", __name__, url_prefix="/vendors")
EDITORS = frozenset({Role.ADMIN, Role.PROCUREMENT})


@bp.context_processor
def _permissions() -> dict:
    return {"can_edit": g.get("user") is not None and g.user.role in EDITORS}


def get_or_404(model, object_id: int):
    """The row with this id, or a 404 page (ids too large for the database are not found)."""
    found = get_session().get(model, object_id) if object_id <= MAX_ID else None
    return found if found is not None else abort(404)


def _page_size() -> int:
    return current_app.config["VENDORDD"].page_size


def form_status(form) -> int:
    """422 when a submitted form is sent back with errors, else 200."""
    return 422 if form.errors else 200


@bp.route("/")
@roles(*STAFF)
def index():
    db = get_session()
    filters = queries.VendorFilters.from_args(request.args)
    return render_template(
        "vendors/index.html",
        page=queries.vendor_page(db, filters=filters, size=_page_size()),
        filters=filters,
        choices=queries.filter_choices(db),
        statuses=VENDOR_STATUSES,
        countries=countries(),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles(Role.PROCUREMENT)
def new():
    db = get_session()
    form = VendorForm()
    form.set_choices(queries.active_users(db))
    if form.validate_on_submit():
        try:
            vendor = services.create_vendor(
                db, data=form.vendor_data(), actor=actor_for(g.user), now=utcnow()
            )
        except services.VendorError as exc:
            show_error(form, exc)
        else:
            db.commit()
            flash(f"{vendor.display_name} onboarded as a prospect; add its services.", "success")
            return redirect(url_for("vendors.detail", vendor_id=vendor.id))
    return render_template("vendors/vendor_form.html", form=form, vendor=None), form_status(form)


@bp.route("/<int:vendor_id>")
@roles(*STAFF)
def detail(vendor_id: int):
    return _detail_page(get_or_404(Vendor, vendor_id), ContactForm(formdata=None))


def _detail_page(vendor: Vendor, contact_form: ContactForm, status: int = 200):
    db = get_session()
    settings = current_app.config["VENDORDD"]
    service_views = queries.vendor_services(db, vendor_id=vendor.id)
    history = queries.vendor_history(
        db,
        vendor_id=vendor.id,
        number=positive_int(request.args.get("page")) or 1,
        size=settings.page_size,
    )
    page = render_template(
        "vendors/detail.html",
        vendor=vendor,
        owner=db.get(User, vendor.owner_id) if vendor.owner_id else None,
        country=countries().get(vendor.hq_country, vendor.hq_country),
        next_statuses=STATUS_TRANSITIONS.get(vendor.status, ()),
        status_form=StatusForm(formdata=None),
        services=service_views,
        spend=queries.total_spend(service_views),
        currency=settings.reporting_currency,
        contacts=queries.vendor_contacts(db, vendor_id=vendor.id),
        contact_form=contact_form,
        history=history,
        assessments=vendor_assessments(db, vendor_id=vendor.id),
        chain=vendor_chain(db, vendor_id=vendor.id),
        whatif=vendor_what_if(db, vendor=vendor, service_id=_whatif_service(service_views)),
        rule_labels=RULE_LABELS,
    )
    return page, status


def _whatif_service(service_views) -> int | None:
    """The service the what-if is asked for (query argument), if it is one of the vendor's."""
    service_id = positive_int(request.args.get("service"))
    return service_id if service_id in {view.service.id for view in service_views} else None


@bp.route("/<int:vendor_id>/edit", methods=["GET", "POST"])
@roles(Role.PROCUREMENT)
def edit(vendor_id: int):
    db = get_session()
    vendor = get_or_404(Vendor, vendor_id)
    form = VendorForm(obj=vendor)
    form.set_choices(queries.active_users(db, keep_id=vendor.owner_id))
    if form.validate_on_submit():
        try:
            changes = services.update_vendor(
                db, vendor=vendor, data=form.vendor_data(), actor=actor_for(g.user), now=utcnow()
            )
        except services.VendorError as exc:
            show_error(form, exc)
        else:
            db.commit()
            if changes:
                flash(f"{vendor.display_name} saved.", "success")
            else:
                flash("Nothing had changed, so nothing was saved.", "info")
            return redirect(url_for("vendors.detail", vendor_id=vendor.id))
    return render_template("vendors/vendor_form.html", form=form, vendor=vendor), form_status(form)


@bp.route("/<int:vendor_id>/status", methods=["POST"])
@roles(Role.PROCUREMENT)
def status(vendor_id: int):
    db = get_session()
    vendor = get_or_404(Vendor, vendor_id)
    form = StatusForm()
    if not form.validate_on_submit():
        flash("Choose the status to move the vendor to.", "error")
    else:
        try:
            services.change_status(
                db, vendor=vendor, status=form.status.data, actor=actor_for(g.user), now=utcnow()
            )
        except services.VendorError as exc:
            flash(str(exc), "error")
        else:
            db.commit()
            flash(f"{vendor.display_name} is now {vendor.status}.", "success")
    return redirect(url_for("vendors.detail", vendor_id=vendor.id))


@bp.route("/<int:vendor_id>/contacts", methods=["POST"])
@roles(Role.PROCUREMENT)
def contact_add(vendor_id: int):
    db = get_session()
    vendor = get_or_404(Vendor, vendor_id)
    form = ContactForm()
    if form.validate_on_submit():
        try:
            contact = services.add_contact(
                db,
                vendor=vendor,
                name=form.name.data,
                email=form.email.data,
                role_title=form.role_title.data or "",
                actor=actor_for(g.user),
                now=utcnow(),
            )
        except services.VendorError as exc:
            show_error(form, exc)
        else:
            db.commit()
            flash(f"Contact {contact.name} added.", "success")
            return redirect(url_for("vendors.detail", vendor_id=vendor.id, _anchor="contacts"))
    return _detail_page(vendor, form, 422)


@bp.route("/<int:vendor_id>/contacts/<int:contact_id>/remove", methods=["POST"])
@roles(Role.PROCUREMENT)
def contact_remove(vendor_id: int, contact_id: int):
    db = get_session()
    vendor = get_or_404(Vendor, vendor_id)
    contact = get_or_404(Contact, contact_id)
    if contact.vendor_id != vendor.id:
        abort(404)
    try:
        services.remove_contact(db, contact=contact, actor=actor_for(g.user), now=utcnow())
    except services.VendorError as exc:
        flash(str(exc), "error")
    else:
        db.commit()
        flash(f"Contact {contact.name} removed.", "success")
    return redirect(url_for("vendors.detail", vendor_id=vendor.id, _anchor="contacts"))


@bp.route("/<int:vendor_id>/services/new", methods=["GET", "POST"])
@roles(Role.PROCUREMENT)
def service_new(vendor_id: int):
    return _service_form(get_or_404(Vendor, vendor_id), None)


@bp.route("/<int:vendor_id>/services/<int:service_id>/edit", methods=["GET", "POST"])
@roles(Role.PROCUREMENT)
def service_edit(vendor_id: int, service_id: int):
    vendor = get_or_404(Vendor, vendor_id)
    service = get_or_404(Service, service_id)
    if service.vendor_id != vendor.id:
        abort(404)
    return _service_form(vendor, service)


def _service_form(vendor: Vendor, service: Service | None):
    db = get_session()
    links = (
        services.ServiceLinks() if service is None else services.ServiceLinks.stored(db, service.id)
    )
    entity_ids, function_ids = sorted(links.entity_ids), sorted(links.function_ids)
    form = ServiceForm(obj=service, entity_ids=entity_ids, function_ids=function_ids)
    form.set_choices(
        queries.usable_reference(db, Entity, keep_ids=entity_ids),
        queries.usable_reference(db, BusinessFunction, keep_ids=function_ids),
    )
    if form.validate_on_submit():
        try:
            saved = services.save_service(
                db,
                vendor=vendor,
                data=form.service_data(),
                service=service,
                actor=actor_for(g.user),
                now=utcnow(),
            )
        except services.VendorError as exc:
            show_error(form, exc)
        else:
            db.commit()
            because = saved.tier_reason.removeprefix(f"T{saved.tier} ")
            flash(f"{saved.name} saved. Tier T{saved.tier} — {because}.", "success")
            return redirect(url_for("vendors.detail", vendor_id=vendor.id))
    return render_template(
        "vendors/service_form.html",
        form=form,
        vendor=vendor,
        service=service,
        currency=current_app.config["VENDORDD"].reporting_currency,
    ), form_status(form)


# The other vendor views register on `bp` when imported.
from vendordd.vendors import admin_routes, import_routes  # noqa: E402, F401
