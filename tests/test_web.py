"""Site-wide behaviour: security headers, error pages, the health check."""

from __future__ import annotations

import re

import pytest
from flask import Blueprint

from tests.auth.apps import app_variant
from vendordd.auth.access import public
from vendordd.resources import resource_dir

UNREACHABLE_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:1/vendordd"


def csp_directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def assert_security_headers(response) -> None:
    csp = csp_directives(response)
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    ("url", "status", "content_type"),
    [
        ("/login", 200, "text/html"),
        ("/healthz", 200, "application/json"),
        ("/static/app.css", 200, "text/css"),
        ("/no-such-page", 404, "text/html"),
        ("/logout", 405, "text/html"),
        ("/", 302, "text/html"),
    ],
)
def test_every_response_carries_the_security_headers(client, url, status, content_type):
    with client.get(url) as response:
        response.close()  # static files are streamed
    assert response.status_code == status
    assert response.content_type.startswith(content_type)
    assert_security_headers(response)


def test_authenticated_pages_are_never_cached_but_static_files_may_be(login_as, client):
    login_as("admin")
    for url in ("/vendors/", "/admin/users", "/no-such-page"):
        response = client.get(url)
        assert_security_headers(response)
        assert response.headers["Cache-Control"] == "no-store", url
    with client.get("/static/app.css") as static:
        static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_hsts_only_in_production(app, client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    with app_variant(app, env="production", testing=False) as production:
        response = production.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert_security_headers(response)


@pytest.mark.parametrize(
    ("url", "status", "title"),
    [
        ("/no-such-page", 404, "Not found"),
        ("/admin/users", 403, "Not allowed"),
        ("/logout", 405, "Method not allowed"),
    ],
)
def test_error_pages_use_the_layout(login_as, client, url, status, title):
    login_as("risk")
    response = client.get(url)
    assert response.status_code == status
    assert f"<title>{title} · vendordd</title>" in response.text
    assert '<a class="skip" href="#main">' in response.text
    assert "Log out" in response.text  # the header knows who is logged in
    assert f"Error {status}." in response.text
    assert_security_headers(response)


def test_403_page_says_which_role_the_user_has(login_as, client):
    login_as("auditor")
    response = client.get("/admin/users")
    assert "with the Auditor role" in response.text


def test_405_keeps_the_allow_header(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"POST"}


def test_500_page_uses_the_layout_and_leaks_nothing(app):
    with app_variant(app, testing=False) as live:
        broken = Blueprint("broken", __name__)

        @broken.route("/broken")
        @public
        def fail():
            raise RuntimeError("secret detail: password=hunter2 at /srv/vendordd/secret.py")

        live.register_blueprint(broken)
        response = live.test_client().get("/broken")
    assert response.status_code == 500
    assert "<title>Something went wrong · vendordd</title>" in response.text
    assert "Nothing you entered was half-saved." in response.text
    for leak in ("Traceback", "RuntimeError", "secret detail", "hunter2", "secret.py"):
        assert leak not in response.text
    assert_security_headers(response)


def test_healthz_reports_a_working_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_reports_an_unreachable_database(app):
    with app_variant(app, database_url=UNREACHABLE_DATABASE) as down:
        response = down.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error"
    assert response.json["database"] == "unreachable"
    assert "cannot be reached" in response.json["message"]
    assert "127.0.0.1" not in response.text  # no connection details for anonymous callers
    assert_security_headers(response)


INLINE_CODE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event-handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_templates_need_nothing_the_csp_forbids():
    """The CSP blocks inline code and styles; a template using them would silently break."""
    problems = []
    for path in sorted(resource_dir("templates").rglob("*.html")):
        text = path.read_text()
        for pattern, what in INLINE_CODE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.name}:{line}: {what}")
    assert problems == []
