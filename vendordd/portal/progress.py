"""What a vendor is asked and what is still missing: the questions in scope for the assessment
and visible on its answers, per domain, with required answers and required evidence outstanding.

Pure: it reads the scoring engine's question states (the engine decides scope and conditions,
so the portal shows exactly the questions that count), never the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vendordd.questionnaires.schema import Definition, Question
from vendordd.scoring import Context, score
from vendordd.scoring.result import HIDDEN, OUT_OF_SCOPE


@dataclass(frozen=True)
class DomainProgress:
    key: str
    title: str
    questions: tuple[Question, ...]  # asked: in scope and shown, in file order
    answered: int
    missing_answers: tuple[Question, ...]  # required, unanswered
    missing_evidence: tuple[Question, ...]  # evidence required, none uploaded

    @property
    def is_complete(self) -> bool:
        return not self.missing_answers and not self.missing_evidence


@dataclass(frozen=True)
class Progress:
    domains: tuple[DomainProgress, ...]  # only domains with questions asked
    visible: frozenset[str]  # keys of the questions asked

    @property
    def asked(self) -> int:
        return sum(len(domain.questions) for domain in self.domains)

    @property
    def answered(self) -> int:
        return sum(domain.answered for domain in self.domains)

    @property
    def is_complete(self) -> bool:
        return all(domain.is_complete for domain in self.domains)

    def domain(self, key: str) -> DomainProgress | None:
        return next((domain for domain in self.domains if domain.key == key), None)


def progress(
    definition: Definition,
    answers: Mapping[str, Any],
    context: Context,
    evidence_counts: Mapping[str, int],
) -> Progress:
    """The questions asked in this context on these (checked) answers, and what is missing."""
    states = {record.key: record.state for record in score(definition, answers, context).questions}
    asked = [q for q in definition.questions if states[q.key] not in (HIDDEN, OUT_OF_SCOPE)]
    domains = []
    for domain in definition.domains:
        questions = tuple(q for q in asked if q.domain == domain.key)
        if not questions:
            continue
        answered = [q for q in questions if answers.get(q.key) is not None]
        domains.append(
            DomainProgress(
                key=domain.key,
                title=domain.title,
                questions=questions,
                answered=len(answered),
                missing_answers=tuple(
                    q for q in questions if q.required and answers.get(q.key) is None
                ),
                missing_evidence=tuple(
                    q
                    for q in questions
                    if q.evidence is not None
                    and q.evidence.requirement == "required"
                    and not evidence_counts.get(q.key)
                ),
            )
        )
    return Progress(tuple(domains), frozenset(q.key for q in asked))
