"""Evidence files on an assessment's questions: upload, removal, and what each question holds.

A file is checked (size, type by content) before its row is written; a refused upload leaves
neither a file nor a row. Removal only hides a file from the answer: the file and its record
stay, so nothing a vendor sent is lost. On a question of type `evidence` the answer is kept in
step with the files (their ids), so scoring and the "required" checks see them.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import BinaryIO

from sqlalchemy import func
from sqlmodel import Session, select

from vendordd.assessments.answering import save_answers
from vendordd.assessments.filetypes import FileTypeRefused, detect
from vendordd.assessments.models import Assessment, Evidence
from vendordd.assessments.services import AssessmentError
from vendordd.assessments.workflow import DRAFT, STATUS_LABELS, WITH_VENDOR, editable_keys
from vendordd.audit.services import Actor, record_event
from vendordd.questionnaires.schema import Question
from vendordd.questionnaires.services import definition_for
from vendordd.storage import FileTooLarge, LocalStorage
from vendordd.vendors.importing import display_filename

UPLOADED_ACTION = "evidence.uploaded"
REMOVED_ACTION = "evidence.removed"
MB = 1024 * 1024
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class EvidenceError(AssessmentError):
    """An upload or removal refused; the message says what is wrong. Nothing was stored."""


def evidence_question(session: Session, *, assessment: Assessment, question_key: str) -> Question:
    """The question of the pinned version that asks for evidence; LookupError if none does."""
    question = definition_for(session, assessment.questionnaire_version_id).by_key.get(question_key)
    if question is None or (question.type != "evidence" and question.evidence is None):
        raise LookupError(f"no question {question_key!r} asking for evidence")
    return question


def is_editable(session: Session, *, assessment: Assessment, question_key: str) -> bool:
    """Whether the question's evidence may change now (the same rule as its answer)."""
    if assessment.status != DRAFT and assessment.status not in WITH_VENDOR:
        return False
    allowed = editable_keys(session, assessment=assessment)
    return allowed is None or question_key in allowed


def add_evidence(
    session: Session,
    *,
    storage: LocalStorage,
    assessment: Assessment,
    question_key: str,
    filename: str | None,
    stream: BinaryIO,
    effective_on: date | None,
    expires_on: date | None,
    max_bytes: int,
    now: datetime,
    actor: Actor,
) -> Evidence:
    """Store an uploaded file as evidence for a question; refuses with EvidenceError."""
    question = evidence_question(session, assessment=assessment, question_key=question_key)
    _check_editable(session, assessment, question_key)
    if effective_on and expires_on and expires_on <= effective_on:
        raise EvidenceError("The expiry date must be after the effective date.")
    name = CONTROL.sub("", display_filename(filename)) or "upload"
    try:
        stored = storage.save(stream, max_bytes)
    except FileTooLarge:
        raise EvidenceError(
            f"'{name}' is larger than {max_bytes / MB:g} MB, the largest evidence file "
            "accepted. Nothing was stored."
        ) from None
    try:
        if stored.size == 0:
            raise EvidenceError(f"'{name}' is empty. Nothing was stored.")
        with storage.open(stored.key) as saved:
            kind = detect(saved, name)
        evidence = Evidence(
            assessment_id=assessment.id,
            question_key=question_key,
            storage_key=stored.key,
            filename=name,
            content_type=kind.mimetype,
            size_bytes=stored.size,
            sha256=stored.sha256,
            effective_on=effective_on,
            expires_on=expires_on,
            uploaded_at=now,
            uploaded_by=actor.label[:200],
        )
        session.add(evidence)
        session.flush()
        _keep_answer_in_step(session, assessment, question, now, actor)
    except FileTypeRefused as refused:
        storage.delete(stored.key)
        raise EvidenceError(f"{refused} Nothing was stored.") from None
    except BaseException:
        storage.delete(stored.key)
        raise
    _audit(session, UPLOADED_ACTION, evidence, assessment, now, actor, removed=False)
    return evidence


