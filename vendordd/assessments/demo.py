"""Demo assessments: four demo vendors answer the standard questionnaire as the demo files do."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from vendordd.assessments.answering import save_answers
from vendordd.assessments.models import Assessment
from vendordd.assessments.scoring import score_assessment
from vendordd.assessments.services import start_assessment
from vendordd.audit.services import Actor
from vendordd.concentration.services import provider_lookup
from vendordd.questionnaires.answer_files import load_answer_file
from vendordd.questionnaires.services import definition_of, latest_version
from vendordd.resources import resource_dir
from vendordd.vendors.models import Vendor
from vendordd.vendors.services import legal_name_key

STANDARD = "genai-due-diligence"
# Answer file in questionnaires/demo/ -> the demo vendor whose services fit its context.
ANSWERED_BY = {
    "strong": "Harbourlight Intelligence Ltd",
    "weak": "Cobaltreed Systems Inc.",
    "knockouts": "Tessellate Claims AI Ltd",
    "no-genai": "Northwind Prose Ltd",
}


def load_demo_assessments(session: Session, *, now: datetime, actor: Actor) -> int:
    """Give each demo vendor above a scored assessment, unless it has one; returns how many."""
    version = latest_version(session, STANDARD)
    if version is None:
        raise LookupError(f"{STANDARD} is not published; publish the questionnaires first")
    definition = definition_of(version)
    providers = provider_lookup(session)
    made = 0
    for name, legal_name in ANSWERED_BY.items():
        vendor = session.exec(
            select(Vendor).where(Vendor.legal_name_key == legal_name_key(legal_name))
        ).first()
        if (
            vendor is None
            or session.exec(select(Assessment.id).where(Assessment.vendor_id == vendor.id)).first()
        ):
            continue
        path = resource_dir("questionnaires") / "demo" / f"{name}.yaml"
        loaded = load_answer_file(path, definition, providers)
        if loaded.errors:  # the shipped files are tested to load cleanly
            raise ValueError(f"{path.name}: {loaded.errors}")
        assessment = start_assessment(session, vendor=vendor, version=version, now=now, actor=actor)
        save_answers(session, assessment=assessment, answers=loaded.answers, now=now, actor=actor)
        score_assessment(session, assessment=assessment, now=now, actor=actor)
        made += 1
    return made
