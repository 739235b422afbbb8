"""Conditions, applicability and scoring rules in plain English, for pages people read."""

from __future__ import annotations

from vendordd.questionnaires.schema import (
    TIERS,
    Applicability,
    Band,
    Condition,
    Definition,
    Question,
    Rule,
    Scoring,
)
from vendordd.questionnaires.tags import TAGS, tag_prefix
from vendordd.questionnaires.targets import TARGETS
from vendordd.vendors.intake import DATA_CLASSES, REGIMES, USE_CASES

COMPARISONS = {"gt": "more than", "gte": "at least", "lt": "less than", "lte": "at most"}
CONTEXT_SUBJECTS = {"tier": "the tier", "data_class": "the data class", "use_case": "the use case"}
CONTEXT_LABELS = {"data_class": DATA_CLASSES, "use_case": USE_CASES}
COMBINE = {
    "sum": "the chosen options' points added up (at most 100)",
    "min": "the lowest of the chosen options' points",
    "max": "the highest of the chosen options' points",
}
MEASURES = {"age_days": "the date's age in days", "days_until": "the days until the date"}


def shown_when(question: Question, definition: Definition) -> str | None:
    """'shown when EG-01 is Yes', or None for a question that is always shown."""
    if question.show_if is None:
        return None
    return f"shown when {condition_text(question.show_if, definition)}"


def condition_text(condition: Condition, definition: Definition) -> str:
    """A condition as a sentence fragment: 'EG-01 is Yes and the tier is T1 or T2'."""
    if condition.all_ or condition.any_:
        joiner = " and " if condition.all_ else " or "
        parts = condition.all_ or condition.any_ or []
        return joiner.join(_nested(part, definition) for part in parts)
    if condition.not_ is not None:
        return f"not ({condition_text(condition.not_, definition)})"
    if condition.context is not None:
        return _context_test(condition)
    return _question_test(condition, definition.by_key.get(condition.question or ""))


def _nested(condition: Condition, definition: Definition) -> str:
    text = condition_text(condition, definition)
    several = len(condition.all_ or condition.any_ or []) > 1
    return f"({text})" if several else text


def _question_test(test: Condition, question: Question | None) -> str:
    key = test.question
    operator = test.operator or ""
    value = getattr(test, operator)
    if operator in ("equals", "is_true"):
        return f"{key} is {_value(question, value)}"
    if operator in COMPARISONS:
        unit = f" {question.unit}" if question and question.unit else ""
        return f"{key} is {COMPARISONS[operator]} {value:g}{unit}"
    if operator == "answered":
        return f"{key} is {'answered' if value else 'not answered'}"
    if operator == "outside_policy":
        if value:
            return f"{key} names a country outside the data-location policy"
        return f"{key} names only countries inside the data-location policy"
    values = [_value(question, item) for item in value]
    if question is not None and question.type == "single_choice":
        return f"{key} is {_either(values)}"
    if len(values) == 1:
        return f"{key} includes {values[0]}"
    return f"{key} includes {'any' if operator == 'any_of' else 'all'} of {', '.join(values)}"


