"""Vendor pages: list, detail, onboarding forms. Import and reference-data views add to `bp`."""

from __future__ import annotations

from flask import Blueprint, render_template

from vendordd.auth.access import STAFF, roles

bp = Blueprint("vendors", __name__, url_prefix="/vendors")


@bp.route("/")
@roles(*STAFF)
def index():
    return render_template("vendors/index.html")


@bp.route("/import")
@roles("procurement")
def import_form():
    return render_template("vendors/index.html")


@bp.route("/entities")
@roles()
def entities():
    return render_template("vendors/index.html")


@bp.route("/functions")
@roles()
def functions():
    return render_template("vendors/index.html")
