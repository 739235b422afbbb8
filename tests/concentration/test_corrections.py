"""Hand corrections: add, correct and remove dependencies, each audited with before and after."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from tests.concentration.helpers import publish_standard, submitted_from_file, vendor_with_services
from tests.conftest import NOW, SYSTEM
from tests.vendors.test_services import events
from vendordd.auth.services import actor_for
from vendordd.concentration.dependencies import (
    DependencyError,
    Resilience,
    add_dependency,
    correct_dependency,
    remove_dependency,
)
from vendordd.concentration.derivation import derive_dependencies
from vendordd.concentration.models import Dependency, Provider
from vendordd.vendors.models import Service


@pytest.fixture
def risk(make_user):
    return actor_for(make_user("risk", name="Rafael Risk"))


@pytest.fixture
def acme(db):
    publish_standard(db)
    vendor = vendor_with_services(db, services=("Advisor",))
    derive_dependencies(
        db, assessment=submitted_from_file(db, vendor, "strong"), now=NOW, actor=SYSTEM
    )
    db.commit()
    return vendor


def service(db) -> Service:
    return db.exec(select(Service)).one()


def add(db, actor, **fields) -> Dependency:
    values = {
        "layer": "other", "provider": None, "country": None, "family": None, "version": None,
        "resilience": Resilience(), "reason": "Named in the SOC 2 report",
    } | fields  # fmt: skip
    return add_dependency(db, service=service(db), now=NOW, actor=actor, **values)


def model_row(db, family: str) -> Dependency:
    return db.exec(select(Dependency).where(Dependency.model_family == family)).one()


def test_a_registered_provider_typed_in_any_case_is_linked_and_the_addition_audited(db, acme, risk):
    row = add(db, risk, provider="  mongodb ATLAS ", resilience=Resilience("easily_substitutable"))
    db.commit()

    atlas = db.exec(select(Provider).where(Provider.key == "mongodb-atlas")).one()
    assert (row.provider_id, row.provider_name, row.is_unregistered) == (atlas.id, None, False)
    assert (row.source, row.added_by_id) == ("manual", risk.id)
    assert row.reason == "Named in the SOC 2 report"
    event = events(db, "dependency.added")[-1]
    assert (event.actor_label, event.vendor_id, event.object_id) == (
        "Rafael Risk <risk@bank.example>", acme.id, str(row.id)
    )  # fmt: skip
    assert event.object_label == "MongoDB Atlas (other critical services) for Advisor"
    assert event.changes["substitutability"] == [None, "easily_substitutable"]
    assert event.changes["reason"] == "Named in the SOC 2 report"


def test_an_unknown_provider_is_kept_and_flagged_and_a_country_is_checked(db, acme, risk):
    row = add(db, risk, provider="Acme Guardrails")
    country = add(db, risk, layer="processing_country", country="jp")

    assert (row.provider_id, row.provider_name, row.is_unregistered) == (
        None, "Acme Guardrails", True
    )  # fmt: skip
    assert country.country == "JP"
    with pytest.raises(DependencyError, match="country"):
        add(db, risk, layer="storage_country", country="XX")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"provider": "Pinecone"}, "already recorded for Advisor"),
        ({"provider": "Acme", "reason": "  "}, "Give the reason"),
        ({"provider": ""}, "Name the provider"),
        ({"provider": "Acme", "family": "X"}, "belong to a model developer"),
        ({"provider": "Acme", "resilience": Resilience("maybe")}, "Choose a substitutability"),
        (
            {"provider": "Acme", "resilience": Resilience(failover_tested_on=date(2027, 1, 1))},
            "cannot be in the future",
        ),
    ],
)
def test_additions_are_refused_with_a_reason(db, acme, risk, fields, message):
    with pytest.raises(DependencyError, match=message):
        add(db, risk, **fields)


def test_correcting_resilience_keeps_the_derived_row_and_audits_before_and_after(db, acme, risk):
    row = model_row(db, "GPT-4o")
    resilience = Resilience("not_substitutable", False, True, True, date(2026, 8, 20))

    kept = correct_dependency(
        db, dependency=row, family="GPT-4o", version="2024-08-06", resilience=resilience,
        reason="Prompt logic tied to GPT-4o", now=NOW, actor=risk,
    )  # fmt: skip
    db.commit()

    assert kept.id == row.id and kept.source == "derived"
    assert (kept.substitutability, kept.has_alternative, kept.failover_tested_on) == (
        "not_substitutable", False, date(2026, 8, 20)
    )  # fmt: skip
    event = events(db, "dependency.corrected")[-1]
    assert event.changes["substitutability"] == [None, "not_substitutable"]
    assert event.changes["has_alternative"] == [None, False]
    assert event.changes["reason"] == "Prompt logic tied to GPT-4o"
    assert "model_version" not in event.changes


def test_correcting_a_derived_models_version_keeps_the_answer_removed_beside_a_manual_row(
    db, acme, risk
):
    row = model_row(db, "GPT-4o")

    kept = correct_dependency(
        db, dependency=row, family="GPT-4o", version="2024-11-20", resilience=Resilience(),
        reason="Vendor confirmed the upgrade by email", now=NOW, actor=risk,
    )  # fmt: skip
    db.commit()

    assert kept.id != row.id
    assert (kept.source, kept.model_version, kept.provider_id) == (
        "manual", "2024-11-20", row.provider_id
    )  # fmt: skip
    assert row.removed_at == NOW
    assert row.removal_reason == "Corrected: Vendor confirmed the upgrade by email"
    assert [e.changes["model_version"] for e in events(db, "dependency.corrected")] == [
        [None, "2024-11-20"]
    ]
    assert len(events(db, "dependency.removed")) == 1


def test_removal_keeps_the_row_with_who_and_why_and_is_audited(db, acme, risk):
    row = model_row(db, "text-embedding-3-large")

    remove_dependency(db, dependency=row, reason="Embeddings run in-house", now=NOW, actor=risk)
    db.commit()

    db.expire_all()
    stored = db.get(Dependency, row.id)
    assert (stored.removed_at, stored.removed_by_id, stored.removal_reason) == (
        NOW, risk.id, "Embeddings run in-house"
    )  # fmt: skip
    event = events(db, "dependency.removed")[-1]
    assert event.changes == {
        "removed_at": [None, NOW.isoformat()],
        "source": "derived",
        "reason": "Embeddings run in-house",
    }
    with pytest.raises(DependencyError, match="already removed"):
        remove_dependency(db, dependency=stored, reason="again", now=NOW, actor=risk)
    with pytest.raises(DependencyError, match="Give the reason"):
        remove_dependency(db, dependency=model_row(db, "GPT-4o"), reason="", now=NOW, actor=risk)
