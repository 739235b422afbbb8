"""Cross-cutting web behaviour: security headers, error pages, the home page, health check."""

from __future__ import annotations

from flask import Flask, current_app, g, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from werkzeug.exceptions import HTTPException, InternalServerError

from vendordd.auth.access import public
from vendordd.db import get_session

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=31536000; includeSubDomains"
ERRORS = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "Your role does not give access to this page."),
    404: ("Not found", "There is nothing at this address."),
    405: ("Method not allowed", "This address does not accept that kind of request."),
    413: ("Too large", "The upload is larger than this server accepts."),
    500: ("Something went wrong", "The error was logged. Nothing you entered was half-saved."),
}
# Headers an error must keep when its page is replaced (405 needs Allow, 429 Retry-After).
KEPT_ERROR_HEADERS = {"Allow", "Retry-After", "WWW-Authenticate"}


def init_app(app: Flask) -> None:
    """Register the headers, error pages and the two site-wide routes."""
    app.after_request(_security_headers)
    app.register_error_handler(HTTPException, _error_page)
    app.register_error_handler(CSRFError, _csrf_error)
    app.add_url_rule("/", "home", home)
    app.add_url_rule("/healthz", "healthz", healthz)


def _security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config["VENDORDD"].is_production:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    # Pages carry personal and vendor data and CSRF tokens: never kept by any cache.
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    return response


def _error_page(error: HTTPException):
    code = error.code or 500
    title, message = ERRORS.get(code, (error.name, error.description))
    if isinstance(error, InternalServerError):
        title, message = ERRORS[500]  # never the exception's own text
    if code == 413:
        message = _too_large_message()
    kept = {k: v for k, v in error.get_headers() if k in KEPT_ERROR_HEADERS}
    page = render_template("error.html", code=code, title=title, message=message)
    return page, code, kept


def _too_large_message() -> str:
    megabyte = 1024 * 1024
    limit = current_app.config["MAX_CONTENT_LENGTH"] / megabyte
    evidence = current_app.config["VENDORDD"].evidence_max_mb
    return (
        f"The upload is larger than this server accepts: at most {limit:g} MB per upload, and "
        f"{evidence} MB per evidence file. Nothing was stored; go back and choose a smaller file."
    )


def _csrf_error(_error: CSRFError):
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
    except Exception:  # any database failure means unhealthy
        current_app.logger.warning("health check: database unreachable", exc_info=True)
        return jsonify(
            status="error",
            database="unreachable",
            message="The database cannot be reached; see the server log for the cause.",
        ), 503
    return jsonify(status="ok", database="ok")
