"""The vendor pages through the web client: list, onboarding, vendor page, contacts, services."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import func, select

from tests.conftest import NOW, SYSTEM
from tests.vendors.test_services import INTAKES, make_service, make_vendor, valid_lei
from vendordd.audit.models import AuditEvent
from vendordd.vendors import reference, services
from vendordd.vendors.models import Contact, Service, Vendor

LISTED = re.compile(r'<a href="/vendors/\d+">([^<]+)</a>')


def listed(response) -> list[str]:
    """Display names in the vendor table, in order."""
    assert response.status_code == 200, response.text
    return LISTED.findall(response.text)


def count(db, model) -> int:
    return db.exec(select(func.count()).select_from(model)).one()


def audit_actions(db) -> list[str]:
    """Audited actions in order, leaving out the test's own login."""
    statement = select(AuditEvent.action).where(AuditEvent.action.not_like("auth.%"))
    return list(db.exec(statement.order_by(AuditEvent.seq)))


def intake_form(tier: int = 4, **overrides) -> dict:
    """Form fields of a service whose intake lands in the given tier."""
    intake = INTAKES[tier]
    fields = {
        "name": "Assistant",
        "use_case": intake.use_case,
        "data_class": intake.data_class,
        "critical_function": intake.critical_function,
        "reliance": intake.reliance,
        "integration": intake.integration,
        "autonomy": intake.autonomy,
        "users_affected": str(intake.users_affected),
        "discontinuation_impact": intake.discontinuation_impact,
    }
    return fields | overrides


# --- the list -------------------------------------------------------------------------------


@pytest.fixture
def book(db, make_user):
    """Three vendors, each the only match of some filter; Beta has two services in entity E2."""
    owner_one = make_user("procurement", email="one@bank.example", name="Olive One")
    owner_two = make_user("procurement", email="two@bank.example", name="Tom Two")
    entity = {
        name: reference.save_entity(
            db, name=name, regimes=[], is_active=True, actor=SYSTEM, now=NOW
        )
        for name in ("E1", "E2")
    }
    function = {
        name: reference.save_function(db, name=name, is_active=True, actor=SYSTEM, now=NOW)
        for name in ("F1", "F2")
    }
    alpha = make_vendor(
        db, "Alpha Intelligence Ltd", owner_id=owner_one.id, lei=valid_lei("5299000J2N45DDNE4Y")
    )
    make_service(db, alpha, tier=4, entity_ids=[entity["E1"].id], function_ids=[function["F1"].id])
    beta = make_vendor(db, "Beta Labs Inc", owner_id=owner_two.id, hq_country="SG")
    for name in ("Chat", "Search"):
        make_service(
            db, beta, name, tier=2, entity_ids=[entity["E2"].id], function_ids=[function["F2"].id]
        )
    services.change_status(db, vendor=beta, status="onboarding", actor=SYSTEM, now=NOW)
    make_vendor(db, "Gamma Models GmbH", hq_country="DE")
    db.commit()
    return {
        "owner_one": owner_one.id,
        "E1": entity["E1"].id,
        "E2": entity["E2"].id,
        "F1": function["F1"].id,
        "F2": function["F2"].id,
    }


