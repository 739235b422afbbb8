"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, g, request, url_for

from vendordd.auth.models import Role
from vendordd.vendors.intake import label


def init_app(app: Flask) -> None:
    app.jinja_env.filters["label"] = lambda code, vocabulary: label(vocabulary, code)
    app.jinja_env.filters["when"] = _when
    app.jinja_env.filters["tier"] = lambda tier: f"T{tier}" if tier else "Not tiered"
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals["figure"] = figure
    app.jinja_env.globals["Role"] = Role
    app.context_processor(lambda: {"current_user": g.get("user")})


def figure(value: float | None, digits: int = 0) -> str:
    """A figure as the concentration pages write it: thousands grouped, "—" when there is no
    data (a function, not a macro: a page writes hundreds)."""
    return "—" if value is None else f"{value:,.{digits}f}"


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "—"


def url_with(_endpoint: str | None = None, **changes) -> str:
    """The current URL with some query arguments replaced (None removes one): filters, pages.

    `_endpoint` names the page to link to when the current request is a form post that
    re-rendered a page after an error.
    """
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = [str(value)]
    return url_for(_endpoint or request.endpoint, **(request.view_args or {}), **args)
