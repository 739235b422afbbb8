"""The vendor portal's blueprint; its views live in the modules imported at the end."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/portal")
