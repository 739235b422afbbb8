"""The audit trail browser (admin and auditor)."""

from __future__ import annotations

from flask import Blueprint, render_template

from vendordd.auth.access import roles
from vendordd.auth.models import Role

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.route("/")
@roles(Role.AUDITOR)
def index():
    return render_template("vendors/index.html")
