"""The data-location policy page: admins change it, risk and auditors read it."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.conftest import NOW, SYSTEM
from vendordd.audit.models import AuditEvent
from vendordd.settings.services import data_location_policy, set_data_location_policy

URL = "/settings/data-location"
BLANK = {"public": "", "internal": "", "confidential": "", "customer_personal": "", "regulated": ""}


def stored(db) -> dict[str, frozenset[str]]:
    db.expire_all()
    return data_location_policy(db)


def test_admin_sees_the_explanation_and_one_field_per_data_class(client, login_as, db):
    set_data_location_policy(db, policy={"regulated": ["HK", "SG"]}, actor=SYSTEM, now=NOW)
    db.commit()
    login_as("admin")

    page = client.get(URL).text
    assert "are scored against this policy" in page
    for data_class in BLANK:
        assert f'name="{data_class}"' in page
    assert 'value="HK SG"' in page
    assert "Now: Hong Kong (HK), Singapore (SG)" in page
    assert ">Settings</a>" in page


def test_admin_saves_the_policy(client, login_as, db):
    login_as("admin")

    sent = client.post(URL, data={**BLANK, "customer_personal": "hk, sg;GB  de"})
    assert sent.status_code == 302
    assert sent.location == URL
    page = client.get(URL).text
    assert "Data-location policy saved." in page
    assert "Germany (DE), United Kingdom (GB), Hong Kong (HK), Singapore (SG)" in page
    assert stored(db) == {"customer_personal": frozenset({"DE", "GB", "HK", "SG"})}
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "setting.updated")).one()
    assert event.actor_label == "Admin <admin@bank.example>"


def test_saving_unchanged_says_so(client, login_as, db):
    login_as("admin")

    sent = client.post(URL, data=BLANK, follow_redirects=True)
    assert "No changes to save." in sent.text
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "setting.updated")).all() == []


def test_blanking_a_field_lifts_the_restriction(client, login_as, db):
    set_data_location_policy(db, policy={"regulated": ["HK"]}, actor=SYSTEM, now=NOW)
    db.commit()
    login_as("admin")

    client.post(URL, data=BLANK)
    assert stored(db) == {}
    assert "<td>No restriction</td>" in client.get(URL).text


def test_errors_are_shown_next_to_each_field_and_nothing_is_saved(client, login_as, db):
    set_data_location_policy(db, policy={"public": ["SG"]}, actor=SYSTEM, now=NOW)
    db.commit()
    login_as("admin")

    sent = client.post(
        URL, data={**BLANK, "public": "HK", "confidential": "HK UK", "regulated": "XX"}
    )
    assert sent.status_code == 422
    page = sent.text
    assert "Please correct the 2 fields marked below." in page
    assert (
        '<p class="error" id="confidential-error">UK (use GB) is not an ISO 3166-1 alpha-2 '
        "country code; use two-letter codes such as HK, SG, DE.</p>"
    ) in page
    assert '<p class="error" id="regulated-error">XX is not an ISO 3166-1' in page
    assert 'value="HK UK"' in page  # what was typed stays, to be corrected
    assert stored(db) == {"public": frozenset({"SG"})}


@pytest.mark.parametrize("role", ["risk", "auditor"])
def test_risk_and_auditors_read_the_policy_but_cannot_change_it(client, login_as, db, role):
    set_data_location_policy(db, policy={"regulated": ["HK"]}, actor=SYSTEM, now=NOW)
    db.commit()
    login_as(role)

    page = client.get(URL)
    assert page.status_code == 200
    assert "Hong Kong (HK)" in page.text
    assert "Only an administrator can change this policy." in page.text
    assert 'name="regulated"' not in page.text
    assert client.post(URL, data={**BLANK, "regulated": "SG"}).status_code == 403
    assert stored(db) == {"regulated": frozenset({"HK"})}


def test_procurement_may_not_see_the_policy(client, login_as):
    login_as("procurement")

    assert client.get(URL).status_code == 403
    assert ">Settings</a>" not in client.get("/vendors/").text
