"""What scoring produces, and its plain-JSON form for storage (exact floats, no rounding)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

# Question states. Only answered and missing questions count towards a domain's maximum.
ANSWERED, NA, MISSING, SKIPPED = "answered", "na", "missing", "skipped"
HIDDEN, OUT_OF_SCOPE, UNSCORED = "hidden", "out_of_scope", "unscored"
STATES = (ANSWERED, NA, MISSING, SKIPPED, HIDDEN, OUT_OF_SCOPE, UNSCORED)
BLOCKED, CLEAR = "blocked", "clear"
STORED_COLUMNS = ("key", "domain", "state", "points", "weight", "note")


# NamedTuples rather than dataclasses: one is built per question on every scoring run.
class QuestionScore(NamedTuple):
    key: str
    domain: str
    state: str
    points: int | None  # 0-100 for answered and missing questions, else None
    weight: int  # the scoring weight (0 when the question has no scoring block)
    earned: float  # weight * points / 100; 0 after a red flag
    maximum: int  # weight when the question counts (answered, missing), else 0
    note: str | None


class DomainScore(NamedTuple):
    key: str
    title: str
    weight: int
    earned: float
    maximum: int
    percent: float | None  # None when nothing in the domain counts


class Hit(NamedTuple):
    """A knockout or red flag that fired: the question it belongs to and its message."""

    question: str
    message: str


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """The outcome of scoring one response against one definition in one context."""

    engine_version: str
    overall: float | None
    domains: tuple[DomainScore, ...]
    questions: tuple[QuestionScore, ...]
    knockouts: tuple[Hit, ...]
    red_flags: tuple[Hit, ...]
    outcome: str
    inherent_level: int
    residual_level: int
    residual_rating: str
    # The explanation lines, or a function building them: text is made only when asked for.
    lines: tuple[str, ...] | Callable[[ScoreResult], tuple[str, ...]] = field(
        default=(), repr=False, compare=False
    )

    @property
    def explanation(self) -> tuple[str, ...]:
        """Every figure's derivation, one line each, rounded for reading."""
        if callable(self.lines):
            object.__setattr__(self, "lines", self.lines(self))
        return self.lines  # type: ignore[return-value]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data for storage; `from_json` reads it back.

        Questions are stored by column (a list per field), without `earned` and `maximum`,
        which follow from state, points, weight and the red flags: a book holds a result per
        assessment, and field names and floats repeated on every question would double it.
        """
        # strict=False: with no questions there are no columns at all.
        transposed = zip(*self.questions, strict=True)
        columns = dict(zip(QuestionScore._fields, transposed, strict=False))
        return {
            "engine_version": self.engine_version,
            "overall": self.overall,
            "domains": [item._asdict() for item in self.domains],
            "questions": {name: list(columns.get(name, ())) for name in STORED_COLUMNS},
            "knockouts": [item._asdict() for item in self.knockouts],
            "red_flags": [item._asdict() for item in self.red_flags],
            "outcome": self.outcome,
            "inherent_level": self.inherent_level,
            "residual_level": self.residual_level,
            "residual_rating": self.residual_rating,
            "explanation": list(self.explanation),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScoreResult:
        """A stored result (as written by `to_json`)."""
        return cls(
            engine_version=data["engine_version"],
            overall=data["overall"],
            domains=tuple(DomainScore(**item) for item in data["domains"]),
            questions=_questions(data["questions"], {hit["question"] for hit in data["red_flags"]}),
            knockouts=tuple(Hit(**item) for item in data["knockouts"]),
            red_flags=tuple(Hit(**item) for item in data["red_flags"]),
            outcome=data["outcome"],
            inherent_level=data["inherent_level"],
            residual_level=data["residual_level"],
            residual_rating=data["residual_rating"],
            lines=tuple(data["explanation"]),
        )


def earned_of(weight: int, points: int) -> float:
    """What an answer earns: weight x points / 100."""
    return weight * points / 100


def _questions(columns: dict[str, list], flagged: set[str]) -> tuple[QuestionScore, ...]:
    """Question records from stored columns, `earned` and `maximum` worked out as scoring does."""
    records = []
    for key, domain, state, points, weight, note in zip(
        *(columns[name] for name in STORED_COLUMNS), strict=True
    ):
        counts = state in (ANSWERED, MISSING)
        earned = earned_of(weight, points) if state == ANSWERED and key not in flagged else 0.0
        records.append(
            QuestionScore(key, domain, state, points, weight, earned, weight if counts else 0, note)
        )
    return tuple(records)
