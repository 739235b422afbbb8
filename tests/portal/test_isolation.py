"""Isolation: with vendor A's portal session, no portal URL shows anything of vendor B, and
only a live portal session opens the portal."""

from __future__ import annotations

import io
import secrets
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from tests.portal.helpers import answer, portal_client_for, vendor_with_assessment
from tests.questionnaires.sample_definitions import mini, publish
from vendordd.auth.magic_links import exchange_link, issue_link, revoke_portal_sessions
from vendordd.portal.access import PORTAL_COOKIE, PORTAL_PATH, VENDOR_CONTACT
from vendordd.questionnaires.routes import XLSX

# Words only vendor B's data contains: its name, its contact, its contact's address.
B_MARKERS = ("Betamax", "Brownstone", "betamax.example")
SIGNED_OUT = "This page needs the link from your invitation email."


@pytest.fixture
def two_vendors(db, tmp_path):
    publish(db, tmp_path, mini())
    a = vendor_with_assessment(db, "Acme AI Ltd", "mei@acme.example")
    b = vendor_with_assessment(db, "Betamax Zeta Ltd", "bob@betamax.example", name="Bob Brownstone")
    answer(db, a[2], {"EG-01": "no"})
    answer(db, b[2], {"EG-01": "yes", "DR-01": "SG"})
    return a, b


def used_link(db, contact, assessment) -> str:
    """A link of the contact's that has been used already (what an old email holds)."""
    now = datetime.now(UTC)
    token = issue_link(db, contact_id=contact.id, assessment_id=assessment.id, now=now, days=14)
    exchange_link(db, token=token, now=now, hours=1)
    db.commit()
    return token


def portal_urls(app, params: dict) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of every portal route, filled with vendor B's ids and tokens;
    sign-out last."""
    calls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("portal."):
                continue
            values = {name: params.get(name, params["id"]) for name in rule.arguments}
            url = app.url_for(rule.endpoint, **values)
            calls += [(rule.endpoint, m, url) for m in ("GET", "POST") if m in rule.methods]
    return sorted(calls, key=lambda call: call[0] == "portal.logout")


def shown(response) -> str:
    """What a response shows: a page's text, or every cell of a downloaded workbook."""
    if response.mimetype == XLSX:
        workbook = load_workbook(io.BytesIO(response.data), read_only=True)
        return " ".join(
            str(cell)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    return response.get_data().decode("utf-8", errors="replace")


def leaks(page: str) -> list[str]:
    return [marker for marker in B_MARKERS if marker.lower() in page.lower()]


def test_every_portal_url_with_vendor_bs_ids_and_tokens_shows_nothing_of_b(
    app, client, db, two_vendors
):
    (_va, a_contact, a_assessment), (_vb, b_contact, b_assessment) = two_vendors
    portal = portal_client_for(client, db, a_contact, a_assessment)
    assert "Acme" in portal.get("/portal/").text  # the session works: the check can fail
    params = {
        "token": used_link(db, b_contact, b_assessment),
        "domain_key": "residency",
        "id": b_assessment.id,  # any other id a portal URL takes
    }

    problems = []
    for endpoint, method, url in portal_urls(app, params):
        response = portal.open(url, method=method, data={})
        page = shown(response)
        if response.status_code >= 500 or leaks(page):
            problems.append(f"{method} {url} ({endpoint}): {response.status_code} {leaks(page)}")
    assert problems == []


def test_bs_link_token_is_not_a_portal_session(client, db, two_vendors):
    (_va, a_contact, a_assessment), (_vb, b_contact, b_assessment) = two_vendors
    portal_client_for(client, db, a_contact, a_assessment)
    now = datetime.now(UTC)
    b_token = issue_link(
        db, contact_id=b_contact.id, assessment_id=b_assessment.id, now=now, days=14
    )
    db.commit()

    client.set_cookie(PORTAL_COOKIE, b_token, path=PORTAL_PATH)
    refused = client.get("/portal/")
    assert refused.status_code == 401
    assert SIGNED_OUT in refused.text and not leaks(refused.text)


def test_bs_used_or_expired_links_in_as_session_reveal_nothing(client, db, two_vendors):
    (_va, a_contact, a_assessment), (_vb, b_contact, b_assessment) = two_vendors
    portal = portal_client_for(client, db, a_contact, a_assessment)
    used = used_link(db, b_contact, b_assessment)
    expired = issue_link(
        db,
        contact_id=b_contact.id,
        assessment_id=b_assessment.id,
        now=datetime.now(UTC) - timedelta(days=30),
        days=14,
    )
    db.commit()

    for token in (used, expired):
        for method in ("GET", "POST"):
            response = portal.open(f"/portal/enter/{token}", method=method)
            assert response.status_code == 410
            assert not leaks(response.text)


@pytest.mark.parametrize("cookie", ["forged", "expired", "revoked"])
def test_a_bad_portal_cookie_gets_the_signed_out_page(app, client, db, two_vendors, cookie):
    _va, a_contact, a_assessment = two_vendors[0]
    if cookie == "forged":
        client.set_cookie(PORTAL_COOKIE, secrets.token_urlsafe(32), path=PORTAL_PATH)
    elif cookie == "expired":
        then = datetime.now(UTC) - timedelta(hours=13)
        token = issue_link(
            db, contact_id=a_contact.id, assessment_id=a_assessment.id, now=then, days=14
        )
        client.set_cookie(
            PORTAL_COOKIE, exchange_link(db, token=token, now=then, hours=12), path=PORTAL_PATH
        )
        db.commit()
    else:
        portal_client_for(client, db, a_contact, a_assessment)
        revoke_portal_sessions(db, assessment_id=a_assessment.id, now=datetime.now(UTC))
        db.commit()

    for endpoint in contact_endpoints(app):
        response = client.get(url_for_endpoint(app, endpoint))
        assert response.status_code == 401, endpoint
        assert SIGNED_OUT in response.text


def test_a_staff_login_alone_does_not_open_the_portal(app, client, login_as, two_vendors):
    login_as("admin")

    for endpoint in contact_endpoints(app):
        response = client.get(url_for_endpoint(app, endpoint))
        assert response.status_code == 401, endpoint
        assert SIGNED_OUT in response.text and "Acme" not in response.text


def contact_endpoints(app) -> list[str]:
    """Portal endpoints that need a portal session and answer GET."""
    return sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "allowed_roles", None) == VENDOR_CONTACT
        and "GET" in rule.methods
    )


def url_for_endpoint(app, endpoint: str) -> str:
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    with app.test_request_context():
        return app.url_for(endpoint, **{name: 1 for name in rule.arguments})