def test_list_shows_each_vendor_with_its_facts(login_as, client, book):
    login_as("risk")
    response = client.get("/vendors/")
    assert listed(response) == ["Alpha", "Beta", "Gamma"]
    text = response.text
    assert '<span class="badge t4">T4</span>' in text and '<span class="badge t2">T2</span>' in text
    assert '<span class="badge">Not tiered</span>' in text
    assert "Olive One" in text and "Beta Labs Inc" in text and ">SG</abbr>" in text
    assert '<td class="num">2</td>' in text  # Beta's two services
    assert "Onboard a vendor" not in text  # risk reads, it does not onboard


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=ALPHA", ["Alpha"]),
        ("q=labs", ["Beta"]),
        ("q=gmbh", ["Gamma"]),
        ("q=j2n45", ["Alpha"]),  # part of the LEI, any case
        ("q=%25", []),  # a literal percent sign, not a wildcard
        ("status=onboarding", ["Beta"]),
        ("status=prospect", ["Alpha", "Gamma"]),
        ("tier=4", ["Alpha"]),
        ("tier=2", ["Beta"]),
        ("tier=none", ["Gamma"]),
        ("entity={E1}", ["Alpha"]),
        ("entity={E2}", ["Beta"]),  # once, though both its services are used there
        ("function={F1}", ["Alpha"]),
        ("function={F2}", ["Beta"]),
        ("owner={owner_one}", ["Alpha"]),
        ("owner=none", ["Gamma"]),
        ("status=prospect&tier=none", ["Gamma"]),
    ],
)
def test_each_filter_narrows_the_list(login_as, client, book, query, expected):
    login_as("auditor")
    assert listed(client.get(f"/vendors/?{query.format(**book)}")) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Alpha", "Beta", "Gamma"]),
        ("-name", ["Gamma", "Beta", "Alpha"]),
        ("tier", ["Beta", "Alpha", "Gamma"]),  # T2, T4, then not tiered
        ("-tier", ["Alpha", "Beta", "Gamma"]),  # not tiered stays last
        ("status", ["Alpha", "Gamma", "Beta"]),  # lifecycle order, then name
        ("-updated", ["Gamma", "Beta", "Alpha"]),
        ("updated", ["Alpha", "Beta", "Gamma"]),
    ],
)
def test_sorting(login_as, client, db, sort, expected):
    alpha, beta, gamma = (make_vendor(db, f"{n} Ltd") for n in ("Alpha", "Beta", "Gamma"))
    make_service(db, alpha, tier=4)
    make_service(db, beta, tier=2)
    services.change_status(db, vendor=beta, status="onboarding", actor=SYSTEM, now=NOW)
    for offset, vendor in enumerate((alpha, beta, gamma)):
        vendor.updated_at = NOW + timedelta(days=offset)
        db.add(vendor)
    db.commit()
    login_as("procurement")
    assert listed(client.get(f"/vendors/?sort={sort}")) == expected


def test_pagination(app, login_as, client, db):
    app.config["VENDORDD"].page_size = 2
    for name in ("Echo", "Delta", "Charlie", "Bravo", "Alpha"):
        make_vendor(db, f"{name} Ltd")
    login_as("procurement")
    first = client.get("/vendors/")
    assert listed(first) == ["Alpha", "Bravo"]
    assert "Page 1 of 3 · 5 in all" in first.text and 'rel="next"' in first.text
    assert listed(client.get("/vendors/?page=2")) == ["Charlie", "Delta"]
    last = client.get("/vendors/?page=3&sort=name")
    assert listed(last) == ["Echo"] and 'rel="next"' not in last.text


@pytest.mark.parametrize(
    "query",
    [
        "tier=9",
        "page=abc",
        "page=-4",
        "page=999999999999999999999",
        "status=deleted",
        "entity=abc",
        "entity=99999999999999999999",
        "function=1.5",
        "owner=drop",
        "sort=;DROP TABLE vendor",
        "sort=-",
        "q=" + "x" * 5000,
    ],
)
def test_invalid_arguments_are_ignored_not_errors(login_as, client, db, query):
    make_vendor(db, "Alpha Ltd")
    login_as("risk")
    response = client.get(f"/vendors/?{query}")
    assert response.status_code == 200
    if not query.startswith("q="):
        assert listed(response) == ["Alpha"]


def test_page_beyond_the_end_shows_the_last_page(app, login_as, client, db):
    app.config["VENDORDD"].page_size = 1
    for name in ("Alpha Ltd", "Beta Ltd"):
        make_vendor(db, name)
    login_as("risk")
    assert listed(client.get("/vendors/?page=50")) == ["Beta"]


def test_empty_book_invites_onboarding(login_as, client):
    login_as("procurement")
    response = client.get("/vendors/")
    assert "No vendors yet — onboard one or import a spreadsheet" in response.text
    assert 'href="/vendors/new"' in response.text


def test_filters_without_a_match_offer_to_clear_them(login_as, client, db):
    make_vendor(db, "Alpha Ltd")
    login_as("risk")
    response = client.get("/vendors/?q=nomatch&tier=1")
    assert listed(response) == []
    assert "No vendors match these filters." in response.text
    assert "No vendors yet" not in response.text
    assert '<a href="/vendors/">Clear filters</a>' in response.text


def test_filter_form_is_a_plain_get_form_that_keeps_its_values(login_as, client, book):
    login_as("risk")
    response = client.get(f"/vendors/?q=beta&tier=2&entity={book['E2']}&sort=-tier")
    assert 'method="get"' in response.text
    assert 'value="beta"' in response.text
    assert '<option value="2" selected>T2</option>' in response.text
    assert f'<option value="{book["E2"]}" selected>E2</option>' in response.text
    assert '<input type="hidden" name="sort" value="-tier">' in response.text


