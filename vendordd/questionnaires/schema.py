"""The questionnaire definition format (questionnaires/*.yaml), as pydantic models.

This module checks each part on its own (types, ranges, required fields, which scoring rule fits
which question type). Checks across parts (conditions naming existing questions, option
references, cycles, regulatory tags) are in `checks.py`; `loading.py` runs both and reports every
problem with file, line, question and field. The format is documented in questionnaires/README.md.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from vendordd.vendors.intake import DATA_CLASSES, REGIMES, USE_CASES

QuestionType = Literal[
    "yes_no",
    "single_choice",
    "multiple_choice",
    "countries",
    "providers",
    "number",
    "date",
    "short_text",
    "long_text",
    "evidence",
    "group",
]
CHOICE_TYPES = frozenset({"single_choice", "multiple_choice"})
LIST_TYPES = frozenset({"multiple_choice", "countries", "providers", "evidence", "group"})
# A repeating group's columns are simple answers: no files, no nested groups, no long text.
FIELD_TYPES = frozenset(
    {"yes_no", "single_choice", "multiple_choice", "countries", "providers", "number", "date"}
    | {"short_text"}
)
# Question types that score by "answered or not" (`if_answered`), having no values to rank.
ANSWERED_SCORED_TYPES = frozenset({"providers", "evidence", "group"})
YES_NO_VALUES = ("yes", "no")
TIERS = ("T1", "T2", "T3", "T4")
Tier = Literal["T1", "T2", "T3", "T4"]
Regime = Literal[tuple(REGIMES)]  # type: ignore[valid-type]
Key = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")]
OptionValue = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]{0,59}$")]
Points = Annotated[int, Field(ge=0, le=100)]
Scalar = bool | int | float | str | date
ContextFact = Literal["tier", "regimes", "data_class", "use_case", "critical"]
CONTEXT_VALUES: dict[str, tuple[str, ...]] = {
    "tier": TIERS,
    "regimes": tuple(REGIMES),
    "data_class": tuple(DATA_CLASSES),
    "use_case": tuple(USE_CASES),
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Condition(Strict):
    """One test over an answer or a context fact, or all/any/not of other conditions.

    A test on an unanswered (or N/A) question is false, except `answered: false`.
    """

    question: Key | None = None
    context: ContextFact | None = None
    equals: Scalar | None = None
    any_of: list[Scalar] | None = None
    all_of: list[Scalar] | None = None
    is_true: bool | None = None
    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None
    answered: bool | None = None
    outside_policy: bool | None = None
    all_: list[Condition] | None = Field(None, alias="all", min_length=1)
    any_: list[Condition] | None = Field(None, alias="any", min_length=1)
    not_: Condition | None = Field(None, alias="not")

    @property
    def operator(self) -> str | None:
        """The one comparison this test makes (`equals`, `any_of`, …), if it is a test."""
        for name in OPERATORS:
            if getattr(self, name) is not None:
                return name
        return None

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        forms = [
            name
            for name, value in (
                ("question", self.question),
                ("context", self.context),
                ("all", self.all_),
                ("any", self.any_),
                ("not", self.not_),
            )
            if value is not None
        ]
        if len(forms) != 1:
            raise ValueError(
                "a condition needs exactly one of question, context, all, any or not"
                + (f" (found {', '.join(forms)})" if forms else "")
            )
        operators = [name for name in OPERATORS if getattr(self, name) is not None]
        if forms[0] in ("question", "context") and len(operators) != 1:
            raise ValueError(
                f"a test on a {forms[0]} needs exactly one of {', '.join(OPERATORS)}"
                + (f" (found {', '.join(operators)})" if operators else "")
            )
        if forms[0] not in ("question", "context") and operators:
            raise ValueError(f"{', '.join(operators)} belongs in a test on a question or context")
        if self.context is not None:
            allowed = ("is_true",) if self.context == "critical" else ("equals", "any_of")
            if self.context == "regimes":
                allowed = ("any_of", "all_of")
            if operators[0] not in allowed:
                raise ValueError(f"context {self.context} can only use {' or '.join(allowed)}")
        return self

    def questions(self) -> set[str]:
        """Every question key this condition reads."""
        found = {self.question} if self.question else set()
        for child in (self.all_ or []) + (self.any_ or []) + ([self.not_] if self.not_ else []):
            found |= child.questions()
        return found


OPERATORS = (
    "equals",
    "any_of",
    "all_of",
    "is_true",
    "gt",
    "gte",
    "lt",
    "lte",
    "answered",
    "outside_policy",
)


class Option(Strict):
    value: OptionValue
    label: str = Field(min_length=1)
    exclusive: bool = False  # "none of these": cannot be chosen with another option


class Band(Strict):
    """Points for a number (or a date's age in days) between min and max, both inclusive."""

    min: float | None = None
    max: float | None = None
    points: Points

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}")
        return self

    def holds(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


class Scoring(Strict):
    """How an answer earns 0-100 points; the question's contribution is weight * points / 100."""

    weight: int = Field(ge=1, le=5)
    points: dict[str, Points] | None = None
    combine: Literal["sum", "min", "max"] | None = None
    bands: list[Band] | None = Field(None, min_length=1)
    measure: Literal["value", "age_days", "days_until"] | None = None
    policy: Literal["data_location"] | None = None
    if_answered: Points | None = None

    @property
    def rule(self) -> str:
        for name in ("points", "bands", "policy", "if_answered"):
            if getattr(self, name) is not None:
                return name
        return "none"


class Rule(Strict):
    """A knockout or red flag: fires when `when` holds and the tier is one of `tiers`."""

    when: Condition
    tiers: list[Tier] = Field(default_factory=lambda: list(TIERS), min_length=1)
    message: str = Field(min_length=1)


class Applicability(Strict):
    tiers: list[Tier] = Field(default_factory=lambda: list(TIERS), min_length=1)
    # Empty: every regime. Otherwise asked only where an entity under one of these uses the service.
    regimes: list[Regime] = Field(default_factory=list)


class Evidence(Strict):
    requirement: Literal["required", "optional"]
    description: str = Field(min_length=1)


class Column(Strict):
    """One column of a repeating group."""

    key: Key
    text: str = Field(min_length=1)
    type: QuestionType
    required: bool = True
    options: list[Option] | None = None
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    maps_to: str | None = None


class Question(Strict):
    key: Key
    domain: Key
    text: str = Field(min_length=1)
    help: str | None = None
    type: QuestionType
    required: bool = True
    options: list[Option] | None = None
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    fields: list[Column] | None = Field(None, min_length=1)
    allow_na: bool = False
    show_if: Condition | None = None
    applies: Applicability = Field(default_factory=Applicability)
    evidence: Evidence | None = None
    scoring: Scoring | None = None
    knockouts: list[Rule] = Field(default_factory=list)
    red_flags: list[Rule] = Field(default_factory=list)
    regulatory: list[str] = Field(min_length=1)
    maps_to: str | None = None

    @property
    def option_values(self) -> tuple[str, ...]:
        if self.type == "yes_no":
            return YES_NO_VALUES
        return tuple(option.value for option in self.options or ())

    def conditions(self) -> list[Condition]:
        """show_if plus every knockout and red-flag condition."""
        rules = [rule.when for rule in self.knockouts + self.red_flags]
        return ([self.show_if] if self.show_if else []) + rules


class Domain(Strict):
    key: Key
    title: str = Field(min_length=1)
    weight: int = Field(ge=1, le=100)


class Definition(Strict):
    key: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,59}$")]
    version: Annotated[str, Field(pattern=r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")]
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    domains: list[Domain] = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)

    @cached_property
    def by_key(self) -> dict[str, Question]:
        return {question.key: question for question in self.questions}

    @property
    def version_tuple(self) -> tuple[int, int, int]:
        major, minor, patch = (int(part) for part in self.version.split("."))
        return major, minor, patch
