"""The map is derived when a vendor submits, and `vendordd concentration derive` rebuilds it."""

from __future__ import annotations

from sqlmodel import select

from tests.concentration.helpers import publish_standard, submitted_from_file, vendor_with_services
from tests.conftest import NOW, SYSTEM
from tests.portal.helpers import answer, vendor_with_assessment
from tests.questionnaires.sample_definitions import mini, publish
from tests.vendors.test_services import events
from vendordd.concentration.dependencies import Resilience, add_dependency
from vendordd.concentration.models import Dependency, DependencyDerivation, Provider
from vendordd.portal.submission import submit_assessment
from vendordd.vendors.models import Service

CLOUDS = {
    "key": "CN-03b",
    "domain": "residency",
    "text": "Which cloud providers host the service?",
    "type": "providers",
    "maps_to": "fourth_party.clouds",
    "regulatory": ["EU-DORA 29(2)"],
}


def test_submitting_derives_the_map_from_the_answers(db, tmp_path):
    definition = mini()
    definition["questions"].append(CLOUDS)
    publish(db, tmp_path, definition)
    publish_standard(db)
    vendor, _contact, assessment = vendor_with_assessment(db, "Acme AI Ltd", "mei@acme.example")
    answer(db, assessment, {"EG-01": "no", "DR-01": "HK", "DR-02": "90",
                            "CN-03b": "Amazon Web Services; Acme Cloud"})  # fmt: skip

    submit_assessment(
        db, assessment=assessment, attested_name="Mei Chan", attested_title="CISO",
        statement="True.", base_url="http://x", now=NOW, actor=SYSTEM,
    )  # fmt: skip
    db.commit()

    rows = db.exec(select(Dependency).where(Dependency.vendor_id == vendor.id)).all()
    aws = db.exec(select(Provider.id).where(Provider.key == "aws")).one()
    assert {(r.layer, r.provider_id, r.provider_name, r.question_key) for r in rows} == {
        ("cloud", aws, None, "CN-03b"),
        ("cloud", None, "Acme Cloud", "CN-03b"),
        ("storage_country", None, None, "DR-01"),
    }
    assert [e.object_id for e in events(db, "dependencies.derived")] == [str(assessment.id)]


def test_the_cli_derives_every_vendor_from_its_latest_submitted_assessment(runner, db):
    publish_standard(db)
    acme, beta = vendor_with_services(db), vendor_with_services(db, "Beta Labs", ("Chat",))
    submitted_from_file(db, acme, "strong")
    latest = submitted_from_file(db, acme, "weak", days=10)
    only = submitted_from_file(db, beta, "no-genai")
    chat = db.exec(select(Service).where(Service.vendor_id == beta.id)).one()
    manual = add_dependency(
        db, service=chat, layer="cloud", provider="oracle cloud infrastructure", country=None,
        family=None, version=None, resilience=Resilience(), reason="Backups", now=NOW,
        actor=SYSTEM,
    )  # fmt: skip
    db.commit()

    result = runner.invoke(args=["vendordd", "concentration", "derive"])

    assert result.exit_code == 0, result.output
    assert "Derived the fourth-party map of 2 vendors" in result.output
    derived = db.exec(select(DependencyDerivation)).all()
    assert {(d.vendor_id, d.assessment_id) for d in derived} == {
        (acme.id, latest.id),
        (beta.id, only.id),
    }
    sources = db.exec(
        select(Dependency.vendor_id, Dependency.assessment_id).where(Dependency.source == "derived")
    ).all()
    assert set(sources) == {(acme.id, latest.id), (beta.id, only.id)}
    db.expire_all()
    kept = db.get(Dependency, manual.id)
    assert (kept.removed_at, kept.provider_id) == (
        None,
        db.exec(select(Provider.id).where(Provider.key == "oracle-cloud")).one(),
    )
    again = runner.invoke(args=["vendordd", "concentration", "derive"])
    assert "2 vendors from their latest submitted assessments; 0 changed" in again.output
