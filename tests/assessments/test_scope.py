"""An assessment's scope is the worst case across the vendor's services."""

from __future__ import annotations

from dataclasses import replace

from tests.conftest import NOW, SYSTEM
from tests.vendors.test_services import INTAKES, make_service, make_vendor
from vendordd.assessments.scope import Scope, vendor_scope
from vendordd.vendors import services
from vendordd.vendors.reference import save_entity
from vendordd.vendors.services import ServiceData


def entity(db, name: str, regimes: list[str]):
    return save_entity(db, name=name, regimes=regimes, is_active=True, actor=SYSTEM, now=NOW)


def test_a_vendor_without_services_has_no_scope_yet(db):
    vendor = make_vendor(db)
    assert vendor_scope(db, vendor_id=vendor.id) is None


def test_scope_takes_the_worst_service_and_every_entitys_regimes(db):
    hk = entity(db, "HK bank", ["SFC", "HKMA"])
    eu = entity(db, "EU insurer", ["EU_AI_ACT", "DORA"])
    sg = entity(db, "SG bank", ["MAS"])
    vendor, other = make_vendor(db), make_vendor(db, "Other Co")
    make_service(db, vendor, "Chat", tier=3, entity_ids=[hk.id])
    make_service(db, vendor, "Records", tier=2, entity_ids=[eu.id])
    make_service(db, other, "Elsewhere", tier=1, entity_ids=[sg.id])

    assert vendor_scope(db, vendor_id=vendor.id) == Scope(
        tier="T2",
        regimes=("HKMA", "SFC", "DORA", "EU_AI_ACT"),
        data_class="customer_personal",
        use_case="internal_productivity",
        is_critical=False,
    )


def test_a_critical_service_and_a_riskier_use_case_set_the_scope(db):
    vendor = make_vendor(db)
    make_service(db, vendor, "Operations", tier=1)
    advice = ServiceData(name="Adviser", intake=replace(INTAKES[4], use_case="customer_advice"))
    services.save_service(db, vendor=vendor, data=advice, actor=SYSTEM, now=NOW)

    scope = vendor_scope(db, vendor_id=vendor.id)

    assert scope == Scope(
        tier="T1",
        regimes=(),
        data_class="public",
        use_case="customer_advice",
        is_critical=True,
    )
