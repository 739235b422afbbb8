"""The explanation of a score: every figure's derivation, so a reviewer can recompute it by hand.

Built only when asked for (`ScoreResult.explanation`, `to_json`): scoring itself makes no text.
Figures are rounded to two decimals here; the result keeps exact floats. A question's line
depends only on its answer (and, for dates and countries, on the scoring date and policy), so
lines are remembered per definition: rescoring a book repeats the same answers many times.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from vendordd.questionnaires.schema import Definition, Question
from vendordd.scoring.conditions import outside_policy
from vendordd.scoring.context import Context
from vendordd.scoring.plan import per_definition
from vendordd.scoring.points import Bound, band_bounds, find_band, measured
from vendordd.scoring.residual import DASH, band_shift, band_words
from vendordd.scoring.result import (
    ANSWERED,
    HIDDEN,
    MISSING,
    NA,
    OUT_OF_SCOPE,
    SKIPPED,
    UNSCORED,
)

if TYPE_CHECKING:
    from vendordd.scoring.result import ScoreResult

TIMES = "\u00d7"  # the multiplication sign
EXCLUDED = {
    NA: "answered n/a",
    SKIPPED: "optional and unanswered",
    HIDDEN: "hidden by a condition",
    OUT_OF_SCOPE: "not asked at this tier or for these regimes",
    UNSCORED: "informational, not scored",
}
LINES_KEPT = 50_000  # remembered question lines per definition


def explain(
    definition: Definition, answers: Mapping[str, Any], context: Context, result: ScoreResult
) -> tuple[str, ...]:
    """The explanation lines of a result scored from these inputs."""
    texts = per_definition(_TEXTS, definition, _texts)
    flagged = {hit.question for hit in result.red_flags}
    counted: dict[str, list[str]] = {domain.key: [] for domain in result.domains}
    excluded: dict[str, list[str]] = {state: [] for state in EXCLUDED}
    for item in result.questions:
        if item.state is not ANSWERED and item.state is not MISSING:
            excluded[item.state].append(item.key)
            continue
        value = answers.get(item.key) if item.state is ANSWERED else None
        line = _question_line(texts, definition.by_key[item.key], value, item.points, context)
        if item.key in flagged:
            line = f"{line}, red flag → 0.00 of {item.maximum}"
        counted[item.domain].append(line)
    lines = [_heading(definition, context, result)]
    for domain in result.domains:
        lines.append(f"{domain.title} (domain weight {domain.weight}):")
        lines += counted[domain.key]
        if domain.percent is None:
            lines.append(f"{domain.title}: nothing counts → left out of the overall")
        else:
            lines.append(
                f"{domain.title}: {domain.earned:.2f} of {domain.maximum} = {domain.percent:.2f}%"
            )
    lines += [
        f"Not counted, {EXCLUDED[state]} ({len(keys)}): {', '.join(keys)}"
        for state, keys in excluded.items()
        if keys
    ]
    lines.append(_overall_line(result))
    lines += [f"Red flag on {hit.question}: {hit.message}" for hit in result.red_flags]
    lines += [f"Knockout on {hit.question}: {hit.message}" for hit in result.knockouts]
    if result.knockouts:
        count = len(result.knockouts)
        lines.append(
            f"Outcome: blocked by {count} knockout{'s' if count != 1 else ''};"
            " approval needs a documented risk acceptance"
        )
    else:
        lines.append("Outcome: clear (no knockout)")
    lines.append(_residual_line(context, result))
    return tuple(lines)


@dataclass(frozen=True, slots=True)
class _Texts:
    """What question lines are made of, per definition, and the lines made so far."""

    heads: dict[str, str]  # "  KEY (weight W): "
    bounds: dict[str, tuple[Bound, ...]]
    lines: dict[tuple, str] = field(default_factory=dict)


_TEXTS: dict = {}


def _texts(definition: Definition) -> _Texts:
    heads, bounds = {}, {}
    for question in definition.questions:
        if question.scoring is not None:
            heads[question.key] = f"  {question.key} (weight {question.scoring.weight}): "
            bounds[question.key] = band_bounds(question.scoring.bands or ())
    return _Texts(heads=heads, bounds=bounds)


def _question_line(
    texts: _Texts, question: Question, value: Any, points: int | None, context: Context
) -> str:
    """One answered (value) or missing (None) question's line, without a red-flag mark.

    The points are the engine's; they follow from what the memo key holds, so a remembered
    line never disagrees with a result.
    """
    memo = _memo_key(question, value, context)
    line = texts.lines.get(memo) if memo is not None else None
    if line is None:
        line = _make_line(texts, question, value, points or 0, context)
        if memo is not None and len(texts.lines) < LINES_KEPT:
            texts.lines[memo] = line
    return line


def _memo_key(question: Question, value: Any, context: Context) -> tuple | None:
    """What a question's line depends on; None when it is not worth remembering."""
    if question.type == "group":
        return None  # rows of dicts: not hashable, and the line only counts them
    if question.type == "date":
        return (question.key, value, context.as_of)
    if question.type == "countries":
        allowed = context.allowed_countries.get(context.data_class)
        return (question.key, value, context.data_class, allowed)
    return (question.key, value)


