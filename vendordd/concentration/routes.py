"""Hand corrections to a vendor's fourth-party map: add, correct, remove (risk and admin)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from sqlmodel import select

from vendordd.auth.access import roles
from vendordd.auth.models import Role
from vendordd.auth.services import actor_for
from vendordd.concentration import dependencies
from vendordd.concentration.chain import describe_source
from vendordd.concentration.dependencies import DependencyError
from vendordd.concentration.forms import CorrectionForm, DependencyForm, RemovalForm
from vendordd.concentration.models import LAYERS, Dependency
from vendordd.db import get_session
from vendordd.dbtypes import utcnow
from vendordd.vendors.models import Service, Vendor
from vendordd.vendors.routes import form_status, get_or_404

bp = Blueprint("concentration", __name__, url_prefix="/concentration")


def _to_chain(vendor_id: int):
    return redirect(url_for("vendors.detail", vendor_id=vendor_id, _anchor="chain"))


@bp.route("/vendors/<int:vendor_id>/dependencies/new", methods=["GET", "POST"])
@roles(Role.RISK)
def dependency_new(vendor_id: int):
    db = get_session()
    vendor = get_or_404(Vendor, vendor_id)
    services = db.exec(select(Service).where(Service.vendor_id == vendor.id).order_by(Service.name))
    form = DependencyForm()
    form.set_services(services.all())
    if form.validate_on_submit():
        service = db.get(Service, form.service.data)
        try:
            row = dependencies.add_dependency(
                db,
                service=service,
                layer=form.layer.data,
                provider=form.provider.data,
                country=form.country.data,
                family=form.family.data,
                version=form.version.data,
                resilience=form.resilience(),
                reason=form.reason.data,
                now=utcnow(),
                actor=actor_for(g.user),
            )
        except DependencyError as exc:
            form.reason.errors = [*form.reason.errors, str(exc)]
        else:
            db.commit()
            flash(f"{dependencies.label_of(db, row)} added for {service.name}.", "success")
            return _to_chain(vendor.id)
    page = render_template("concentration/dependency_new.html", vendor=vendor, form=form)
    return page, form_status(form)


@bp.route("/dependencies/<int:dependency_id>", methods=["GET", "POST"])
@roles(Role.RISK)
def dependency(dependency_id: int):
    db = get_session()
    row = get_or_404(Dependency, dependency_id)
    form = CorrectionForm()
    if not form.is_submitted():
        form.fill(row)
    elif form.validate():
        try:
            kept = dependencies.correct_dependency(
                db,
                dependency=row,
                family=form.family.data,
                version=form.version.data,
                resilience=form.resilience(),
                reason=form.reason.data,
                now=utcnow(),
                actor=actor_for(g.user),
            )
        except DependencyError as exc:
            form.reason.errors = [*form.reason.errors, str(exc)]
        else:
            db.commit()
            flash(f"{dependencies.label_of(db, kept)} corrected.", "success")
            return _to_chain(row.vendor_id)
    return _dependency_page(row, form, RemovalForm(formdata=None)), form_status(form)


@bp.post("/dependencies/<int:dependency_id>/remove")
@roles(Role.RISK)
def dependency_remove(dependency_id: int):
    db = get_session()
    row = get_or_404(Dependency, dependency_id)
    form = RemovalForm()
    if form.validate_on_submit():
        try:
            dependencies.remove_dependency(
                db, dependency=row, reason=form.reason.data, now=utcnow(), actor=actor_for(g.user)
            )
        except DependencyError as exc:
            form.reason.errors = [*form.reason.errors, str(exc)]
        else:
            db.commit()
            flash(f"{dependencies.label_of(db, row)} removed.", "success")
            return _to_chain(row.vendor_id)
    correction = CorrectionForm(formdata=None)
    correction.fill(row)
    return _dependency_page(row, correction, form), 422


def _dependency_page(row: Dependency, form: CorrectionForm, removal: RemovalForm) -> str:
    db = get_session()
    return render_template(
        "concentration/dependency.html",
        dependency=row,
        vendor=db.get(Vendor, row.vendor_id),
        service=db.get(Service, row.service_id),
        label=dependencies.label_of(db, row),
        layers=LAYERS,
        source=describe_source(db, row),
        form=form,
        removal=removal,
    )


# The provider registry and the concentration page register on `bp` when imported.
from vendordd.concentration import heatmap_routes, provider_routes  # noqa: E402, F401
