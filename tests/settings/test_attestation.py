"""The attestation statement: admins word it, risk and auditors read it, vendors confirm it."""

from __future__ import annotations

import pytest

from tests.conftest import NOW, SYSTEM
from tests.vendors.test_services import events
from vendordd.settings.attestation import (
    DEFAULT_STATEMENT,
    attestation_statement,
    set_attestation_statement,
)

URL = "/settings/attestation"


def test_the_default_statement_covers_accuracy_genai_and_changes(db):
    statement = attestation_statement(db)
    assert statement == DEFAULT_STATEMENT
    assert "complete and accurate" in statement
    assert "generative AI" in statement and "material change" in statement


def test_admin_changes_the_statement_and_it_is_audited(client, login_as, db):
    login_as("admin")

    page = client.get(URL).text
    assert DEFAULT_STATEMENT in page and 'name="statement"' in page
    sent = client.post(URL, data={"statement": "  We confirm the answers.  "})
    assert sent.status_code == 302 and sent.location == URL
    assert "Attestation statement saved." in client.get(URL).text
    db.expire_all()
    assert attestation_statement(db) == "We confirm the answers."
    [event] = events(db, "setting.updated")
    assert event.changes == {"statement": [DEFAULT_STATEMENT, "We confirm the answers."]}
    assert event.actor_label == "Admin <admin@bank.example>"


def test_saving_unchanged_says_so_and_blank_restores_the_default(client, login_as, db):
    set_attestation_statement(db, statement="Ours.", actor=SYSTEM, now=NOW)
    db.commit()
    login_as("admin")

    assert (
        "No changes to save."
        in client.post(URL, data={"statement": "Ours."}, follow_redirects=True).text
    )
    client.post(URL, data={"statement": "   "})
    db.expire_all()
    assert attestation_statement(db) == DEFAULT_STATEMENT
    assert len(events(db, "setting.updated")) == 2


def test_an_overlong_statement_is_refused_beside_the_field(client, login_as, db):
    login_as("admin")

    refused = client.post(URL, data={"statement": "x" * 4001})
    assert refused.status_code == 422
    assert (
        '<p class="error" id="statement-error">Keep the statement under 4,000 characters.</p>'
        in refused.text
    )
    db.expire_all()
    assert attestation_statement(db) == DEFAULT_STATEMENT


@pytest.mark.parametrize("role", ["risk", "auditor"])
def test_risk_and_auditors_read_it_but_cannot_change_it(client, login_as, db, role):
    login_as(role)

    page = client.get(URL)
    assert page.status_code == 200
    assert DEFAULT_STATEMENT in page.text
    assert "Only an administrator can change this statement." in page.text
    assert client.post(URL, data={"statement": "Mine."}).status_code == 403


def test_procurement_may_not_see_it(client, login_as):
    login_as("procurement")
    assert client.get(URL).status_code == 403
