"""An assessment with the vendor, on a questionnaire with evidence questions, and its store."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest

from tests.conftest import NOW, SYSTEM
from tests.questionnaires.sample_definitions import mini, publish
from tests.vendors.test_services import make_service, make_vendor
from vendordd.assessments.evidence import MB, add_evidence
from vendordd.assessments.models import Assessment, Evidence
from vendordd.assessments.services import start_assessment
from vendordd.assessments.workflow import IN_PROGRESS
from vendordd.questionnaires.services import find_version
from vendordd.storage import LocalStorage, storage_for
from vendordd.vendors.models import Contact, Vendor
from vendordd.vendors.services import add_contact

EVIDENCE_QUESTION = {
    "key": "EV-01",
    "domain": "embedded",
    "text": "Provide your latest SOC 2 Type II report.",
    "type": "evidence",
    "evidence": {"requirement": "required", "description": "SOC 2 Type II report"},
    "scoring": {"weight": 2, "if_answered": 100},
    "regulatory": ["INT-FSB-TPRM"],
}


@dataclass
class World:
    vendor: Vendor
    contact: Contact
    assessment: Assessment
    storage: LocalStorage


def evidence_definition() -> dict:
    """The mini questionnaire (DR-01 asks for optional evidence) plus an evidence question."""
    definition = mini()
    definition["questions"] = [*definition["questions"], EVIDENCE_QUESTION]
    return definition


def open_assessment(db, name: str, email: str) -> tuple[Vendor, Contact, Assessment]:
    """A vendor with a service and a contact, and its assessment in progress."""
    vendor = make_vendor(db, name)
    make_service(db, vendor)
    contact = add_contact(
        db, vendor=vendor, name="Vera", email=email, role_title="CISO", actor=SYSTEM, now=NOW
    )
    version = find_version(db, key="mini", version="1.0.0")
    assessment = start_assessment(db, vendor=vendor, version=version, now=NOW, actor=SYSTEM)
    assessment.status = IN_PROGRESS
    db.add(assessment)
    db.commit()
    return vendor, contact, assessment


@pytest.fixture
def world(app, db, tmp_path) -> World:
    publish(db, tmp_path / "questionnaires", evidence_definition())
    vendor, contact, assessment = open_assessment(db, "Acme AI Ltd", "vera@acme.example")
    return World(vendor, contact, assessment, storage_for(app))


def upload(db, world: World, name: str, content: bytes, key: str = "EV-01", **dates) -> Evidence:
    """Add a file through the service (1 MB limit), committed."""
    evidence = add_evidence(
        db,
        storage=world.storage,
        assessment=world.assessment,
        question_key=key,
        filename=name,
        stream=io.BytesIO(content),
        effective_on=dates.get("effective_on"),
        expires_on=dates.get("expires_on"),
        max_bytes=1 * MB,
        now=NOW,
        actor=SYSTEM,
    )
    db.commit()
    return evidence


def stored_files(world: World) -> list[str]:
    """Names in the evidence folder (temporary files included)."""
    root = world.storage.root
    return sorted(path.name for path in root.iterdir()) if root.exists() else []