def _make_line(texts: _Texts, question: Question, value: Any, points: int, context: Context) -> str:
    weight = question.scoring.weight if question.scoring else 0
    head = texts.heads[question.key]
    if value is None:
        return f"{head}required, unanswered → 0 points → 0.00 of {weight}"
    how = _derivation(texts, question, value, context)
    return f"{head}answered {how} → {points} points → {weight * points / 100:.2f} of {weight}"


def _derivation(texts: _Texts, question: Question, value: Any, context: Context) -> str:
    """The answer as written, and the rule's step from it to points."""
    scoring = question.scoring
    shown = _shown(value, question.unit)
    if scoring is None:
        return shown
    if scoring.bands is not None:
        bounds = texts.bounds[question.key]
        if question.type == "date":
            days = measured(scoring.measure, value, context.as_of)
            measure = "days until it" if scoring.measure == "days_until" else "days old"
            shown, value = f"{shown} ({days} {measure})", days
        return f"{shown} → {_band_text(find_band(bounds, value))}"
    if scoring.policy is not None:
        outside = outside_policy(value, context)
        if outside is None:
            return f"{shown} → no data-location restriction for {context.data_class} data"
        if outside:
            return f"{shown} → outside the policy for {context.data_class}: {', '.join(outside)}"
        return f"{shown} → all within the policy for {context.data_class}"
    if scoring.if_answered is not None:
        return f"{shown} → answered"
    if question.type != "multiple_choice":
        return shown
    given = [(scoring.points or {}).get(option, 0) for option in value]
    if scoring.combine == "sum":
        cap = " (capped at 100)" if sum(given) > 100 else ""
        return f"{shown} → sum of {' + '.join(map(str, given))}{cap}"
    words = "lowest" if scoring.combine == "min" else "highest"
    return f"{shown} → {words} of {', '.join(map(str, given))}"


def _band_text(bound: Bound | None) -> str:
    if bound is None:
        return "no band holds"
    low, high = bound[0], bound[1]
    if low is not None and high is not None:
        return f"band {_number(low)}{DASH}{_number(high)}"
    if low is not None:
        return f"band ≥ {_number(low)}"
    if high is not None:
        return f"band ≤ {_number(high)}"
    return "band (any value)"


def _shown(value: Any, unit: str | None) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return f"{_number(value)} {unit}" if unit else _number(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        if value and isinstance(value[0], dict):
            return f"{len(value)} row{'s' if len(value) != 1 else ''}"
        return ", ".join(str(part) for part in value)
    return str(value)


def _number(value: float) -> str:
    """A number as written: 90, 2.5, 1000000 (never 1e+06)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _overall_line(result: ScoreResult) -> str:
    counted = [domain for domain in result.domains if domain.percent is not None]
    if not counted or result.overall is None:
        return "Overall: nothing in scope is scorable → no overall score"
    products = " + ".join(f"{domain.percent:.2f} {TIMES} {domain.weight}" for domain in counted)
    weights = " + ".join(str(domain.weight) for domain in counted)
    return f"Overall = ({products}) / ({weights}) = {result.overall:.2f}%"


def _residual_line(context: Context, result: ScoreResult) -> str:
    shown = "none" if result.overall is None else f"{result.overall:.2f}%"
    held = ""
    if (
        result.overall is not None
        and result.residual_level == result.inherent_level
        and band_shift(result.overall) != 0
    ):
        held = f", held at {result.residual_level} (the scale runs 1{DASH}4)"
    return (
        f"Residual: tier {context.tier} → inherent level {result.inherent_level}; control score "
        f"{shown}, {band_words(result.overall)}{held} → residual level {result.residual_level}"
        f" ({result.residual_rating})"
    )


def _heading(definition: Definition, context: Context, result: ScoreResult) -> str:
    regimes = ", ".join(sorted(context.regimes)) or "none"
    return (
        f"Scored by engine {result.engine_version} against {definition.key} "
        f"{definition.version} as of {context.as_of.isoformat()}: tier {context.tier}, "
        f"regimes {regimes}, data class {context.data_class}, use case {context.use_case}, "
        f"critical {'yes' if context.is_critical else 'no'}"
    )