# --- onboarding -----------------------------------------------------------------------------

ONBOARD = {
    "legal_name": "Acme AI Ltd",
    "display_name": "Acme",
    "hq_country": "HK",
    "lei": "",
    "website": "https://acme.example",
    "trust_centre_url": "",
    "subprocessor_list_url": "",
    "owner_id": "",
    "notes": "Shortlisted for the chat pilot.",
}


def test_onboarding_creates_a_prospect_and_shows_it(login_as, client, db):
    user = login_as("procurement")
    lei = valid_lei("5299000J2N45DDNE4Y")
    form = ONBOARD | {"lei": f" {lei.lower()} ", "owner_id": str(user.id)}
    response = client.post("/vendors/new", data=form)
    vendor = db.exec(select(Vendor)).one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/vendors/{vendor.id}"
    assert (vendor.lei, vendor.status, vendor.owner_id) == (lei, "prospect", user.id)
    assert audit_actions(db)[-1] == "vendor.created"
    page = client.get(response.headers["Location"])
    assert "Acme onboarded as a prospect" in page.text and lei in page.text


@pytest.mark.parametrize(
    ("changes", "field_error"),
    [
        ({"lei": "5299000J2N45DDNE4Y00"}, "check digits do not match"),
        ({"lei": "TOO-SHORT"}, "An LEI is 20 characters"),
        ({"hq_country": "XX"}, "not an ISO 3166-1 alpha-2 country code"),
        ({"hq_country": ""}, "Choose the country"),
        ({"legal_name": "  "}, "Enter the vendor&#39;s legal name."),
        ({"website": "ftp://acme.example"}, "starting with https://"),
        ({"trust_centre_url": "javascript:alert(1)"}, "starting with https://"),
        ({"subprocessor_list_url": "acme.example/subs"}, "starting with https://"),
        ({"owner_id": "999"}, "Not a valid choice"),
        ({"owner_id": "abc"}, "Invalid Choice"),
    ],
)
def test_onboarding_refuses_bad_input_and_writes_nothing(
    login_as, client, db, changes, field_error
):
    login_as("procurement")
    response = client.post("/vendors/new", data=ONBOARD | changes)
    assert response.status_code == 422
    assert field_error in response.text
    assert 'class="error"' in response.text
    assert count(db, Vendor) == 0
    assert audit_actions(db) == []


@pytest.mark.parametrize(
    ("changes", "field_error"),
    [
        ({"legal_name": "  acme   AI LTD "}, "Vendor Acme already has this legal name."),
        ({"legal_name": "Other Ltd", "lei": "{lei}"}, "Vendor Acme already has this LEI."),
    ],
)
def test_onboarding_refuses_duplicates(login_as, client, db, changes, field_error):
    lei = valid_lei("5299000J2N45DDNE4Y")
    make_vendor(db, "Acme AI Ltd", lei=lei)
    login_as("procurement")
    data = ONBOARD | {k: v.format(lei=lei.lower()) for k, v in changes.items()}
    response = client.post("/vendors/new", data=data)
    assert response.status_code == 422
    assert field_error in response.text
    assert count(db, Vendor) == 1


def test_edit_vendor_saves_and_audits_the_change(login_as, client, db):
    vendor = make_vendor(db, "Acme AI Ltd")
    login_as("procurement")
    form = client.get(f"/vendors/{vendor.id}/edit")
    assert 'value="Acme AI Ltd"' in form.text
    response = client.post(f"/vendors/{vendor.id}/edit", data=ONBOARD | {"hq_country": "SG"})
    assert response.status_code == 302
    db.refresh(vendor)
    assert vendor.hq_country == "SG"
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "vendor.updated")).one()
    assert event.changes["hq_country"] == ["HK", "SG"]
    page = client.get(f"/vendors/{vendor.id}")
    assert "Hong Kong" in page.text and "Singapore" in page.text  # in the history


def test_edit_vendor_without_changes_says_so(login_as, client, db):
    vendor = make_vendor(db, "Acme AI Ltd", website="https://acme.example", notes=ONBOARD["notes"])
    login_as("procurement")
    response = client.post(f"/vendors/{vendor.id}/edit", data=ONBOARD, follow_redirects=True)
    assert "Nothing had changed" in response.text
    assert audit_actions(db) == ["vendor.created"]


