"""Vendor pages: list, detail, onboarding forms. Import and reference-data views add to `bp`."""

from __future__ import annotations

from flask import Blueprint, render_template

from vendordd.auth.access import STAFF, roles

bp = Blueprint("vendors", __name__, url_prefix="/vendors")


@bp.route("/")
@roles(*STAFF)
def index():
    return render_template("vendors/index.html")


# The other vendor views register on `bp` when imported.
from vendordd.vendors import admin_routes, import_routes  # noqa: E402, F401
