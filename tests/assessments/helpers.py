"""An assessment of a vendor against a published version, answered and scored, committed."""

from __future__ import annotations

from typing import Any

from tests.conftest import NOW, SYSTEM
from vendordd.assessments.answering import save_answers
from vendordd.assessments.models import Assessment
from vendordd.assessments.scoring import score_assessment
from vendordd.assessments.services import start_assessment
from vendordd.questionnaires.answers import parse_answers
from vendordd.questionnaires.services import definition_of, find_version
from vendordd.vendors.models import Vendor


def scored_assessment(
    db, vendor: Vendor, raw_answers: dict[str, Any], *, key: str = "mini", version: str = "1.0.0"
) -> Assessment:
    """Start, answer (raw values, checked here) and score an assessment."""
    row = find_version(db, key=key, version=version)
    assert row is not None, f"{key} {version} is not published"
    answers, errors = parse_answers(definition_of(row), raw_answers)
    assert not errors, errors
    assessment = start_assessment(db, vendor=vendor, version=row, now=NOW, actor=SYSTEM)
    save_answers(db, assessment=assessment, answers=answers, now=NOW, actor=SYSTEM)
    score_assessment(db, assessment=assessment, now=NOW, actor=SYSTEM)
    db.commit()
    return assessment
