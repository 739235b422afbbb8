"""Reference data managed by admin: group entities and business functions (never deleted)."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for

from vendordd.auth.access import roles
from vendordd.auth.services import actor_for
from vendordd.db import get_session
from vendordd.dbtypes import utcnow
from vendordd.vendors import queries, reference, services
from vendordd.vendors.forms import (
    EntityEditForm,
    EntityForm,
    FunctionEditForm,
    FunctionForm,
    show_error,
)
from vendordd.vendors.intake import REGIMES
from vendordd.vendors.models import BusinessFunction, Entity, ServiceEntity, ServiceFunction
from vendordd.vendors.routes import bp, form_status, get_or_404


@bp.route("/entities", methods=["GET", "POST"])
@roles()
def entities():
    db = get_session()
    form = EntityForm()
    if form.validate_on_submit():
        try:
            entity = reference.save_entity(
                db,
                name=form.name.data,
                regimes=form.regimes.data or [],
                is_active=True,
                actor=actor_for(g.user),
                now=utcnow(),
            )
        except services.VendorError as exc:
            show_error(form, exc)
        else:
            db.commit()
            flash(f"Entity {entity.name} added.", "success")
            return redirect(url_for("vendors.entities"))
    rows = queries.reference_list(db, Entity)
    usage = queries.usage_counts(db, ServiceEntity, ServiceEntity.entity_id)
    page = render_template(
        "vendors/entities.html", entities=rows, usage=usage, regimes=REGIMES, form=form
    )
    return page, form_status(form)


@bp.route("/entities/<int:entity_id>", methods=["GET", "POST"])
@roles()
def entity_edit(entity_id: int):
    db = get_session()
    entity = get_or_404(Entity, entity_id)
    form = EntityEditForm(obj=entity)
    if form.validate_on_submit():
        try:
            reference.save_entity(
                db,
                entity=entity,
                name=form.name.data,
                regimes=form.regimes.data or [],
                is_active=form.is_active.data,
                actor=actor_for(g.user),
                now=utcnow(),
            )
        except services.VendorError as exc:
            show_error(form, exc)
        else:
            db.commit()
            flash(f"Entity {entity.name} saved.", "success")
            return redirect(url_for("vendors.entities"))
    page = render_template("vendors/entity_edit.html", entity=entity, form=form)
    return page, form_status(form)


@bp.route("/functions", methods=["GET", "POST"])
@roles()
def functions():
    db = get_session()
    form = FunctionForm()
    if form.validate_on_submit():
        try:
            function = reference.save_function(
                db, name=form.name.data, is_active=True, actor=actor_for(g.user), now=utcnow()
            )
        except services.VendorError as exc:
            show_error(form, exc)
        else:
            db.commit()
            flash(f"Business function {function.name} added.", "success")
            return redirect(url_for("vendors.functions"))
    rows = queries.reference_list(db, BusinessFunction)
    usage = queries.usage_counts(db, ServiceFunction, ServiceFunction.function_id)
    page = render_template("vendors/functions.html", functions=rows, usage=usage, form=form)
    return page, form_status(form)


@bp.route("/functions/<int:function_id>", methods=["GET", "POST"])
@roles()
def function_edit(function_id: int):
    db = get_session()
    function = get_or_404(BusinessFunction, function_id)
    form = FunctionEditForm(obj=function)
    if form.validate_on_submit():
        try:
            reference.save_function(
                db,
                function=function,
                name=form.name.data,
                is_active=form.is_active.data,
                actor=actor_for(g.user),
                now=utcnow(),
            )
        except services.VendorError as exc:
            show_error(form, exc)
        else:
            db.commit()
            flash(f"Business function {function.name} saved.", "success")
            return redirect(url_for("vendors.functions"))
    page = render_template("vendors/function_edit.html", function=function, form=form)
    return page, form_status(form)
