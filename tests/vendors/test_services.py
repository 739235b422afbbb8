"""Vendor use cases and the read queries behind the vendor pages, against a real session."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from tests.conftest import NOW, SYSTEM
from vendordd.audit.models import AuditEvent
from vendordd.audit.wording import readable_value
from vendordd.vendors import queries, reference, services
from vendordd.vendors.models import Vendor
from vendordd.vendors.services import ServiceData, VendorData, VendorError
from vendordd.vendors.tiering import Intake
from vendordd.vendors.validation import lei_check_digits

# One intake per tier; each comment names the rule of reference §3.3 that decides it.
INTAKES = {
    # every domain scores 1: inherent risk 1
    4: Intake(
        use_case="internal_productivity",
        data_class="public",
        critical_function="no",
        reliance="low",
        integration="standalone",
        autonomy="human_in_loop",
        users_affected=10,
        is_public_facing=False,
        discontinuation_impact="low",
    ),
}
# inherent risk 2 without sensitive data
INTAKES[3] = replace(INTAKES[4], integration="business_process")
# inherent risk 3 (customer personal data) but not advice or decisioning
INTAKES[2] = replace(INTAKES[4], data_class="customer_personal")
# supports a critical or important function
INTAKES[1] = replace(INTAKES[4], critical_function="yes", reliance="full")


def valid_lei(prefix: str) -> str:
    """A well-formed LEI from an 18-character prefix."""
    return prefix + lei_check_digits(prefix)


def make_vendor(db, name: str = "Acme AI Ltd", *, commit: bool = True, **fields) -> Vendor:
    """Onboard a vendor through the service (audited like a real one)."""
    values = {"display_name": name.split()[0], "hq_country": "HK"} | fields
    vendor = services.create_vendor(
        db, data=VendorData(legal_name=name, **values), actor=SYSTEM, now=NOW
    )
    if commit:
        db.commit()
    return vendor


def make_service(db, vendor: Vendor, name: str = "Assistant", *, tier: int = 4, **fields):
    """Add a service whose intake lands in the given tier."""
    data = ServiceData(name=name, intake=INTAKES[tier], **fields)
    service = services.save_service(db, vendor=vendor, data=data, actor=SYSTEM, now=NOW)
    db.commit()
    return service


def events(db, action: str) -> list[AuditEvent]:
    return list(db.exec(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.mark.parametrize("tier", [1, 2, 3, 4])
def test_intake_presets_land_in_their_tier(db, tier):
    vendor = make_vendor(db)
    service = make_service(db, vendor, tier=tier)
    assert (service.tier, vendor.tier) == (tier, tier)
    assert service.tier_reason.startswith(f"T{tier} because")


def test_create_vendor_normalises_lei_names_and_blank_lei(db):
    lei = valid_lei("5299000J2N45DDNE4Y")
    first = make_vendor(db, "  Acme   AI  Ltd ", lei=f" {lei[:10].lower()} {lei[10:]} ")
    second = make_vendor(db, "Beta Labs", lei="")
    third = make_vendor(db, "Gamma Models", lei="   ")
    assert first.lei == lei and first.legal_name == "Acme AI Ltd"
    # Blank LEIs are stored as no LEI, so many vendors without one do not collide.
    assert second.lei is None and third.lei is None


@pytest.mark.parametrize("duplicate", ["acme ai ltd", "ACME  AI LTD", " Acme\tAI Ltd "])
def test_legal_name_must_be_unique_ignoring_case_and_spacing(db, duplicate):
    make_vendor(db, "Acme AI Ltd")
    with pytest.raises(VendorError) as refused:
        make_vendor(db, duplicate)
    assert refused.value.field == "legal_name"


def test_lei_must_be_unique_and_an_update_may_keep_its_own(db):
    lei = valid_lei("5299000J2N45DDNE4Y")
    acme = make_vendor(db, "Acme AI Ltd", lei=lei)
    with pytest.raises(VendorError) as refused:
        make_vendor(db, "Other Ltd", lei=lei.lower())
    assert refused.value.field == "lei"
    data = VendorData(legal_name="Acme AI Ltd", display_name="Acme 2", hq_country="HK", lei=lei)
    changes = services.update_vendor(db, vendor=acme, data=data, actor=SYSTEM, now=NOW)
    assert changes == {"display_name": ["Acme", "Acme 2"]}


def test_vendor_tier_is_the_highest_of_its_services_and_follows_edits(db):
    vendor = make_vendor(db)
    low = make_service(db, vendor, "Low", tier=4)
    high = make_service(db, vendor, "High", tier=2)
    assert vendor.tier == 2
    data = ServiceData(name="High", intake=INTAKES[3])
    services.save_service(db, vendor=vendor, service=high, data=data, actor=SYSTEM, now=NOW)
    assert (high.tier, low.tier, vendor.tier) == (3, 4, 3)
    retiers = [e.changes["tier"] for e in events(db, "vendor.retiered")]
    assert retiers == [[None, 4], [4, 2], [2, 3]]


def test_editing_an_intake_audits_only_what_changed(db):
    vendor = make_vendor(db)
    service = make_service(db, vendor, tier=4, annual_spend=Decimal("1200"))
    data = ServiceData(
        name="Assistant",
        intake=replace(INTAKES[4], data_class="customer_personal"),
        annual_spend=Decimal("1200.00"),
    )
    services.save_service(db, vendor=vendor, service=service, data=data, actor=SYSTEM, now=NOW)
    [event] = events(db, "service.updated")
    assert event.vendor_id == vendor.id
    assert event.changes["data_class"] == ["public", "customer_personal"]
    assert event.changes["tier"] == [4, 2]
    assert event.changes["inherent_risk"] == [1, 3]
    assert "annual_spend" not in event.changes


def test_saving_an_unchanged_service_writes_no_event(db):
    vendor = make_vendor(db)
    service = make_service(db, vendor, annual_spend=Decimal("99.50"))
    count = len(list(db.exec(select(AuditEvent))))
    data = ServiceData(name="Assistant", intake=INTAKES[4], annual_spend=Decimal("99.50"))
    services.save_service(db, vendor=vendor, service=service, data=data, actor=SYSTEM, now=NOW)
    assert len(list(db.exec(select(AuditEvent)))) == count


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, queries.VendorFilters()),
        ({"tier": "9", "status": "gone", "sort": "drop", "page": "abc"}, queries.VendorFilters()),
        ({"entity": "abc", "function": "-3", "owner": "x"}, queries.VendorFilters()),
        ({"entity": "99999999999999999999"}, queries.VendorFilters()),
        ({"page": "0"}, queries.VendorFilters()),
        ({"q": "  acme   ai "}, queries.VendorFilters(q="acme ai")),
        (
            {"tier": "none", "owner": "none", "status": "active", "sort": "-updated"},
            queries.VendorFilters(tier="none", owner="none", status="active", sort="-updated"),
        ),
        (
            {"entity": "3", "function": "4", "owner": "5", "page": "2"},
            queries.VendorFilters(entity=3, function=4, owner="5", page=2),
        ),
    ],
)
def test_filters_keep_valid_arguments_and_drop_the_rest(args, expected):
    assert queries.VendorFilters.from_args(args) == expected


def test_vendor_page_pages_in_sql_and_clamps_the_page_number(db):
    for name in ("Delta", "Alpha", "Echo", "Charlie", "Bravo"):
        make_vendor(db, f"{name} Ltd")
    page = queries.vendor_page(db, filters=queries.VendorFilters(page=7), size=2)
    assert (page.number, page.pages, page.total) == (3, 3, 5)
    assert [row.vendor.display_name for row in page.items] == ["Echo"]


def test_history_is_newest_first_and_readable(db, make_user):
    owner = make_user("procurement", name="Pat Owner")
    vendor = make_vendor(db)
    data = VendorData(
        legal_name="Acme AI Ltd", display_name="Acme", hq_country="SG", owner_id=owner.id
    )
    later = NOW + timedelta(hours=1)
    services.update_vendor(db, vendor=vendor, data=data, actor=SYSTEM, now=later)
    db.commit()
    page = queries.vendor_history(db, vendor_id=vendor.id, number=1, size=10)
    assert [entry.title for entry in page.items] == ["Vendor details changed", "Vendor onboarded"]
    changes = {c.field: (c.before, c.after) for c in page.items[0].changes}
    assert changes == {"HQ country": ("Hong Kong", "Singapore"), "Owner": ("—", "Pat Owner")}


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("tier", None, "Not tiered"),
        ("tier", 2, "T2"),
        ("is_public_facing", True, "Yes"),
        ("notes", "", "—"),
        (
            "regimes",
            ["HKMA", "MAS"],
            "HKMA (Hong Kong authorized institution), MAS (Singapore financial institution)",
        ),
        ("annual_spend", "1234567.5", "1,234,567.50"),
        ("users_affected", 20000, "20,000"),
        ("autonomy", "autonomous", "Autonomous actions"),
        ("status", "onboarding", "Onboarding"),
        ("owner_id", 404, "user #404"),
    ],
)
def test_audited_values_read_as_a_person_would(name, value, shown):
    assert readable_value(name, value, {}) == shown


def test_service_views_carry_links_and_domain_scores(db):
    vendor = make_vendor(db)
    entity = reference.save_entity(
        db, name="HK bank — HKMA", regimes=["HKMA"], is_active=True, actor=SYSTEM, now=NOW
    )
    function = reference.save_function(
        db, name="Customer service", is_active=True, actor=SYSTEM, now=NOW
    )
    make_service(
        db,
        vendor,
        tier=2,
        entity_ids=[entity.id],
        function_ids=[function.id],
        annual_spend=Decimal("10.00"),
    )
    make_service(db, vendor, "Other", tier=4, annual_spend=Decimal("5.25"))
    views = queries.vendor_services(db, vendor_id=vendor.id)
    assert [v.service.name for v in views] == ["Assistant", "Other"]
    assert views[0].entities == ["HK bank — HKMA"] and views[0].functions == ["Customer service"]
    assert {d.domain: d.score for d in views[0].domains}["confidential data"] == 3
    assert queries.total_spend(views) == Decimal("15.25")
