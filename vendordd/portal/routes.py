"""The vendor portal's blueprint; its views live in the modules imported at the end."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/portal")


# The portal's views register on `bp` when imported; imported last, as they import `bp`.
from vendordd.portal import (  # noqa: E402, F401
    answer_routes,
    clarification_routes,
    entry,
    evidence_routes,
    overview,
    xlsx_routes,
)
