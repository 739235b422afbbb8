"""Each question's scoring block compiled into a scorer: checked answer -> its scored record.

The record is the question's QuestionScore in state `answered`: points 0-100, earned =
weight x points / 100, maximum = weight, and a note where the points need a word of
explanation. Wherever the points follow from a few possible outcomes (an option, a band), the
records are made once, when compiling.

A scorer takes one of three forms, so that the engine calls a function only where the points
depend on the scoring context:
- a `Lookup` (a dict from answer to record) for yes_no, single_choice, multiple_choice and number
  questions: their records follow from the answer alone, so each is made once and then read;
- a record, for `if_answered` (any answer earns the same);
- a closure `scorer(value, context)` for dates (their age depends on `as_of`) and countries
  (the data-location policy).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from vendordd.questionnaires.schema import Band, Question
from vendordd.scoring.conditions import outside_policy
from vendordd.scoring.context import Context
from vendordd.scoring.result import ANSWERED, QuestionScore

MEMO_LIMIT = 4096  # remembered answers per question


class Lookup(dict):
    """Answer -> record; an answer not seen before is scored by `make` and remembered (a book
    repeats a few answers many times), up to MEMO_LIMIT of them."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[Any], QuestionScore], known: dict | None = None) -> None:
        super().__init__(known or {})
        self.make = make

    def __missing__(self, value: Any) -> QuestionScore:
        record = self.make(value)
        if len(self) < MEMO_LIMIT:
            self[value] = record
        return record


Scorer = Lookup | QuestionScore | Callable[[Any, Context], QuestionScore]
Bound = tuple[float | None, float | None, int]  # a band as (min, max, points)


def compile_scorer(question: Question) -> Scorer | None:
    """The question's scorer, or None when it has no scoring block (informational)."""
    scoring = question.scoring
    if scoring is None:
        return None
    key, domain, weight = question.key, question.domain, scoring.weight

    def record(points: int, note: str | None = None) -> QuestionScore:
        # tuple.__new__ skips QuestionScore's keyword-handling __new__: this runs per answer.
        earned = weight * points / 100
        return tuple.__new__(
            QuestionScore, (key, domain, ANSWERED, points, weight, earned, weight, note)
        )

    if scoring.if_answered is not None:
        return record(scoring.if_answered)
    if scoring.policy is not None:
        return _data_location(record)
    if scoring.bands is not None:
        return _banded(band_bounds(scoring.bands), question.type == "date", scoring.measure, record)
    table = scoring.points or {}
    if question.type == "multiple_choice":
        return _combined(table, scoring.combine or "sum", record)
    # An option without points (the loader requires them all) earns 0.
    zero = record(0)
    if question.type == "yes_no":
        known = {True: record(table.get("yes", 0)), False: record(table.get("no", 0))}
    else:
        known = {option: record(points) for option, points in table.items()}
    return Lookup(lambda value: zero, known)


def band_bounds(bands: Iterable[Band]) -> tuple[Bound, ...]:
    """Bands as plain tuples, read on every scored number and date."""
    return tuple((band.min, band.max, band.points) for band in bands)


def find_band(bounds: tuple[Bound, ...], value: float) -> Bound | None:
    """The first band holding the value (both limits inclusive, as Band.holds), or None."""
    for bound in bounds:
        low, high = bound[0], bound[1]
        if (low is None or value >= low) and (high is None or value <= high):
            return bound
    return None


def measured(measure: str | None, value: date, as_of: date) -> int:
    """A date answer as days: its age (`age_days`) or the days left until it (`days_until`)."""
    return (value - as_of).days if measure == "days_until" else (as_of - value).days


def _banded(
    bounds: tuple[Bound, ...],
    is_date: bool,
    measure: str | None,
    record: Callable[[int], QuestionScore],
) -> Scorer:
    records = {bound: record(bound[2]) for bound in bounds}
    none_holds = record(0)
    if not is_date:
        return Lookup(lambda value: records.get(find_band(bounds, value), none_holds))  # type: ignore[arg-type]

    def scorer(value: date, context: Context) -> QuestionScore:
        bound = find_band(bounds, measured(measure, value, context.as_of))
        return none_holds if bound is None else records[bound]

    return scorer


def _combined(table: dict[str, int], combine: str, record: Callable[..., QuestionScore]) -> Scorer:
    points = defaultdict(int, table).__getitem__
    pick = min if combine == "min" else max

    def make(value: tuple[str, ...]) -> QuestionScore:
        given = sum(map(points, value)) if combine == "sum" else pick(map(points, value))
        return record(min(100, given))

    return Lookup(make)


def _data_location(record: Callable[..., QuestionScore]) -> Scorer:
    inside = record(100)
    unrestricted: dict[str, QuestionScore] = {}  # by data class

    def scorer(value: tuple[str, ...], context: Context) -> QuestionScore:
        outside = outside_policy(value, context)
        if outside is None:
            data_class = context.data_class
            if data_class not in unrestricted:
                note = f"no data-location restriction for {data_class} data"
                unrestricted[data_class] = record(100, note)
            return unrestricted[data_class]
        if outside:
            listed = ", ".join(outside)
            return record(0, f"outside the data-location policy for {context.data_class}: {listed}")
        return inside

    return scorer
