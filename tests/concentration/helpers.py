"""A vendor with services whose assessment was answered from a demo answer file and submitted."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import NOW, SYSTEM
from tests.vendors.test_services import make_service, make_vendor
from vendordd.assessments.answering import save_answers
from vendordd.assessments.models import Assessment
from vendordd.assessments.scoring import score_assessment
from vendordd.assessments.services import start_assessment
from vendordd.assessments.workflow import SUBMITTED
from vendordd.concentration.services import provider_lookup, seed_providers
from vendordd.questionnaires.answer_files import load_answer_file
from vendordd.questionnaires.services import definition_of, find_version, publish_all
from vendordd.resources import resource_dir
from vendordd.vendors.models import Vendor

STANDARD = ("genai-due-diligence", "1.0.0")


def publish_standard(db) -> None:
    """The shipped questionnaires and the provider registry, committed."""
    publish_all(db, now=NOW, actor=SYSTEM)
    seed_providers(db, now=NOW, actor=SYSTEM)
    db.commit()


def vendor_with_services(db, name: str = "Acme AI Ltd", services=("Advisor", "Search")) -> Vendor:
    """A T1 vendor (so every fourth-party question is asked) with the named services."""
    vendor = make_vendor(db, name)
    for service in services:
        make_service(db, vendor, service, tier=1)
    db.refresh(vendor)
    return vendor


def submitted_from_file(
    db, vendor: Vendor, demo: str, *, days: int = 0, changes: dict | None = None
) -> Assessment:
    """An assessment answered from questionnaires/demo/<demo>.yaml (with checked `changes`),
    scored and submitted."""
    row = find_version(db, key=STANDARD[0], version=STANDARD[1])
    path = resource_dir("questionnaires") / "demo" / f"{demo}.yaml"
    loaded = load_answer_file(path, definition_of(row), provider_lookup(db))
    assert loaded.errors == {}
    at = NOW + timedelta(days=days)
    assessment = start_assessment(db, vendor=vendor, version=row, now=at, actor=SYSTEM)
    answers = loaded.answers | (changes or {})
    save_answers(db, assessment=assessment, answers=answers, now=at, actor=SYSTEM)
    score_assessment(db, assessment=assessment, now=at, actor=SYSTEM)
    assessment.status, assessment.submitted_at = SUBMITTED, at
    db.add(assessment)
    db.commit()
    return assessment
