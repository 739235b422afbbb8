"""Admin's reference data: group entities with their regimes, and business functions."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from tests.conftest import NOW, SYSTEM
from tests.vendors.test_services import make_service, make_vendor
from vendordd.audit.models import AuditEvent
from vendordd.vendors import reference
from vendordd.vendors.models import BusinessFunction, Entity


def events(db, action: str) -> list[AuditEvent]:
    return list(db.exec(select(AuditEvent).where(AuditEvent.action == action)))


def test_empty_lists_invite_the_first_entry(login_as, client):
    login_as("admin")
    assert "No entities yet" in client.get("/vendors/entities").text
    assert "No business functions yet" in client.get("/vendors/functions").text


def test_admin_adds_an_entity_with_its_regimes(login_as, client, db):
    login_as("admin")
    response = client.post(
        "/vendors/entities", data={"name": " HK bank — HKMA ", "regimes": ["HKMA", "EU_AI_ACT"]}
    )
    assert response.status_code == 302
    entity = db.exec(select(Entity)).one()
    assert (entity.name, entity.regimes, entity.is_active) == (
        "HK bank — HKMA",
        ["EU_AI_ACT", "HKMA"],
        True,
    )
    [event] = events(db, "entity.created")
    assert event.changes["regimes"] == [None, ["EU_AI_ACT", "HKMA"]]
    page = client.get("/vendors/entities").text
    assert "Entity HK bank — HKMA added." in page
    assert "HKMA (Hong Kong authorized institution)" in page


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"name": "", "regimes": ["HKMA"]}, "Enter a name."),
        ({"name": "SG branch", "regimes": ["FCA"]}, "not a valid choice"),
        ({"name": "x" * 121}, "Field cannot be longer than 120 characters."),
        ({"name": "HK bank — HKMA"}, "An entity named &#39;HK bank — HKMA&#39; already exists."),
    ],
)
def test_bad_entity_input_is_refused(login_as, client, db, form, error):
    reference.save_entity(
        db, name="HK bank — HKMA", regimes=[], is_active=True, actor=SYSTEM, now=NOW
    )
    db.commit()
    login_as("admin")
    response = client.post("/vendors/entities", data=form)
    assert response.status_code == 422 and error in response.text
    assert len(db.exec(select(Entity)).all()) == 1


def test_admin_renames_changes_regimes_and_deactivates_an_entity(login_as, client, db):
    entity = reference.save_entity(
        db, name="SG branch", regimes=["MAS"], is_active=True, actor=SYSTEM, now=NOW
    )
    db.commit()
    login_as("admin")
    url = f"/vendors/entities/{entity.id}"
    form = client.get(url).text
    assert re.findall(
        r'<input checked id="regimes-\d" name="regimes" [^>]*value="(\w+)"', form
    ) == ["MAS"]
    response = client.post(url, data={"name": "SG branch — MAS", "regimes": ["MAS", "DORA"]})
    assert response.status_code == 302
    db.refresh(entity)
    assert (entity.name, entity.regimes, entity.is_active) == (
        "SG branch — MAS",
        ["DORA", "MAS"],
        False,  # the active box was left unticked
    )
    [event] = events(db, "entity.updated")
    assert event.changes == {
        "is_active": [True, False],
        "name": ["SG branch", "SG branch — MAS"],
        "regimes": [["MAS"], ["DORA", "MAS"]],
    }
    assert "Inactive" in client.get("/vendors/entities").text


def test_entity_list_counts_the_services_using_each(login_as, client, db):
    entity = reference.save_entity(
        db, name="EU subsidiary — DORA", regimes=["DORA"], is_active=True, actor=SYSTEM, now=NOW
    )
    vendor = make_vendor(db)
    make_service(db, vendor, "One", entity_ids=[entity.id])
    make_service(db, vendor, "Two", entity_ids=[entity.id])
    login_as("admin")
    assert '<td class="num">2</td>' in client.get("/vendors/entities").text


def test_admin_adds_renames_and_deactivates_a_function(login_as, client, db):
    login_as("admin")
    assert client.post("/vendors/functions", data={"name": "Customer service"}).status_code == 302
    function = db.exec(select(BusinessFunction)).one()
    duplicate = client.post("/vendors/functions", data={"name": "Customer service"})
    assert duplicate.status_code == 422
    assert "A business function named &#39;Customer service&#39; already exists." in duplicate.text
    url = f"/vendors/functions/{function.id}"
    response = client.post(url, data={"name": "Client service", "is_active": "y"})
    assert response.status_code == 302
    db.refresh(function)
    assert (function.name, function.is_active) == ("Client service", True)
    client.post(url, data={"name": "Client service"})
    db.refresh(function)
    assert function.is_active is False
    assert [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.seq))][-3:] == [
        "function.created",
        "function.updated",
        "function.updated",
    ]


def test_deactivated_function_is_no_longer_offered_on_new_services(login_as, client, db):
    reference.save_function(db, name="Retired function", is_active=False, actor=SYSTEM, now=NOW)
    reference.save_function(db, name="Live function", is_active=True, actor=SYSTEM, now=NOW)
    vendor = make_vendor(db)
    login_as("procurement")
    form = client.get(f"/vendors/{vendor.id}/services/new").text
    assert "Live function" in form and "Retired function" not in form


def test_unknown_reference_rows_are_404(login_as, client):
    login_as("admin")
    assert client.get("/vendors/entities/999").status_code == 404
    assert client.post("/vendors/functions/999", data={"name": "x"}).status_code == 404


@pytest.mark.parametrize("role", ["procurement", "risk", "auditor"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/vendors/entities"),
        ("post", "/vendors/entities"),
        ("get", "/vendors/entities/{e}"),
        ("post", "/vendors/entities/{e}"),
        ("get", "/vendors/functions"),
        ("post", "/vendors/functions"),
        ("get", "/vendors/functions/{f}"),
        ("post", "/vendors/functions/{f}"),
    ],
)
def test_only_admin_manages_reference_data(login_as, client, db, role, method, path):
    entity = reference.save_entity(db, name="E", regimes=[], is_active=True, actor=SYSTEM, now=NOW)
    function = reference.save_function(db, name="F", is_active=True, actor=SYSTEM, now=NOW)
    db.commit()
    login_as(role)
    url = path.format(e=entity.id, f=function.id)
    response = getattr(client, method)(url, data={"name": "Changed"})
    assert response.status_code == 403
    names = db.exec(select(Entity.name)).all() + db.exec(select(BusinessFunction.name)).all()
    assert names == ["E", "F"]
