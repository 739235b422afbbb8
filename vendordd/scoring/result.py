"""What scoring produces, and its plain-JSON form for storage (exact floats, no rounding)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from vendordd.scoring.context import Context

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
    context: Context  # what was scored against: `score(definition, answers, context)` again
    # A function building the explanation lines (text is made only when asked for), or None
    # for a result read back from storage.
    lines: Callable[[ScoreResult], tuple[str, ...]] | tuple[str, ...] | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def explanation(self) -> tuple[str, ...]:
        """Every figure's derivation, one line each, rounded for reading."""
        if self.lines is None:
            raise LookupError(
                "a stored result carries no explanation: score the same answers in its context "
                "again, which gives the same figures and their explanation"
            )
        if callable(self.lines):
            object.__setattr__(self, "lines", self.lines(self))
        return self.lines  # type: ignore[return-value]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data for storage; `from_json` reads it back.

        Questions are stored by column (a list per field), without `earned` and `maximum`,
        which follow from state, points, weight and the red flags: a book holds a result per
        assessment, and field names and floats repeated on every question would double it.
        The explanation is not stored: it restates the answers, which are stored already, and
        scoring them again in the stored context rebuilds it, figure for figure.
        """
        questions = self.questions
        return {
            "engine_version": self.engine_version,
            "overall": self.overall,
            # Domains and hits as rows in DomainScore and Hit field order.
            "domains": list(map(list, self.domains)),
            "questions": {
                name: [item[at] for item in questions] for name, at in _STORED_AT.items()
            },
            "knockouts": list(map(list, self.knockouts)),
            "red_flags": list(map(list, self.red_flags)),
            "outcome": self.outcome,
            "inherent_level": self.inherent_level,
            "residual_level": self.residual_level,
            "residual_rating": self.residual_rating,
            "context": _context_json(self.context),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScoreResult:
        """A stored result (as written by `to_json`)."""
        return cls(
            engine_version=data["engine_version"],
            overall=data["overall"],
            domains=tuple(DomainScore(*item) for item in data["domains"]),
            questions=_questions(data["questions"], {hit[0] for hit in data["red_flags"]}),
            knockouts=tuple(Hit(*item) for item in data["knockouts"]),
            red_flags=tuple(Hit(*item) for item in data["red_flags"]),
            outcome=data["outcome"],
            inherent_level=data["inherent_level"],
            residual_level=data["residual_level"],
            residual_rating=data["residual_rating"],
            context=_context(data["context"]),
        )


_STORED_AT = {name: QuestionScore._fields.index(name) for name in STORED_COLUMNS}


def _context_json(context: Context) -> dict[str, Any]:
    """The context as plain JSON, with the policy only for its data class (all that scores)."""
    allowed = context.allowed_countries.get(context.data_class)
    return {
        "tier": context.tier,
        "as_of": context.as_of.isoformat(),
        "regimes": sorted(context.regimes),
        "data_class": context.data_class,
        "use_case": context.use_case,
        "is_critical": context.is_critical,
        "allowed_countries": sorted(allowed) if allowed else None,
    }


def _context(data: dict[str, Any]) -> Context:
    allowed = data["allowed_countries"]
    return Context(
        tier=data["tier"],
        as_of=date.fromisoformat(data["as_of"]),
        regimes=frozenset(data["regimes"]),
        data_class=data["data_class"],
        use_case=data["use_case"],
        is_critical=data["is_critical"],
        allowed_countries={data["data_class"]: frozenset(allowed)} if allowed else {},
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