# --- the vendor page ------------------------------------------------------------------------


def test_vendor_page_explains_the_tier(login_as, client, db):
    vendor = make_vendor(db, "Acme AI Ltd")
    service = make_service(db, vendor, "Chat", tier=2)
    login_as("auditor")
    text = client.get(f"/vendors/{vendor.id}").text
    assert service.tier_reason in text
    assert "inherent risk 3 of 3" in text
    assert '<th scope="row">Confidential data</th><td class="num">3</td>' in text
    assert "Vendor tier T2: the highest tier among its services." in text
    assert "Edit service and intake" not in text  # auditors change nothing


def test_vendor_page_without_services_is_not_tiered(login_as, client, db):
    vendor = make_vendor(db, "Acme AI Ltd")
    login_as("procurement")
    text = client.get(f"/vendors/{vendor.id}").text
    assert '<span class="badge">Not tiered</span>' in text
    assert "No services yet" in text and "No contacts yet" in text


def test_unknown_vendor_is_404(login_as, client):
    login_as("risk")
    assert client.get("/vendors/4242").status_code == 404
    assert client.get("/vendors/99999999999999999999").status_code == 404


def test_history_is_newest_first_and_paginated(app, login_as, client, db):
    app.config["VENDORDD"].page_size = 2
    vendor = make_vendor(db, "Acme AI Ltd")
    for step, status in enumerate(("onboarding", "active"), start=1):
        services.change_status(
            db, vendor=vendor, status=status, actor=SYSTEM, now=NOW + timedelta(hours=step)
        )
    db.commit()
    login_as("auditor")
    first = client.get(f"/vendors/{vendor.id}").text
    assert first.index("Active</li>") < first.index("Onboarding</li>")  # newest first
    assert "Page 1 of 2 · 3 in all" in first
    second = client.get(f"/vendors/{vendor.id}?page=2").text
    assert "Vendor onboarded" in second and "Status changed" not in second


def test_history_pages_link_to_the_vendor_page_after_a_refused_contact(app, login_as, client, db):
    app.config["VENDORDD"].page_size = 1
    vendor = make_vendor(db, "Acme AI Ltd")
    services.change_status(db, vendor=vendor, status="onboarding", actor=SYSTEM, now=NOW)
    db.commit()
    login_as("procurement")
    refused = client.post(f"/vendors/{vendor.id}/contacts", data={"name": "", "email": "x"})
    assert refused.status_code == 422
    assert f'href="/vendors/{vendor.id}?page=2" rel="next"' in refused.text


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        ("prospect", "onboarding", True),
        ("onboarding", "active", True),
        ("active", "offboarded", True),
        ("offboarded", "onboarding", True),
        ("prospect", "active", False),
        ("active", "prospect", False),
        ("prospect", "nonsense", False),
    ],
)
def test_status_transitions(login_as, client, db, start, target, allowed):
    vendor = make_vendor(db, "Acme AI Ltd")
    vendor.status = start
    db.add(vendor)
    db.commit()
    login_as("procurement")
    response = client.post(
        f"/vendors/{vendor.id}/status", data={"status": target}, follow_redirects=True
    )
    db.refresh(vendor)
    assert vendor.status == (target if allowed else start)
    if allowed:
        assert f"Acme is now {target}." in response.text
        assert audit_actions(db)[-1] == "vendor.status_changed"
    else:
        assert f"A vendor cannot go from {start} to {target}" in response.text
        assert audit_actions(db) == ["vendor.created"]


def test_status_buttons_offer_only_the_allowed_next_statuses(login_as, client, db):
    vendor = make_vendor(db, "Acme AI Ltd")
    login_as("procurement")
    text = client.get(f"/vendors/{vendor.id}").text
    assert re.findall(r'name="status" value="(\w+)"', text) == ["onboarding", "offboarded"]


# --- contacts -------------------------------------------------------------------------------


