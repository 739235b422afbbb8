"""The provider registry pages: list, add, edit, merge duplicates (risk and admin act)."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from vendordd.auth.access import roles
from vendordd.auth.models import Role
from vendordd.auth.services import actor_for
from vendordd.concentration import provider_queries, providers
from vendordd.concentration.forms import MergeForm, ProviderForm
from vendordd.concentration.models import LAYERS, PROVIDER_KINDS, Provider
from vendordd.concentration.providers import ProviderError
from vendordd.concentration.routes import bp
from vendordd.db import get_session
from vendordd.dbtypes import utcnow
from vendordd.vendors.routes import form_status, get_or_404
from vendordd.vendors.validation import countries


def _show(form: FlaskForm, error: ProviderError) -> None:
    """Put a refused change next to its field."""
    target = getattr(form, error.field or "", None)
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, str(error)]
    else:
        flash(str(error), "error")


@bp.get("/providers", endpoint="providers")
@roles(Role.RISK, Role.AUDITOR)
def providers_index():
    filters = provider_queries.ProviderFilters.from_args(request.args)
    page = provider_queries.provider_page(get_session(), filters)
    return render_template(
        "concentration/providers.html", page=page, filters=filters, kinds=PROVIDER_KINDS
    )


@bp.route("/providers/new", methods=["GET", "POST"])
@roles(Role.RISK)
def provider_new():
    return _provider_form(None)


@bp.route("/providers/<int:provider_id>/edit", methods=["GET", "POST"])
@roles(Role.RISK)
def provider_edit(provider_id: int):
    provider = get_or_404(Provider, provider_id)
    if provider.merged_into_id is not None:
        flash(f"{provider.name} was merged into another provider: edit that one.", "error")
        return redirect(url_for("concentration.provider", provider_id=provider.id))
    return _provider_form(provider)


def _provider_form(provider: Provider | None):
    db = get_session()
    form = ProviderForm(obj=provider)
    excluding = provider.id if provider else None
    form.set_choices(provider_queries.live_providers(db, excluding=excluding), countries())
    if form.validate_on_submit():
        try:
            saved = providers.save_provider(
                db,
                provider=provider,
                data=form.provider_data(),
                now=utcnow(),
                actor=actor_for(g.user),
            )
        except ProviderError as exc:
            _show(form, exc)
        else:
            db.commit()
            flash(f"Provider {saved.name} saved.", "success")
            return redirect(url_for("concentration.provider", provider_id=saved.id))
    page = render_template("concentration/provider_form.html", provider=provider, form=form)
    return page, form_status(form)


@bp.get("/providers/<int:provider_id>")
@roles(Role.RISK, Role.AUDITOR)
def provider(provider_id: int):
    db = get_session()
    row = get_or_404(Provider, provider_id)
    by_layer, total = provider_queries.dependents(db, row)
    return render_template(
        "concentration/provider.html",
        provider=row,
        parent=db.get(Provider, row.parent_id) if row.parent_id else None,
        merged_into=db.get(Provider, row.merged_into_id) if row.merged_into_id else None,
        children=provider_queries.children_of(db, row),
        by_layer=by_layer,
        total=total,
        shown=provider_queries.MAX_DEPENDENTS,
        layers=LAYERS,
        kinds=PROVIDER_KINDS,
        countries=countries(),
    )


@bp.route("/providers/<int:provider_id>/merge", methods=["GET", "POST"])
@roles(Role.RISK)
def provider_merge(provider_id: int):
    db = get_session()
    duplicate = get_or_404(Provider, provider_id)
    form = MergeForm()
    form.set_choices(provider_queries.live_providers(db, excluding=duplicate.id))
    if form.validate_on_submit():
        survivor = get_or_404(Provider, form.survivor_id.data)
        try:
            result = providers.merge_provider(
                db, duplicate=duplicate, survivor=survivor, now=utcnow(), actor=actor_for(g.user)
            )
        except ProviderError as exc:
            _show(form, exc)
        else:
            db.commit()
            flash(
                f"{duplicate.name} merged into {survivor.name}: {result.dependencies} "
                f"dependencies and {result.children} child providers re-pointed.",
                "success",
            )
            return redirect(url_for("concentration.provider", provider_id=survivor.id))
    page = render_template("concentration/provider_merge.html", provider=duplicate, form=form)
    return page, form_status(form)
