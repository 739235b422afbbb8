"""Cross-cutting web behaviour: security headers, error pages, the home page, health check."""

from __future__ import annotations

from flask import Flask, g, jsonify, redirect, render_template, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy import text

from vendordd.auth.access import public
from vendordd.db import get_session

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
ERRORS = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "Your role does not give access to this page."),
    404: ("Not found", "There is nothing at this address."),
    405: ("Method not allowed", "This address does not accept that kind of request."),
    413: ("Too large", "The upload is larger than this server accepts."),
    500: ("Something went wrong", "The error was logged. Nothing you entered was half-saved."),
}


def init_app(app: Flask) -> None:
    """Register the headers, error pages and the two site-wide routes."""
    app.after_request(_security_headers)
    for code in ERRORS:
        app.register_error_handler(code, _error_page)
    app.register_error_handler(CSRFError, _csrf_error)
    app.add_url_rule("/", "home", home)
    app.add_url_rule("/healthz", "healthz", healthz)


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    if g.get("user") is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


def _error_page(error):
    code = getattr(error, "code", 500) or 500
    title, message = ERRORS.get(code, ERRORS[500])
    return render_template("error.html", code=code, title=title, message=message), code


def _csrf_error(error):
    message = "The form expired or was sent from another site. Reload the page and try again."
    return render_template("error.html", code=400, title="Form expired", message=message), 400


@public
def home():
    if g.user is None:
        return redirect(url_for("auth.login"))
    return redirect(url_for("vendors.index"))


@public
def healthz():
    try:
        get_session().exec(text("SELECT 1")).one()
    except Exception as exc:  # any database failure means unhealthy
        return jsonify(status="error", database=f"unavailable: {type(exc).__name__}"), 503
    return jsonify(status="ok", database="ok")
