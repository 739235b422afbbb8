"""What the review page shows per question: the answer in words, its score, flags, evidence,
review status, thread and earlier versions. Read-only assembly for the review and portal pages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from vendordd.assessments.evidence import evidence_of
from vendordd.assessments.models import (
    AnswerRevision,
    Assessment,
    ClarificationMessage,
    Evidence,
    QuestionReview,
)
from vendordd.assessments.readers import Reader, answer_readers
from vendordd.assessments.review import (
    changed_since_request,
    message_threads,
    question_reviews,
    stored_score,
)
from vendordd.assessments.services import stored_answers
from vendordd.assessments.workflow import CLARIFICATION_REQUESTED
from vendordd.concentration.services import provider_labels
from vendordd.questionnaires.answers import AnswerError
from vendordd.questionnaires.schema import Definition, Question
from vendordd.questionnaires.services import definition_for
from vendordd.questionnaires.xlsx_export import cell_value
from vendordd.scoring.result import MISSING, OUT_OF_SCOPE, QuestionScore


@dataclass
class QuestionView:
    """One question as a reviewer reads it."""

    question: Question
    score: QuestionScore | None
    answer: str | None  # in words; None when unanswered
    knockouts: list[str] = field(default_factory=list)
    red_flags: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    review: QuestionReview | None = None
    thread: list[ClarificationMessage] = field(default_factory=list)
    history: list[tuple[AnswerRevision, str | None]] = field(default_factory=list)
    is_changed: bool = False  # answer changed since the clarification was requested

    @property
    def needs_attention(self) -> bool:
        """A knockout, a red flag, an open clarification, a changed or a missing answer."""
        return bool(
            self.knockouts
            or self.red_flags
            or self.is_changed
            or (self.review is not None and self.review.status == CLARIFICATION_REQUESTED)
            or (self.score is not None and self.score.state == MISSING)
        )


@dataclass
class DomainView:
    key: str
    title: str
    questions: list[QuestionView]
    hidden: int  # questions not asked in this scope


class AnswerWords:
    """Stored answers (plain JSON) in words, as the spreadsheet shows them."""

    def __init__(
        self,
        definition: Definition,
        providers: Mapping[str, str],
        files: Mapping[str, str] | None = None,
    ) -> None:
        self.readers: dict[str, Reader] = answer_readers(definition)
        self.by_key = definition.by_key
        self.providers = providers
        self.files = files or {}  # an evidence question's file reference -> its file name

    def __call__(self, key: str, stored: Any) -> str | None:
        if stored is None:
            return None
        try:
            value = self.readers[key](stored)
        except (AnswerError, KeyError):
            return f"{stored} (no longer fits the question)"
        question = self.by_key[key]
        if question.type == "evidence":
            return "; ".join(self.files.get(ref, f"file {ref}") for ref in value)
        if question.type != "group":
            return str(cell_value(question, value, self.providers))
        columns = {column.key: column for column in question.fields or ()}
        return "\n".join(
            "; ".join(
                f"{columns[name].text}: {cell_value(columns[name], cell, self.providers)}"
                for name, cell in row.items()
                if name in columns and cell is not None
            )
            for row in value
        )


def answer_words(session: Session, *, assessment: Assessment) -> AnswerWords:
    """The formatter of this assessment's answers (evidence files by name, removed ones too)."""
    definition = definition_for(session, assessment.questionnaire_version_id)
    files = session.exec(
        select(Evidence.id, Evidence.filename).where(Evidence.assessment_id == assessment.id)
    )
    return AnswerWords(
        definition, provider_labels(session), {str(id_): name for id_, name in files}
    )


def review_domains(session: Session, *, assessment: Assessment) -> list[DomainView]:
    """Every question in the assessment's scope, per domain, with what a reviewer needs."""
    definition = definition_for(session, assessment.questionnaire_version_id)
    words = answer_words(session, assessment=assessment)
    result = stored_score(assessment)
    scores = {item.key: item for item in result.questions} if result else {}
    stored = stored_answers(session, assessment_id=assessment.id)
    reviews = question_reviews(session, assessment_id=assessment.id)
    threads = message_threads(session, assessment_id=assessment.id)
    changed = changed_since_request(session, assessment_id=assessment.id)
    evidence = evidence_of(session, assessment_id=assessment.id)
    history = _history(session, assessment.id)
    domains = []
    for domain in definition.domains:
        views, hidden = [], 0
        for question in definition.questions:
            if question.domain != domain.key:
                continue
            score = scores.get(question.key)
            if score is not None and score.state == OUT_OF_SCOPE:
                hidden += 1
                continue
            key = question.key
            views.append(
                QuestionView(
                    question=question,
                    score=score,
                    answer=words(key, stored.get(key)),
                    knockouts=[hit.message for hit in result.knockouts if hit.question == key]
                    if result
                    else [],
                    red_flags=[hit.message for hit in result.red_flags if hit.question == key]
                    if result
                    else [],
                    evidence=evidence.get(key, []),
                    review=reviews.get(key),
                    thread=threads.get(key, []),
                    history=[(row, words(key, row.value)) for row in history.get(key, [])],
                    is_changed=key in changed,
                )
            )
        domains.append(DomainView(domain.key, domain.title, views, hidden))
    return domains


def _history(session: Session, assessment_id: int) -> dict[str, list[AnswerRevision]]:
    found: dict[str, list[AnswerRevision]] = defaultdict(list)
    rows = session.exec(
        select(AnswerRevision)
        .where(AnswerRevision.assessment_id == assessment_id)
        .order_by(AnswerRevision.question_key, AnswerRevision.revision)
    )
    for row in rows:
        found[row.question_key].append(row)
    return found
