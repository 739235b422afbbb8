"""Bulk onboarding from CSV or XLSX."""

from __future__ import annotations

from flask import render_template

from vendordd.auth.access import roles
from vendordd.auth.models import Role
from vendordd.vendors.routes import bp


@bp.route("/import")
@roles(Role.PROCUREMENT)
def import_form():
    return render_template("vendors/index.html")