def _value(question: Question | None, value: object) -> str:
    """Yes/No, numbers and country codes bare; option labels and text quoted, being phrases."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return f"{value:g}"
    if question is not None:
        if question.type == "yes_no" and value in ("yes", "no"):
            return str(value).capitalize()
        if question.type == "countries":
            return str(value)
        for option in question.options or ():
            if option.value == value:
                return _quoted(option.label)
    return _quoted(str(value))


def _quoted(phrase: str) -> str:
    # Labels often hold commas and "or" themselves ("Yes, in advance, with a right to object").
    return f"“{phrase}”"


def _context_test(test: Condition) -> str:
    fact = test.context or ""
    operator = test.operator or ""
    value = getattr(test, operator)
    if fact == "critical":
        verb = "supports" if value else "does not support"
        return f"the service {verb} a critical or important function"
    values = value if isinstance(value, list) else [value]
    if fact == "regimes":
        names = [regime_name(code) for code in values]
        if operator == "all_of" and len(names) > 1:
            return f"{', '.join(names[:-1])} and {names[-1]} all apply"
        return f"{_either(names)} applies"
    labels = CONTEXT_LABELS.get(fact, {})
    names = [_quoted(labels.get(v, str(v))) for v in values] if labels else list(map(str, values))
    return f"{CONTEXT_SUBJECTS[fact]} is {_either(names)}"


def regime_name(code: str) -> str:
    """The short name of a regime: 'HKMA', 'EU DORA', 'EU AI Act'."""
    return REGIMES.get(code, code).split(" (")[0]


def _either(values: list[str]) -> str:
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} or {values[-1]}"


def applies_text(applies: Applicability) -> str:
    """'every tier and regime', or e.g. 'T1, T2 only; where HKMA or SFC applies'."""
    every_tier = set(applies.tiers) == set(TIERS)
    if every_tier and not applies.regimes:
        return "every tier and regime"
    tiers = "every tier" if every_tier else f"{', '.join(_tier_order(applies.tiers))} only"
    if not applies.regimes:
        return tiers
    return f"{tiers}; where {_either([regime_name(code) for code in applies.regimes])} applies"


def _tier_order(tiers: list[str]) -> list[str]:
    return sorted(set(tiers), key=TIERS.index)


def rule_text(rule: Rule, definition: Definition) -> str:
    """When a knockout or red flag fires: 'T1, T2: when DR-01 names a country outside …'."""
    every = set(rule.tiers) == set(TIERS)
    tiers = "every tier" if every else ", ".join(_tier_order(rule.tiers))
    return f"{tiers}: when {condition_text(rule.when, definition)}"


def scoring_text(question: Question) -> str:
    """How the question earns its points, e.g. 'weight 3; points as listed per option'."""
    scoring = question.scoring
    if scoring is None:
        return "not scored (the answer is kept on record)"
    weight = f"weight {scoring.weight}"
    if scoring.points is not None:
        if scoring.combine:
            return f"{weight}; {COMBINE[scoring.combine]}"
        return f"{weight}; points as listed per option"
    if scoring.bands is not None:
        measure = MEASURES.get(scoring.measure or "", "the answer")
        unit = f" {question.unit}" if question.unit and measure == "the answer" else ""
        bands = "; ".join(f"{band_text(band)}{unit}: {band.points}" for band in scoring.bands)
        return f"{weight}; by {measure}: {bands}; anything else: 0"
    if scoring.policy == "data_location":
        return (
            f"{weight}; 100 if every country named is allowed for the service's data class"
            " by the data-location policy, else 0"
        )
    return f"{weight}; {scoring.if_answered} if answered"


def band_text(band: Band) -> str:
    """'30 to 89', '90 or more', 'up to 29', 'any value'."""
    if band.min is not None and band.max is not None:
        return f"{band.min:g} to {band.max:g}"
    if band.min is not None:
        return f"{band.min:g} or more"
    if band.max is not None:
        return f"up to {band.max:g}"
    return "any value"


def options_with_points(question: Question) -> list[tuple[str, int | None, bool]]:
    """Each option's label, its points (None when unscored) and whether it is exclusive."""
    points = (question.scoring or Scoring(weight=1)).points or {}
    if question.type == "yes_no":
        return [(value.capitalize(), points.get(value), False) for value in ("yes", "no")]
    return [
        (option.label, points.get(option.value), option.exclusive)
        for option in question.options or ()
    ]


def tag_document(tag: str) -> str:
    """The title of the document a regulatory tag points into."""
    return TAGS.get(tag_prefix(tag), "unknown document")


TYPE_LABELS = {
    "yes_no": "Yes / no",
    "single_choice": "One choice",
    "multiple_choice": "Several choices",
    "countries": "Countries",
    "providers": "Providers",
    "number": "Number",
    "date": "Date",
    "short_text": "Short text",
    "long_text": "Long text",
    "evidence": "Evidence files",
    "group": "Table of rows",
}


def feeds_text(maps_to: str) -> str:
    """What a `maps_to` target is, e.g. 'Cloud providers (fourth_party.clouds)'."""
    target = TARGETS.get(maps_to)
    return f"{target.description} ({maps_to})" if target else maps_to
