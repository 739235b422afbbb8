"""Reference data managed by admin: group entities and business functions."""

from __future__ import annotations

from flask import render_template

from vendordd.auth.access import roles
from vendordd.vendors.routes import bp


@bp.route("/entities")
@roles()
def entities():
    return render_template("vendors/index.html")


@bp.route("/functions")
@roles()
def functions():
    return render_template("vendors/index.html")
