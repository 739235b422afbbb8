"""Answer values: checking raw input (JSON, YAML, a spreadsheet cell) against a question.

Checked values, which the scoring engine reads, by question type:

| type | value |
|---|---|
| yes_no | bool |
| single_choice | option value (str) |
| multiple_choice | tuple of option values |
| countries | tuple of ISO 3166 alpha-2 codes |
| providers | tuple of provider keys from the registry, or names typed in freely |
| number | int or float |
| date | datetime.date |
| short_text, long_text | str |
| evidence | tuple of stored file references |
| group | tuple of rows, each a dict of column key -> checked value |

A question that allows it can be answered "n/a": the value is `NA`. No answer is `None`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from vendordd.questionnaires.schema import Column, Definition, Question
from vendordd.vendors.validation import countries

SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 20_000
SEPARATORS = re.compile(r"\s*[;\n]\s*")
COUNTRY_SEPARATORS = re.compile(r"[\s;,]+")


class NotApplicable:
    """The answer "not applicable" where a question allows it."""

    _instance: NotApplicable | None = None

    def __new__(cls) -> NotApplicable:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NA"


NA = NotApplicable()
NA_TEXT = "n/a"


class AnswerError(ValueError):
    """A raw answer that does not fit its question; the message says what is wrong."""


def parse_answers(
    definition: Definition, raw: Mapping[str, Any], providers: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Checked answers by question key, and a message for every key that failed."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, value in raw.items():
        question = definition.by_key.get(key)
        if question is None:
            errors[key] = f"no question {key!r} in {definition.key} {definition.version}"
            continue
        try:
            checked = parse_answer(question, value, providers)
        except AnswerError as error:
            errors[key] = str(error)
        else:
            if checked is not None:
                answers[key] = checked
    return answers, errors


def parse_answer(question: Question, raw: Any, providers: Mapping[str, str] | None = None) -> Any:
    """The checked value of one raw answer; None when blank. Raises AnswerError.

    `providers` maps lower-cased registry names and keys to keys, so that a provider typed by
    name is stored by key; anything else stays as typed (a free entry, flagged for review).
    """
    if _is_blank(raw):
        return None
    if (isinstance(raw, str) and raw.strip().lower() == NA_TEXT) or raw is NA:
        if not question.allow_na:
            raise AnswerError("this question cannot be answered n/a")
        return NA
    if question.type == "group":
        return _rows(question, raw, providers)
    return _value(question, raw, providers)


def dump_answer(value: Any) -> Any:
    """A checked value as plain JSON data (the inverse of parse_answer)."""
    if value is NA:
        return NA_TEXT
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [dump_answer(item) for item in value]
    if isinstance(value, dict):
        return {key: dump_answer(item) for key, item in value.items()}
    return value


def _is_blank(raw: Any) -> bool:
    """None, blank text, or a list of nothing but blanks (such as [""])."""
    if isinstance(raw, list | tuple):
        return all(_is_blank(part) for part in raw)
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _value(item: Question | Column, raw: Any, providers: Mapping[str, str] | None) -> Any:
    kind = item.type
    if kind == "yes_no":
        return _yes_no(raw)
    if kind == "single_choice":
        return _option(item, raw)
    if kind == "multiple_choice":
        return _options(item, raw)
    if kind == "countries":
        return _countries(raw)
    if kind == "providers":
        return _providers(raw, providers)
    if kind == "number":
        return _number(item, raw)
    if kind == "date":
        return _date(raw)
    if kind == "evidence":
        return tuple(_text(part, SHORT_TEXT_MAX) for part in _items(raw))
    return _text(raw, LONG_TEXT_MAX if kind == "long_text" else SHORT_TEXT_MAX)


def _yes_no(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("yes", "y", "true"):
        return True
    if text in ("no", "n", "false"):
        return False
    raise AnswerError(f"answer yes or no, not {raw!r}")


def _option(item: Question | Column, raw: Any) -> str:
    text = str(raw).strip().lower()
    for option in item.options or ():
        if text in (option.value, option.label.lower()):
            return option.value
    choices = "; ".join(option.label for option in item.options or ())
    raise AnswerError(f"{raw!r} is not one of the options: {choices}")


def _options(item: Question | Column, raw: Any) -> tuple[str, ...]:
    chosen = _unique(_option(item, part) for part in _items(raw))
    exclusive = [
        option.label for option in item.options or () if option.exclusive and option.value in chosen
    ]
    if exclusive and len(chosen) > 1:
        raise AnswerError(f"{exclusive[0]!r} cannot be combined with other options")
    return chosen


def _countries(raw: Any) -> tuple[str, ...]:
    parts = raw if isinstance(raw, list | tuple) else COUNTRY_SEPARATORS.split(str(raw).strip())
    codes = _unique(str(part).strip().upper() for part in parts if str(part).strip())
    unknown = [code for code in codes if code not in countries()]
    if unknown:
        raise AnswerError(
            f"not an ISO 3166 alpha-2 country code: {', '.join(unknown)} (e.g. HK, SG, DE)"
        )
    return codes


def _providers(raw: Any, providers: Mapping[str, str] | None) -> tuple[str, ...]:
    names = (_text(part, 200) for part in _items(raw))
    return _unique((providers or {}).get(name.lower(), name) for name in names)


def _number(item: Question | Column, raw: Any) -> int | float:
    if isinstance(raw, bool):
        raise AnswerError("answer with a number")
    try:
        value = float(str(raw).strip().replace(",", "")) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        raise AnswerError(f"answer with a number, not {raw!r}") from None
    if not math.isfinite(value):
        raise AnswerError("answer with a finite number")
    unit = f" {item.unit}" if item.unit else ""
    if item.min is not None and value < item.min:
        raise AnswerError(f"{value:g} is below the minimum of {item.min:g}{unit}")
    if item.max is not None and value > item.max:
        raise AnswerError(f"{value:g} is above the maximum of {item.max:g}{unit}")
    return int(value) if value.is_integer() else value


def _date(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise AnswerError(f"answer with a date as YYYY-MM-DD, not {raw!r}") from None


def _text(raw: Any, limit: int) -> str:
    if not isinstance(raw, str | int | float) or isinstance(raw, bool):
        raise AnswerError("answer with text")
    text = str(raw).strip()
    if len(text) > limit:
        raise AnswerError(f"the answer is {len(text):,} characters; the limit is {limit:,}")
    return text


def _rows(question: Question, raw: Any, providers: Mapping[str, str] | None) -> tuple[dict, ...]:
    if not isinstance(raw, list | tuple) or not all(isinstance(row, Mapping) for row in raw):
        raise AnswerError("a repeating group is answered with a list of rows")
    columns = {column.key: column for column in question.fields or ()}
    rows = []
    for number, row in enumerate(raw, start=1):
        unknown = sorted(set(row) - set(columns))
        if unknown:
            raise AnswerError(f"row {number}: no column {', '.join(unknown)}")
        checked = {}
        for key, column in columns.items():
            try:
                value = None if _is_blank(row.get(key)) else _value(column, row[key], providers)
            except AnswerError as error:
                raise AnswerError(f"row {number}, {column.text}: {error}") from None
            if value is None and column.required:
                raise AnswerError(f"row {number}, {column.text}: an answer is required")
            if value is not None:
                checked[key] = value
        if checked:
            rows.append(checked)
    return tuple(rows)


def _items(raw: Any) -> list:
    if isinstance(raw, list | tuple):
        return [part for part in raw if not _is_blank(part)]
    return [part for part in SEPARATORS.split(str(raw).strip()) if part]


def _unique(values) -> tuple:
    return tuple(dict.fromkeys(values))
