"""Institution settings: admins change them; risk and auditors read them."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for

from vendordd.auth.access import roles
from vendordd.auth.models import Role
from vendordd.auth.services import actor_for
from vendordd.concentration.limits import ThresholdsError, book_thresholds, set_book_thresholds
from vendordd.concentration.models import SINGULAR, SUMMARY_LAYERS
from vendordd.concentration.thresholds import (
    HHI_MAX,
    PRESETS,
    SHARE_MAX,
    Thresholds,
    describe,
    number,
)
from vendordd.db import get_session
from vendordd.dbtypes import utcnow
from vendordd.settings.attestation import attestation_statement, set_attestation_statement
from vendordd.settings.forms import (
    AttestationForm,
    data_location_form,
    submitted_policy,
    submitted_thresholds,
    thresholds_form,
)
from vendordd.settings.services import PolicyError, data_location_policy, set_data_location_policy
from vendordd.vendors.intake import DATA_CLASSES
from vendordd.vendors.routes import form_status
from vendordd.vendors.validation import countries

bp = Blueprint("settings", __name__, url_prefix="/settings")


@bp.get("/data-location")
@roles(Role.RISK, Role.AUDITOR)
def data_location():
    policy = data_location_policy(get_session())
    return _page(policy, data_location_form(policy))


@bp.post("/data-location")
@roles()
def data_location_save():
    db = get_session()
    policy = data_location_policy(db)
    form = data_location_form(policy)
    if form.validate_on_submit():
        try:
            changed = set_data_location_policy(
                db, policy=submitted_policy(form), actor=actor_for(g.user), now=utcnow()
            )
        except PolicyError as exc:
            for data_class, problem in exc.problems.items():
                form[data_class].errors.append(problem)
        else:
            db.commit()
            flash(
                "Data-location policy saved." if changed else "No changes to save.",
                "success" if changed else "info",
            )
            return redirect(url_for("settings.data_location"))
    return _page(policy, form), form_status(form)


def _page(policy: dict[str, frozenset[str]], form):
    return render_template(
        "settings/data_location.html",
        policy=policy,
        form=form,
        data_classes=DATA_CLASSES,
        country_names=countries(),
        can_edit=g.user.role == Role.ADMIN,
    )


@bp.get("/attestation")
@roles(Role.RISK, Role.AUDITOR)
def attestation():
    statement = attestation_statement(get_session())
    return _attestation_page(statement, AttestationForm(data={"statement": statement}))


@bp.post("/attestation")
@roles()
def attestation_save():
    db = get_session()
    form = AttestationForm()
    if form.validate_on_submit():
        changed = set_attestation_statement(
            db, statement=form.statement.data or "", actor=actor_for(g.user), now=utcnow()
        )
        db.commit()
        flash(
            "Attestation statement saved." if changed else "No changes to save.",
            "success" if changed else "info",
        )
        return redirect(url_for("settings.attestation"))
    return _attestation_page(attestation_statement(db), form), form_status(form)


def _attestation_page(statement: str, form):
    return render_template(
        "settings/attestation.html",
        statement=statement,
        form=form,
        can_edit=g.user.role == Role.ADMIN,
    )


@bp.get("/concentration")
@roles(Role.RISK, Role.AUDITOR)
def concentration():
    limits = book_thresholds(get_session())
    return _concentration_page(limits, thresholds_form(limits))


@bp.post("/concentration")
@roles()
def concentration_save():
    db = get_session()
    limits = book_thresholds(db)
    form = thresholds_form(limits)
    if form.validate_on_submit():
        try:
            changed = set_book_thresholds(
                db, values=submitted_thresholds(form), actor=actor_for(g.user), now=utcnow()
            )
        except ThresholdsError as exc:
            for (layer, field), problem in exc.problems.items():
                form[layer][field].errors.append(problem)
        else:
            db.commit()
            flash(
                "Concentration thresholds saved." if changed else "No changes to save.",
                "success" if changed else "info",
            )
            return redirect(url_for("settings.concentration"))
    return _concentration_page(limits, form), form_status(form)


def _concentration_page(limits: dict[str, Thresholds], form):
    return render_template(
        "settings/concentration.html",
        limits=limits,
        form=form,
        layers={layer: SINGULAR[layer] for layer in SUMMARY_LAYERS},
        presets=PRESETS,
        describe=describe,
        number=number,
        ranges={"hhi": number(HHI_MAX), "top1": number(SHARE_MAX)},
        can_edit=g.user.role == Role.ADMIN,
    )
