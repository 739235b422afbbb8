"""Deriving the fourth-party map from submitted answers: rows, re-derivation, change report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.concentration.helpers import publish_standard, submitted_from_file, vendor_with_services
from tests.conftest import NOW, SYSTEM
from tests.vendors.test_services import events
from vendordd.concentration.dependencies import (
    Resilience,
    add_dependency,
    correct_dependency,
    remove_dependency,
)
from vendordd.concentration.derivation import derive_dependencies
from vendordd.concentration.models import Dependency, DependencyDerivation, Provider
from vendordd.vendors.models import Service

LATER = NOW + timedelta(days=30)


@pytest.fixture
def acme(db):
    publish_standard(db)
    return vendor_with_services(db)


def keys(db) -> dict[int, str]:
    return {p.id: p.key for p in db.exec(select(Provider)).all()}


def live(db, vendor, service_name: str | None = None) -> set[tuple]:
    """(layer, provider key / name / country, family, version, question) of live rows."""
    names = keys(db)
    statement = (
        select(Dependency, Service.name)
        .join(Service)
        .where(Dependency.vendor_id == vendor.id, Dependency.removed_at.is_(None))
    )
    return {
        (
            row.layer,
            names.get(row.provider_id) or row.provider_name or row.country,
            row.model_family,
            row.model_version,
            row.question_key,
        )
        for row, service in db.exec(statement).all()
        if service_name in (None, service)
    }


def row_for(db, service: Service, key: str) -> Dependency:
    provider = db.exec(select(Provider.id).where(Provider.key == key)).one()
    return db.exec(
        select(Dependency).where(
            Dependency.service_id == service.id, Dependency.provider_id == provider
        )
    ).one()


def derive(db, assessment, now=NOW):
    change = derive_dependencies(db, assessment=assessment, now=now, actor=SYSTEM)
    db.commit()
    return change


def test_the_strong_answers_give_every_layer_of_the_chain_for_every_service(db, acme):
    assessment = submitted_from_file(db, acme, "strong")

    derive(db, assessment)

    expected = {
        ("model_developer", "openai", "GPT-4o", "2024-08-06", "CN-01b"),
        ("model_developer", "openai", "text-embedding-3-large", None, "CN-01b"),
        ("model_developer", "anthropic", "Claude 3.5 Sonnet", "20241022", "CN-01b"),
        ("hosting_platform", "azure-openai", None, None, "CN-03a"),
        ("hosting_platform", "amazon-bedrock", None, None, "CN-03a"),
        ("cloud", "azure", None, None, "CN-03b"),
        ("cloud", "aws", None, None, "CN-03b"),
        ("other", "pinecone", None, None, "CN-06"),
        ("other", "datadog", None, None, "CN-06"),
        ("processing_country", "HK", None, None, "DR-02"),
        ("processing_country", "SG", None, None, "DR-02"),
        ("storage_country", "HK", None, None, "DR-01a"),
        ("storage_country", "SG", None, None, "DR-01a"),
    }
    assert live(db, acme, "Advisor") == expected
    assert live(db, acme, "Search") == expected
    rows = db.exec(select(Dependency)).all()
    assert {(r.source, r.assessment_id, r.is_unregistered) for r in rows} == {
        ("derived", assessment.id, False)
    }


def test_a_developer_named_without_a_model_row_is_kept_without_a_family(db, acme):
    assessment = submitted_from_file(db, acme, "strong", changes={"CN-01a": ("openai", "mistral")})

    derive(db, assessment)

    developers = {f for f in live(db, acme, "Advisor") if f[0] == "model_developer"}
    assert ("model_developer", "mistral", None, None, "CN-01a") in developers
    assert not any(f[1] == "openai" and f[4] == "CN-01a" for f in developers)


def test_hosting_that_the_registry_knows_as_a_cloud_lands_in_the_cloud_layer(db, acme):
    rows = ({"developer": ("meta",), "family": "Llama 3.1", "access_path": "self_hosted",
             "hosting": ("google-cloud",)},)  # fmt: skip
    assessment = submitted_from_file(db, acme, "weak", changes={"CN-01b": rows})

    derive(db, assessment)

    found = live(db, acme, "Advisor")
    assert ("cloud", "google-cloud", None, None, "CN-01b") in found
    assert not any(f[0] == "hosting_platform" for f in found)


def test_free_text_providers_are_matched_ignoring_case_or_kept_and_flagged(db, acme):
    # Stored as typed: the registry did not know these names when the vendor answered.
    assessment = submitted_from_file(
        db, acme, "weak", changes={"CN-06": ("PINECONE", "Acme Vectors")}
    )

    derive(db, assessment)

    others = db.exec(select(Dependency).where(Dependency.layer == "other")).all()
    pinecone = db.exec(select(Provider).where(Provider.key == "pinecone")).one()
    assert {(r.provider_id, r.provider_name, r.is_unregistered) for r in others} == {
        (pinecone.id, None, False),
        (None, "Acme Vectors", True),
    }


def test_no_genai_answers_give_only_clouds_countries_and_other_services(db, acme):
    derive(db, submitted_from_file(db, acme, "no-genai"))

    assert {f[0] for f in live(db, acme)} == {
        "cloud", "other", "processing_country", "storage_country"
    }  # fmt: skip


def test_re_derivation_replaces_derived_rows_and_keeps_hand_corrections(db, acme):
    derive(db, submitted_from_file(db, acme, "strong"))
    services = {s.name: s for s in db.exec(select(Service)).all()}
    aws = row_for(db, services["Advisor"], "aws")
    correct_dependency(
        db, dependency=aws, family=None, version=None,
        resilience=Resilience(substitutability="highly_complex", has_exit_plan=True),
        reason="Exit plan reviewed", now=NOW, actor=SYSTEM,
    )  # fmt: skip
    pinecone = row_for(db, services["Search"], "pinecone")
    remove_dependency(db, dependency=pinecone, reason="Search has its own index", now=NOW,
                      actor=SYSTEM)  # fmt: skip
    manual = add_dependency(
        db, service=services["Advisor"], layer="other", provider="Acme Guardrails", country=None,
        family=None, version=None, resilience=Resilience(), reason="Seen in the SOC 2 report",
        now=NOW, actor=SYSTEM,
    )  # fmt: skip
    db.commit()
    later = submitted_from_file(db, acme, "weak", days=30)

    derive(db, later, LATER)

    advisor = live(db, acme, "Advisor")
    assert ("model_developer", "openai", "GPT-4o mini", None, "CN-01b") in advisor
    assert not any(f[2] == "Claude 3.5 Sonnet" for f in advisor)
    assert ("other", "Acme Guardrails", None, None, None) in advisor
    assert ("other", "pinecone", None, None, "CN-06") not in live(db, acme, "Search")
    db.expire_all()
    assert (aws.substitutability, aws.has_exit_plan, aws.assessment_id) == (
        "highly_complex", True, later.id
    )  # fmt: skip
    assert (pinecone.removed_at, pinecone.assessment_id) == (NOW, later.id)
    assert db.get(Dependency, manual.id).source == "manual"


def test_the_change_report_is_stored_per_layer_against_the_previous_assessment(db, acme):
    first = submitted_from_file(db, acme, "strong")
    derive(db, first)
    upgraded = {"developer": ("openai",), "family": "GPT-4o", "version": "2024-11-20",
                "access_path": "hyperscaler", "hosting": ("azure-openai",)}  # fmt: skip
    changes = {"CN-01b": (upgraded,)}
    second = submitted_from_file(db, acme, "strong", days=30, changes=changes)

    change = derive(db, second, LATER)

    assert change.changed == {"model_developer": ["OpenAI GPT-4o: 2024-08-06 → 2024-11-20"]}
    assert change.removed == {
        "model_developer": ["Anthropic Claude 3.5 Sonnet", "OpenAI text-embedding-3-large"]
    }
    # CN-01a still names Anthropic, now without a model row: kept without a family.
    assert change.added == {"model_developer": ["Anthropic"]}
    stored = db.exec(select(DependencyDerivation).order_by(DependencyDerivation.id)).all()
    assert [(d.assessment_id, d.previous_assessment_id) for d in stored] == [
        (first.id, None),
        (second.id, first.id),
    ]
    assert stored[-1].changes == change.to_json()
    event = events(db, "dependencies.derived")[-1]
    assert event.vendor_id == acme.id
    assert event.changes["changed"] == change.changed
    assert event.changes["services"] == 2


def test_deriving_the_same_answers_again_changes_nothing(db, acme):
    derive(db, submitted_from_file(db, acme, "strong"))
    before = live(db, acme)

    change = derive(db, submitted_from_file(db, acme, "strong", days=30), LATER)

    assert change.is_empty
    assert live(db, acme) == before
    assert len(db.exec(select(Dependency)).all()) == 26


def test_deriving_one_assessment_again_keeps_its_report_unless_something_changed(db, acme):
    first = submitted_from_file(db, acme, "weak")
    derive(db, first)
    second = submitted_from_file(db, acme, "strong", days=30)
    derive(db, second, LATER)

    assert derive(db, second, LATER).is_empty

    stored = db.exec(select(DependencyDerivation).order_by(DependencyDerivation.id)).all()
    assert [(d.assessment_id, d.previous_assessment_id) for d in stored] == [
        (first.id, None),
        (second.id, first.id),
    ]
    assert len(events(db, "dependencies.derived")) == 3
