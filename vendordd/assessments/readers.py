"""Stored answers (plain JSON) read back into checked values, fast: a rescoring reads them all."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from vendordd.questionnaires.answers import NA, NA_TEXT, AnswerError, parse_answer
from vendordd.questionnaires.schema import Definition, Question
from vendordd.vendors.validation import countries

Reader = Callable[[Any], Any]


def checked_answers(
    definition: Definition, readers: Mapping[str, Reader], stored: Mapping[str, Any]
) -> tuple[dict[str, Any], int]:
    """Checked answers from their stored JSON, and how many could not be read."""
    answers, errors = {}, 0
    for key, raw in stored.items():
        reader = readers.get(key)
        try:
            if reader is None:
                raise AnswerError(f"no question {key!r} in {definition.key} {definition.version}")
            value = reader(raw)
        except AnswerError:
            # A question the pinned version lacks, or a value that no longer fits it: left
            # unanswered (counted in the audit event), as an unreadable answer cannot score.
            errors += 1
            continue
        if value is not None:
            answers[key] = value
    return answers, errors


def answer_readers(definition: Definition) -> dict[str, Reader]:
    """Per question, stored JSON -> checked value.

    Stored values were checked when written (`dump_answer` of a checked value), so a value of
    the expected shape is taken as it is, in as few steps as its type needs (this runs for
    every stored answer of the book); anything else goes through `parse_answer`, which checks
    it fully or raises.
    """
    return {question.key: _reader(question) for question in definition.questions}


class _Unfit(Exception):
    """A stored group cell not of the expected shape: the whole group is read the slow way."""


def _reader(question: Question) -> Reader:
    def slow(raw: Any) -> Any:
        if raw == NA_TEXT and question.allow_na:
            return NA
        return parse_answer(question, raw)

    if question.type != "group":
        options = question.option_values
        na_text = NA_TEXT if question.allow_na else None
        return _shaped(question.type, options, question.min, question.max, na_text, slow)
    columns = {
        column.key: _shaped(
            column.type,
            [option.value for option in column.options or ()],
            column.min,
            column.max,
            None,
            _unfit,
        )
        for column in question.fields or ()
    }

    def group(raw: Any) -> Any:
        try:
            return tuple({key: columns[key](cell) for key, cell in row.items()} for row in raw)
        except (_Unfit, KeyError, AttributeError, TypeError):
            return slow(raw)

    return group


def _unfit(raw: Any) -> Any:
    raise _Unfit


def _shaped(
    kind: str,
    options: Sequence[str],
    low: float | None,
    high: float | None,
    na_text: str | None,
    other: Reader,
) -> Reader:
    """A reader taking values of the type's stored shape as they are, and passing anything
    else (including "n/a", where `na_text` is given) to `other`."""
    if kind in ("yes_no", "single_choice"):
        known: dict[Any, Any] = {True: True, False: False} if kind == "yes_no" else {}
        known.update((option, option) for option in options if kind != "yes_no")
        return lambda raw: (
            found
            if raw.__class__ in (str, bool) and (found := known.get(raw)) is not None
            else other(raw)
        )
    if kind == "number":
        least = -math.inf if low is None else low
        most = math.inf if high is None else high
        return lambda raw: (
            raw
            if (raw.__class__ is int or raw.__class__ is float) and least <= raw <= most
            else other(raw)
        )
    if kind in ("multiple_choice", "countries", "providers", "evidence"):
        allowed = frozenset(options if kind == "multiple_choice" else countries())
        check_values = kind in ("multiple_choice", "countries")
        return lambda raw: (
            tuple(raw)
            if raw.__class__ is list
            and raw
            and set(map(type, raw)) == {str}
            and (not check_values or allowed.issuperset(raw))
            else other(raw)
        )
    if kind == "date":

        def dated(raw: Any) -> Any:
            try:
                return date.fromisoformat(raw)
            except (TypeError, ValueError):
                return other(raw)

        return dated
    return lambda raw: raw if raw.__class__ is str and raw and raw != na_text else other(raw)
