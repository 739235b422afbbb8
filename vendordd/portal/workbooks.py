"""Answers completed offline: a workbook uploaded to the portal is saved whole or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from vendordd.assessments.answering import save_answers
from vendordd.assessments.models import Assessment
from vendordd.assessments.services import stored_answers
from vendordd.assessments.workflow import STATUS_LABELS, WITH_VENDOR, editable_keys
from vendordd.audit.services import Actor
from vendordd.concentration.services import provider_lookup
from vendordd.questionnaires.answers import dump_answer
from vendordd.questionnaires.services import definition_for
from vendordd.questionnaires.xlsx_import import import_xlsx
from vendordd.questionnaires.xlsx_reading import CellError

NOT_NOW = "only the questions with a clarification requested can change now"


@dataclass(frozen=True)
class Upload:
    """The answers a workbook changed, or every problem in it (and then nothing was saved)."""

    changed: list[str]
    errors: list[CellError]


def upload_answers(
    session: Session, *, assessment: Assessment, data: bytes, now: datetime, actor: Actor
) -> Upload:
    """Save the answers of a workbook exported for the assessment, or none: its problems."""
    if assessment.status not in WITH_VENDOR:
        status = STATUS_LABELS.get(assessment.status, assessment.status).lower()
        return Upload(
            [], [CellError("", "", None, f"The assessment is {status}; its answers are final.")]
        )
    definition = definition_for(session, assessment.questionnaire_version_id)
    found = import_xlsx(definition, data, providers=provider_lookup(session))
    if found.errors:
        return Upload([], found.errors)
    stored = stored_answers(session, assessment_id=assessment.id)
    # A blank cell is not read as an answer, so a workbook adds and changes answers, never clears.
    changed = {
        key: value for key, value in found.answers.items() if dump_answer(value) != stored.get(key)
    }
    allowed = editable_keys(session, assessment=assessment)
    if allowed is not None:
        refused = [key for key in changed if key not in allowed]
        if refused:
            return Upload([], [CellError("", "", key, NOT_NOW) for key in refused])
    saved = save_answers(session, assessment=assessment, answers=changed, now=now, actor=actor)
    return Upload(saved, [])
