"""Per-question consistency: the options, range, columns and scoring rule each type needs."""

from __future__ import annotations

from vendordd.questionnaires.schema import (
    CHOICE_TYPES,
    FIELD_TYPES,
    Column,
    Option,
    Question,
    Scoring,
)

Path = tuple[str | int, ...]

# The one scoring rule each scorable type uses; short and long text are never scored.
SCORING_RULES = {
    "yes_no": "points",
    "single_choice": "points",
    "multiple_choice": "points",
    "number": "bands",
    "date": "bands",
    "countries": "policy",
    "providers": "if_answered",
    "evidence": "if_answered",
    "group": "if_answered",
}
RULE_NAMES = ("points", "bands", "policy", "if_answered")


def shape_findings(question: Question, at: Path) -> list[tuple[Path, str]]:
    """Problems with how one question's parts fit its type, each with its path."""
    found = _options(question.type, question.options, at)
    found += _range(question.type, question.min, question.max, at)
    if question.type == "group" and question.fields is None:
        found.append(((*at, "type"), "a group question lists its columns under fields"))
    if question.type != "group" and question.fields is not None:
        found.append(((*at, "fields"), f"fields belong to group questions, not {question.type}"))
    for number, column in enumerate(question.fields or ()):
        found += _column(column, (*at, "fields", number))
    if question.scoring is not None:
        found += _scoring(question, question.scoring, (*at, "scoring"))
    return found


def _column(column: Column, at: Path) -> list[tuple[Path, str]]:
    if column.type not in FIELD_TYPES:
        return [
            (
                (*at, "type"),
                f"a group column cannot be {column.type};"
                f" use one of {', '.join(sorted(FIELD_TYPES))}",
            )
        ]
    return _options(column.type, column.options, at) + _range(
        column.type, column.min, column.max, at
    )


def _options(kind: str, options: list[Option] | None, at: Path) -> list[tuple[Path, str]]:
    where = (*at, "options")
    if kind not in CHOICE_TYPES:
        return (
            [] if options is None else [(where, f"options belong to choice questions, not {kind}")]
        )
    if not options or len(options) < 2:
        return [
            (where if options else (*at, "type"), f"a {kind} question needs at least two options")
        ]
    values = [option.value for option in options]
    found = [
        ((*where, number, "value"), f"option value {option.value!r} appears more than once")
        for number, option in enumerate(options)
        if option.value in values[:number]
    ]
    if kind == "single_choice":
        found += [
            ((*where, number, "exclusive"), "exclusive only applies to multiple_choice options")
            for number, option in enumerate(options)
            if option.exclusive
        ]
    return found


def _range(kind: str, low: float | None, high: float | None, at: Path) -> list[tuple[Path, str]]:
    if (low is not None or high is not None) and kind != "number":
        return [
            (
                (*at, "min" if low is not None else "max"),
                f"min and max belong to number questions, not {kind}",
            )
        ]
    if low is not None and high is not None and low > high:
        return [((*at, "min"), f"min {low:g} is above max {high:g}")]
    return []


def _scoring(question: Question, scoring: Scoring, at: Path) -> list[tuple[Path, str]]:
    kind = question.type
    expected = SCORING_RULES.get(kind)
    if expected is None:
        return [
            (at, f"{kind} answers cannot be scored; remove scoring (the answer stays on record)")
        ]
    given = [name for name in RULE_NAMES if getattr(scoring, name) is not None]
    if given != [expected]:
        return [
            (at, f"a {kind} question scores with {expected} (found {', '.join(given) or 'none'})")
        ]
    found = []
    if kind == "date" and scoring.measure not in ("age_days", "days_until"):
        found.append(((*at, "measure"), "a date question needs measure: age_days or days_until"))
    if kind != "date" and scoring.measure not in (None, "value"):
        found.append(((*at, "measure"), "measure applies to date questions only"))
    if (scoring.combine is None) == (kind == "multiple_choice"):
        found.append(
            (
                (*at, "combine"),
                "combine (sum, min or max) is for multiple_choice only, and required there",
            )
        )
    if scoring.points is not None:
        values = question.option_values
        found += [
            ((*at, "points", value), f"no option {value!r}; the options are {', '.join(values)}")
            for value in scoring.points
            if value not in values
        ]
        missing = [value for value in values if value not in scoring.points]
        if missing:
            found.append(((*at, "points"), f"points missing for option {', '.join(missing)}"))
    return found
