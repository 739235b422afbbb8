"""The vendor portal's blueprint; its views live in the modules imported at the end."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/portal")

# The answering views register on `bp` when imported.
from vendordd.portal import answer_routes, xlsx_routes  # noqa: E402, F401