def remove_evidence(
    session: Session, *, assessment: Assessment, evidence_id: int, now: datetime, actor: Actor
) -> Evidence:
    """Take a file off its question; the file and its record are kept. LookupError if unknown."""
    evidence = find_evidence(session, assessment_id=assessment.id, evidence_id=evidence_id)
    if evidence is None or evidence.removed_at is not None:
        raise LookupError(f"no evidence {evidence_id} on assessment {assessment.id}")
    question = evidence_question(session, assessment=assessment, question_key=evidence.question_key)
    _check_editable(session, assessment, evidence.question_key)
    evidence.removed_at = now
    session.add(evidence)
    session.flush()
    _keep_answer_in_step(session, assessment, question, now, actor)
    _audit(session, REMOVED_ACTION, evidence, assessment, now, actor, removed=True)
    return evidence


def evidence_of(session: Session, *, assessment_id: int) -> dict[str, list[Evidence]]:
    """The assessment's current (not removed) files by question key, oldest first."""
    rows = session.exec(
        select(Evidence)
        .where(Evidence.assessment_id == assessment_id, Evidence.removed_at.is_(None))
        .order_by(Evidence.uploaded_at, Evidence.id)
    )
    found: dict[str, list[Evidence]] = {}
    for row in rows:
        found.setdefault(row.question_key, []).append(row)
    return found


def evidence_counts(session: Session, *, assessment_id: int) -> dict[str, int]:
    """Question key -> how many current (not removed) files it has."""
    rows = session.exec(
        select(Evidence.question_key, func.count())
        .where(Evidence.assessment_id == assessment_id, Evidence.removed_at.is_(None))
        .group_by(Evidence.question_key)
    )
    return dict(rows.all())


def find_evidence(session: Session, *, assessment_id: int, evidence_id: int) -> Evidence | None:
    """One file of the assessment (removed ones included), or None for another's or none."""
    evidence = session.get(Evidence, evidence_id)
    return evidence if evidence and evidence.assessment_id == assessment_id else None


def _check_editable(session: Session, assessment: Assessment, question_key: str) -> None:
    if assessment.status != DRAFT and assessment.status not in WITH_VENDOR:
        label = STATUS_LABELS.get(assessment.status, assessment.status).lower()
        raise EvidenceError(f"The assessment is {label}; its evidence can no longer change.")
    if not is_editable(session, assessment=assessment, question_key=question_key):
        raise EvidenceError(
            f"Only the questions with a clarification requested can change now; not {question_key}."
        )


def _keep_answer_in_step(
    session: Session, assessment: Assessment, question: Question, now: datetime, actor: Actor
) -> None:
    """An `evidence` question's answer is the ids of its current files (none: unanswered)."""
    if question.type != "evidence":
        return
    files = evidence_of(session, assessment_id=assessment.id).get(question.key, [])
    value = tuple(str(row.id) for row in files) or None
    save_answers(
        session, assessment=assessment, answers={question.key: value}, now=now, actor=actor
    )


def _audit(
    session: Session,
    action: str,
    evidence: Evidence,
    assessment: Assessment,
    now: datetime,
    actor: Actor,
    *,
    removed: bool,
) -> None:
    facts = {
        "question": evidence.question_key,
        "filename": evidence.filename,
        "content_type": evidence.content_type,
        "size_bytes": evidence.size_bytes,
        "sha256": evidence.sha256,
        "effective_on": evidence.effective_on,
        "expires_on": evidence.expires_on,
    }
    record_event(
        session,
        actor=actor,
        action=action,
        object_type="evidence",
        object_id=evidence.id,
        object_label=f"{evidence.filename} ({evidence.question_key}, assessment {assessment.id})",
        vendor_id=assessment.vendor_id,
        now=now,
        changes={
            name: [value, None] if removed else [None, value] for name, value in facts.items()
        },
    )