def test_contacts_add_refuse_duplicate_and_remove(login_as, client, db):
    vendor = make_vendor(db, "Acme AI Ltd")
    login_as("procurement")
    url = f"/vendors/{vendor.id}/contacts"
    contact = {"name": "Kim Lee", "email": "kim@acme.example", "role_title": "CISO"}
    added = client.post(url, data=contact, follow_redirects=True)
    assert "Contact Kim Lee added." in added.text and "kim@acme.example" in added.text
    duplicate = client.post(url, data=contact | {"email": " KIM@acme.example "})
    assert duplicate.status_code == 422
    assert "kim@acme.example is already a contact of this vendor." in duplicate.text
    assert count(db, Contact) == 1
    saved = db.exec(select(Contact)).one()
    removed = client.post(f"{url}/{saved.id}/remove", follow_redirects=True)
    assert "Contact Kim Lee removed." in removed.text
    assert count(db, Contact) == 0
    assert audit_actions(db)[-2:] == ["contact.created", "contact.removed"]


@pytest.mark.parametrize(
    ("contact", "error"),
    [
        ({"name": "", "email": "kim@acme.example"}, "Enter the contact&#39;s name."),
        ({"name": "Kim", "email": "not-an-address"}, "Enter an email address like"),
        ({"name": "Kim", "email": ""}, "Enter an email address."),
    ],
)
def test_contact_with_bad_input_is_refused(login_as, client, db, contact, error):
    vendor = make_vendor(db, "Acme AI Ltd")
    login_as("procurement")
    response = client.post(f"/vendors/{vendor.id}/contacts", data=contact)
    assert response.status_code == 422 and error in response.text
    assert count(db, Contact) == 0


def test_contact_of_another_vendor_cannot_be_removed_through_this_one(login_as, client, db):
    acme, other = make_vendor(db, "Acme AI Ltd"), make_vendor(db, "Other Ltd")
    contact = services.add_contact(
        db,
        vendor=other,
        name="Kim",
        email="kim@other.example",
        role_title="",
        actor=SYSTEM,
        now=NOW,
    )
    db.commit()
    login_as("procurement")
    assert client.post(f"/vendors/{acme.id}/contacts/{contact.id}/remove").status_code == 404
    assert count(db, Contact) == 1


# --- services -------------------------------------------------------------------------------


def test_add_service_tiers_it_and_the_vendor(login_as, client, db):
    vendor = make_vendor(db, "Acme AI Ltd")
    entity = reference.save_entity(
        db, name="HK bank — HKMA", regimes=["HKMA"], is_active=True, actor=SYSTEM, now=NOW
    )
    db.commit()
    login_as("procurement")
    form = intake_form(2, entity_ids=[str(entity.id)], annual_spend="125000.50")
    response = client.post(f"/vendors/{vendor.id}/services/new", data=form)
    assert response.status_code == 302
    service = db.exec(select(Service)).one()
    db.refresh(vendor)
    assert (service.tier, vendor.tier) == (2, 2)
    page = client.get(response.headers["Location"]).text
    assert "Assistant saved. Tier T2 — because inherent risk 3" in page
    assert "HK bank — HKMA" in page and "125,000.50 USD" in page
    assert audit_actions(db)[-2:] == ["service.created", "vendor.retiered"]


def test_edit_service_retiers_it_the_vendor_and_audits_before_and_after(login_as, client, db):
    vendor = make_vendor(db, "Acme AI Ltd")
    service = make_service(db, vendor, tier=4)
    make_service(db, vendor, "Other", tier=3)
    login_as("procurement")
    url = f"/vendors/{vendor.id}/services/{service.id}/edit"
    assert '<input checked id="use_case-0"' in client.get(url).text
    response = client.post(url, data=intake_form(1), follow_redirects=True)
    assert "Tier T1 — because it supports a critical or important function" in response.text
    db.refresh(service)
    db.refresh(vendor)
    assert (service.tier, vendor.tier) == (1, 1)
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "service.updated")).one()
    assert event.changes["critical_function"] == ["no", "yes"]
    assert event.changes["tier"] == [4, 1]
    assert "Critical or important function:</span> No" in response.text  # readable history


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"annual_spend": "-5"}, "Enter an amount of 0 or more"),
        ({"annual_spend": "NaN"}, "Enter an amount of 0 or more"),
        ({"annual_spend": "12.345"}, "Use at most two decimal places."),
        ({"annual_spend": "lots"}, "Not a valid decimal value"),
        ({"use_case": ""}, "Choose what the service is used for."),
        ({"data_class": "secret"}, "Not a valid choice"),
        ({"users_affected": "-1"}, "Enter a number from 0 to 1,000,000,000."),
        ({"rto_hours": "soon"}, "Not a valid integer value"),
        ({"name": ""}, "Enter the service&#39;s name."),
        ({"entity_ids": ["999"]}, "not a valid choice"),
    ],
)
def test_service_with_bad_input_is_refused_and_writes_nothing(login_as, client, db, changes, error):
    vendor = make_vendor(db, "Acme AI Ltd")
    login_as("procurement")
    response = client.post(f"/vendors/{vendor.id}/services/new", data=intake_form(4) | changes)
    assert response.status_code == 422
    assert error in response.text
    assert count(db, Service) == 0
    assert audit_actions(db) == ["vendor.created"]


