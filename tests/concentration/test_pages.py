"""The chain on the vendor page, and the correction pages for risk staff."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.concentration.helpers import publish_standard, submitted_from_file, vendor_with_services
from tests.conftest import NOW, SYSTEM
from tests.vendors.test_services import events
from vendordd.concentration.derivation import derive_dependencies
from vendordd.concentration.models import Dependency, Provider


@pytest.fixture
def acme(db):
    publish_standard(db)
    return vendor_with_services(db, services=("Advisor",))


def derived(db, vendor, name, days=0):
    assessment = submitted_from_file(db, vendor, name, days=days)
    derive_dependencies(db, assessment=assessment, now=NOW, actor=SYSTEM)
    db.commit()
    return assessment


def row_of(db, key: str) -> Dependency:
    provider = db.exec(select(Provider.id).where(Provider.key == key)).one()
    return db.exec(select(Dependency).where(Dependency.provider_id == provider)).one()


def test_a_vendor_without_dependencies_says_so(client, login_as, acme):
    login_as("risk")

    page = client.get(f"/vendors/{acme.id}")

    assert page.status_code == 200
    assert "Fourth-party map" in page.text
    assert "No dependencies recorded yet." in page.text
    assert "Add a dependency" in page.text


def test_the_page_draws_the_chain_layer_by_layer_with_sources(client, login_as, db, acme):
    derived(db, acme, "strong")
    second = derived(db, acme, "weak", days=30)
    login_as("procurement")

    page = client.get(f"/vendors/{acme.id}").text

    headings = ["Vendor", "Model developers", "Clouds", "Processing countries",
                "Storage countries", "Other critical services"]  # fmt: skip
    positions = [page.index(f">{h}</h3>") for h in headings]
    assert positions == sorted(positions)
    assert "Hosting platforms</h3>" not in page  # weak answers name none
    assert f"from CN-01b in assessment {second.id}" in page
    assert "GPT-4o mini" in page
    assert f"Changed by assessment {second.id} since assessment {second.id - 1}" in page
    assert "<strong>Removed</strong> · Hosting platforms: Amazon Bedrock, Azure OpenAI Service" in (
        page
    )
    assert "Correct or remove" not in page and "Add a dependency" not in page


def test_risk_adds_a_dependency_and_the_page_shows_who_and_why(client, login_as, db, acme):
    derived(db, acme, "weak")
    user = login_as("risk")
    service = db.exec(select(Dependency.service_id)).first()

    refused = client.post(
        f"/concentration/vendors/{acme.id}/dependencies/new",
        data={"service": service, "layer": "other", "provider": "Acme Guardrails", "reason": ""},
    )
    assert refused.status_code == 422
    assert "Give the reason" in refused.text
    added = client.post(
        f"/concentration/vendors/{acme.id}/dependencies/new",
        data={"service": service, "layer": "other", "provider": "Acme Guardrails",
              "substitutability": "medium_complexity", "reason": "In the SOC 2 report"},
    )  # fmt: skip

    assert added.status_code == 302
    assert added.location.endswith(f"/vendors/{acme.id}#chain")
    page = client.get(f"/vendors/{acme.id}").text
    assert f"added by {user.name}: In the SOC 2 report" in page
    assert "unregistered" in page and "Medium complexity" in page
    assert len(events(db, "dependency.added")) == 1


def test_risk_corrects_and_removes_a_dependency_through_its_page(client, login_as, db, acme):
    derived(db, acme, "weak")
    user = login_as("risk")
    aws = row_of(db, "aws")

    form = client.get(f"/concentration/dependencies/{aws.id}")
    assert form.status_code == 200
    assert "from CN-03b in assessment" in form.text
    corrected = client.post(
        f"/concentration/dependencies/{aws.id}",
        data={"substitutability": "not_substitutable", "has_exit_plan": "no",
              "is_failover_tested": "yes", "failover_tested_on": "2026-10-01",
              "reason": "Single region"},
    )  # fmt: skip
    assert corrected.status_code == 302
    db.expire_all()
    stored = db.get(Dependency, aws.id)
    assert (stored.substitutability, stored.has_exit_plan, stored.is_failover_tested) == (
        "not_substitutable", False, True
    )  # fmt: skip

    refused = client.post(f"/concentration/dependencies/{aws.id}/remove", data={"reason": ""})
    assert refused.status_code == 422
    removed = client.post(
        f"/concentration/dependencies/{aws.id}/remove", data={"reason": "Moved to Azure"}
    )
    assert removed.status_code == 302
    page = client.get(f"/vendors/{acme.id}").text
    assert f"removed by {user.name}: Moved to Azure" in page
    assert "Removed by hand (1)" in page


def test_procurement_cannot_correct(client, login_as, db, acme):
    derived(db, acme, "weak")
    login_as("procurement")
    aws = row_of(db, "aws")

    response = client.post(f"/concentration/dependencies/{aws.id}/remove", data={"reason": "x"})

    assert response.status_code == 403
    db.expire_all()
    assert db.get(Dependency, aws.id).removed_at is None