def test_duplicate_service_name_is_a_field_error(login_as, client, db):
    vendor = make_vendor(db, "Acme AI Ltd")
    make_service(db, vendor, "Chat")
    login_as("procurement")
    response = client.post(f"/vendors/{vendor.id}/services/new", data=intake_form(name="Chat"))
    assert response.status_code == 422
    assert "This vendor already has a service named" in response.text
    assert count(db, Service) == 1


def test_service_of_another_vendor_is_404(login_as, client, db):
    acme, other = make_vendor(db, "Acme AI Ltd"), make_vendor(db, "Other Ltd")
    service = make_service(db, other)
    login_as("procurement")
    assert client.get(f"/vendors/{acme.id}/services/{service.id}/edit").status_code == 404
    assert client.post(f"/vendors/{acme.id}/services/{service.id}/edit").status_code == 404


def test_inactive_entity_is_offered_only_where_already_linked(login_as, client, db):
    vendor = make_vendor(db, "Acme AI Ltd")
    kept = reference.save_entity(
        db, name="Old entity", regimes=[], is_active=True, actor=SYSTEM, now=NOW
    )
    service = make_service(db, vendor, entity_ids=[kept.id])
    reference.save_entity(
        db, entity=kept, name="Old entity", regimes=[], is_active=False, actor=SYSTEM, now=NOW
    )
    db.commit()
    login_as("procurement")
    assert "Old entity" not in client.get(f"/vendors/{vendor.id}/services/new").text
    edit = client.get(f"/vendors/{vendor.id}/services/{service.id}/edit").text
    assert "Old entity (inactive)" in edit


# --- roles ----------------------------------------------------------------------------------

WRITE_ROUTES = [
    ("get", "/vendors/new"),
    ("post", "/vendors/new"),
    ("get", "/vendors/{v}/edit"),
    ("post", "/vendors/{v}/edit"),
    ("post", "/vendors/{v}/status"),
    ("post", "/vendors/{v}/contacts"),
    ("post", "/vendors/{v}/contacts/{c}/remove"),
    ("get", "/vendors/{v}/services/new"),
    ("post", "/vendors/{v}/services/new"),
    ("get", "/vendors/{v}/services/{s}/edit"),
    ("post", "/vendors/{v}/services/{s}/edit"),
]


@pytest.mark.parametrize("role", ["risk", "auditor"])
@pytest.mark.parametrize(("method", "path"), WRITE_ROUTES)
def test_only_procurement_and_admin_change_vendors(login_as, client, db, role, method, path):
    vendor = make_vendor(db, "Acme AI Ltd")
    service = make_service(db, vendor)
    contact = services.add_contact(
        db,
        vendor=vendor,
        name="Kim",
        email="kim@acme.example",
        role_title="",
        actor=SYSTEM,
        now=NOW,
    )
    db.commit()
    before = audit_actions(db)
    login_as(role)
    url = path.format(v=vendor.id, s=service.id, c=contact.id)
    data = ONBOARD | intake_form(1) | {"status": "onboarding", "email": "x@acme.example"}
    response = getattr(client, method)(url, data=data)
    assert response.status_code == 403
    assert audit_actions(db) == before


@pytest.mark.parametrize("role", ["procurement", "admin"])
def test_procurement_and_admin_see_the_editing_controls(login_as, client, db, role):
    vendor = make_vendor(db, "Acme AI Ltd")
    login_as(role)
    text = client.get(f"/vendors/{vendor.id}").text
    assert "Add a service" in text and "Add contact" in text and "Edit details" in text


def test_anonymous_visitors_are_sent_to_login(client, db):
    vendor = make_vendor(db, "Acme AI Ltd")
    response = client.get(f"/vendors/{vendor.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
