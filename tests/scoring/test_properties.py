"""Properties of the scoring engine over generated definitions and the standard questionnaire.

(a) every figure stays within 0-100; (b) a better answer never lowers the score; (c) answers
to hidden or out-of-scope questions never change anything; (d) n/a is the same as the question
not being there; (e) the same input always gives the same output, also after storage as JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from vendordd.questionnaires.answers import NA
from vendordd.questionnaires.checks import check_definition
from vendordd.questionnaires.loading import load_definition
from vendordd.questionnaires.schema import TIERS, Column, Condition, Definition, Question
from vendordd.resources import resource_dir
from vendordd.scoring import Context, ScoreResult, score
from vendordd.vendors.intake import DATA_CLASSES, REGIMES, USE_CASES

STANDARD = load_definition(resource_dir("questionnaires") / "genai-due-diligence.yaml")
TAG = ["EU-DORA 28"]
EXCLUDED = ("hidden", "out_of_scope")
COUNTRIES = ("HK", "SG", "US", "GB", "CN", "DE")
POLICIES = (
    {},
    {"customer_personal": frozenset({"HK", "SG"}), "regulated": frozenset({"HK"})},
    {"internal": frozenset({"US"}), "confidential": frozenset({"HK", "SG", "GB"})},
)
SMALL = settings(max_examples=60, deadline=None, database=None)
LARGE = settings(max_examples=30, deadline=None, database=None)  # the 95-question standard

# Strategies are made once here: hypothesis is slower with strategies made on every draw.
points = st.integers(0, 100)
weights = st.integers(1, 5)
booleans = st.booleans()
sometimes = st.integers(0, 3).map(lambda number: number == 0)  # a quarter of the time
limits = st.none() | st.integers(0, 120)
band_counts = st.integers(1, 3)
tier_sets = st.lists(st.sampled_from(TIERS), min_size=1, unique=True).map(sorted)
regime_sets = st.lists(st.sampled_from(sorted(REGIMES)), min_size=1, max_size=3, unique=True)
KINDS = ("yes_no", "single_choice", "multiple_choice", "number", "short_text")
kinds, readable_kinds = st.sampled_from(KINDS), st.sampled_from(KINDS[:2])
OPTIONS = {count: [f"o{number}" for number in range(count)] for count in (2, 3, 4)}
option_sets = {
    count: st.lists(st.sampled_from(values), min_size=1, unique=True)
    for count, values in OPTIONS.items()
}
contexts = st.builds(
    Context,
    tier=st.sampled_from(TIERS),
    as_of=st.dates(date(2025, 1, 1), date(2028, 12, 31)),
    regimes=st.frozensets(st.sampled_from(sorted(REGIMES))),
    data_class=st.sampled_from(sorted(DATA_CLASSES)),
    use_case=st.sampled_from(sorted(USE_CASES)),
    is_critical=st.booleans(),
    allowed_countries=st.sampled_from(POLICIES),
)


# Generated definitions


@dataclass(frozen=True)
class Case:
    """A generated definition, its data, and what the properties need to know about it."""

    definition: Definition
    data: dict
    read_by_others: frozenset[str]  # keys another question's show_if or rule reads
    read_by_show_if: frozenset[str]
    # Per question: its red flags as (tiers, the answers that fire it); each reads only its
    # own question, so whether it fires follows from the tier and the answer alone.
    flags: dict[str, tuple[tuple[frozenset[str], frozenset], ...]]
    strategies: dict[str, st.SearchStrategy] = field(repr=False, compare=False)

    def rebuilt(self, without: str | None = None) -> Definition:
        """The same definition as a new object, optionally without one question."""
        questions = [item for item in self.data["questions"] if item["key"] != without]
        return Definition.model_validate({**self.data, "questions": questions})


def condition_on(draw, target: dict) -> tuple[dict, frozenset]:
    """A test on a yes_no or single_choice question, and the answers that make it true."""
    key = target["key"]
    if target["type"] == "yes_no":
        wanted = draw(booleans)
        return {"question": key, "is_true": wanted}, frozenset({wanted})
    chosen = draw(option_sets[len(target["options"])])
    return {"question": key, "any_of": chosen}, frozenset(chosen)


def context_test(draw) -> dict:
    if draw(booleans):
        return {"context": "critical", "is_true": draw(booleans)}
    return {"context": "regimes", "any_of": draw(regime_sets)}


def question_item(draw, key: str, domain: str, kind: str) -> dict:
    item = {"key": key, "domain": domain, "text": f"Question {key}?", "type": kind}
    item |= {"regulatory": TAG, "required": draw(booleans), "allow_na": draw(booleans)}
    weight = draw(weights)
    if kind == "yes_no":
        item["scoring"] = {"weight": weight, "points": {"yes": draw(points), "no": draw(points)}}
    elif kind in ("single_choice", "multiple_choice"):
        values = OPTIONS[draw(st.sampled_from(sorted(OPTIONS)))]
        item["options"] = [{"value": value, "label": value.upper()} for value in values]
        item["scoring"] = {"weight": weight, "points": {value: draw(points) for value in values}}
        if kind == "multiple_choice":
            item["scoring"]["combine"] = draw(st.sampled_from(["sum", "min", "max"]))
    elif kind == "number":
        item["scoring"] = {
            "weight": weight,
            "bands": [band(draw) for _ in range(draw(band_counts))],
        }
    if draw(sometimes):
        item["applies"] = {"tiers": draw(tier_sets)}
        if draw(booleans):
            item["applies"]["regimes"] = draw(regime_sets)
    return item


def band(draw) -> dict:
    low = draw(limits)
    high = draw(limits)
    if low is not None and high is not None and high < low:
        low, high = high, low
    drawn = {"points": draw(points)}
    drawn |= {} if low is None else {"min": low}
    return drawn | ({} if high is None else {"max": high})


@st.composite
def cases(draw) -> Case:
    """2-7 questions in 1-3 domains, with show_if, knockouts and red flags.

    Conditions read only earlier questions (so there are no cycles); red flags read only their
    own question. The last question is a yes_no or single_choice question that allows n/a and
    that nothing reads, so properties (b) and (d) always have one to work on.
    """
    domains = [
        {"key": f"D{number}", "title": f"Domain {number}", "weight": draw(st.integers(1, 100))}
        for number in range(draw(st.integers(1, 3)))
    ]
    count = draw(st.integers(max(2, len(domains)), 7))
    questions: list[dict] = []
    read_by_others: set[str] = set()
    read_by_show_if: set[str] = set()
    flags: dict[str, tuple] = {}
    for number in range(count):
        last = number == count - 1
        kind = draw(readable_kinds if last else kinds)
        home = domains[number]["key"] if number < len(domains) else None
        home = home or draw(st.sampled_from([domain["key"] for domain in domains]))
        item = question_item(draw, f"Q{number}", home, kind)
        item["allow_na"] = item["allow_na"] or last
        readable = [q for q in questions if q["type"] in ("yes_no", "single_choice")]
        if readable and draw(st.integers(0, 2)) == 0:  # a third shown on an earlier one
            target = draw(st.sampled_from(readable))
            shown_on, _ = condition_on(draw, target)
            if draw(booleans):
                shown_on = {"all": [shown_on, context_test(draw)]}
            item["show_if"] = shown_on
            read_by_show_if.add(target["key"])
            read_by_others.add(target["key"])
        elif draw(sometimes):
            item["show_if"] = context_test(draw)
        if kind in ("yes_no", "single_choice"):
            rules = []
            for _ in range(draw(st.integers(0, 2))):
                when, fires_on = condition_on(draw, item)
                rules.append((draw(tier_sets), when, fires_on))
            item["red_flags"] = [
                {"when": when, "tiers": tiers, "message": f"Flag on {item['key']}."}
                for tiers, when, _ in rules
            ]
            flags[item["key"]] = tuple((frozenset(tiers), fires) for tiers, _, fires in rules)
        knockable = [*readable, item] if kind in ("yes_no", "single_choice") else readable
        if knockable and draw(booleans):
            target = draw(st.sampled_from(knockable))
            when, _ = condition_on(draw, target)
            if draw(booleans):
                when = {"all": [when, context_test(draw)]}
            item["knockouts"] = [
                {"when": when, "tiers": draw(tier_sets), "message": f"Knockout on {item['key']}."}
            ]
            if target["key"] != item["key"]:
                read_by_others.add(target["key"])
        questions.append(item)
    data = {
        "key": "generated",
        "version": "1.0.0",
        "title": "Generated",
        "description": "A generated questionnaire.",
        "domains": domains,
        "questions": questions,
    }
    definition = Definition.model_validate(data)
    assert check_definition(definition) == [], "the strategy built an invalid definition"
    return Case(
        definition,
        data,
        frozenset(read_by_others),
        frozenset(read_by_show_if),
        flags,
        answer_strategies(definition),
    )


# Answers, for generated definitions and the standard one


def values(item: Question | Column) -> st.SearchStrategy:
    """Checked answer values for a question or group column of any type."""
    kind = item.type
    if kind == "yes_no":
        return st.booleans()
    options = [option.value for option in item.options or ()]
    if kind == "single_choice":
        return st.sampled_from(options)
    if kind == "multiple_choice":
        exclusive = {option.value for option in item.options or () if option.exclusive}
        chosen = st.lists(st.sampled_from(options), min_size=1, unique=True)
        return chosen.map(lambda picked: _alone_if_exclusive(picked, exclusive))
    if kind == "countries":
        return st.lists(st.sampled_from(COUNTRIES), min_size=1, unique=True).map(tuple)
    if kind in ("providers", "evidence"):
        names = st.sampled_from(["openai", "anthropic", "Acme AI"])
        return st.lists(names, min_size=1, max_size=2, unique=True).map(tuple)
    if kind == "number":
        low = -10 if item.min is None else int(item.min)
        high = 150 if item.max is None else int(item.max)
        return st.integers(low, high) | st.floats(low, high, allow_nan=False).filter(
            lambda value: not value.is_integer()
        )
    if kind == "date":
        return st.dates(date(2023, 1, 1), date(2030, 12, 31))
    if kind == "group":
        row = st.fixed_dictionaries({column.key: values(column) for column in item.fields or ()})
        return st.lists(row, min_size=1, max_size=2).map(tuple)
    return st.sampled_from(["Yes, documented.", "See the attached policy."])


def _alone_if_exclusive(picked: list[str], exclusive: set[str]) -> tuple[str, ...]:
    both = [value for value in picked if value in exclusive]
    return (both[0],) if both else tuple(picked)


def answer_or_not(item: Question) -> st.SearchStrategy:
    """Mostly a value; else n/a where allowed, or None (left unanswered)."""
    value = values(item)
    return st.one_of(value, value, st.just(NA) if item.allow_na else value, st.none())


def answer_strategies(definition: Definition) -> dict[str, st.SearchStrategy]:
    return {item.key: answer_or_not(item) for item in definition.questions}


def answers_to(strategies: dict[str, st.SearchStrategy]) -> st.SearchStrategy[dict[str, Any]]:
    """Answers keyed by question, unanswered ones left out."""
    return st.fixed_dictionaries(strategies).map(
        lambda drawn: {key: value for key, value in drawn.items() if value is not None}
    )


def replaced(draw, strategies: dict, answers: dict, keys: list[str]) -> dict:
    """The answers with those keys answered differently (or not at all)."""
    changed = {key: value for key, value in answers.items() if key not in keys}
    for key in keys:
        value = draw(strategies[key])
        if value is not None:
            changed[key] = value
    return changed


STANDARD_STRATEGIES = answer_strategies(STANDARD)  # made once: building strategies is slow
STANDARD_ANSWERS = answers_to(STANDARD_STRATEGIES)


# Reading results


def percents(result: ScoreResult) -> list[float | None]:
    return [item.percent for item in result.domains]


def figures(result: ScoreResult) -> tuple:
    """What scoring says about the score: overall and domains."""
    return result.overall, result.domains


def state_of(result: ScoreResult, key: str) -> str:
    return next(item.state for item in result.questions if item.key == key)


def assert_within_0_and_100(result: ScoreResult) -> None:
    assert result.overall is None or 0 <= result.overall <= 100, result.overall
    for item in result.domains:
        assert item.percent is None or 0 <= item.percent <= 100, item
        assert 0 <= item.earned <= item.maximum, item
    counted = [percent for percent in percents(result) if percent is not None]
    assert (result.overall is None) == (not counted)
    if counted:  # a weighted mean lies between the lowest and the highest
        assert min(counted) - 1e-9 <= result.overall <= max(counted) + 1e-9


def assert_not_lower(better: ScoreResult, worse: ScoreResult, domain: int) -> None:
    assert (better.overall is None) == (worse.overall is None)
    if worse.overall is not None:
        assert better.overall >= worse.overall, (worse.overall, better.overall)
    high, low = better.domains[domain].percent, worse.domains[domain].percent
    assert (high is None) == (low is None)
    if low is not None:
        assert high >= low, (low, high)
    others = [item for number, item in enumerate(better.domains) if number != domain]
    assert others == [item for number, item in enumerate(worse.domains) if number != domain]


# (a) Every figure stays within 0-100


@SMALL
@given(st.data())
def test_generated_scores_stay_within_0_and_100(data):
    case = data.draw(cases())
    answers = data.draw(answers_to(case.strategies))

    assert_within_0_and_100(score(case.definition, answers, data.draw(contexts)))


@LARGE
@given(st.data())
def test_standard_scores_stay_within_0_and_100(data):
    answers = data.draw(STANDARD_ANSWERS)

    assert_within_0_and_100(score(STANDARD, answers, data.draw(contexts)))


# (b) A better answer never lowers the score


def choices(item: Question) -> dict[Any, int]:
    """Answer -> points for a scored yes_no or single_choice question."""
    table = item.scoring.points
    if item.type == "yes_no":
        return {True: table["yes"], False: table["no"]}
    return dict(table)


def better_pairs(table: dict[Any, int], flagged: set) -> list[tuple[Any, Any]]:
    """(worse, better) answers: the better has at least the points and is not red-flagged
    unless the worse one is too (a red flag deliberately takes a question's points away)."""
    return [
        (worse, better)
        for worse in table
        for better in table
        if worse != better
        and table[better] >= table[worse]
        and (better not in flagged or worse in flagged)
    ]


@SMALL
@given(st.data())
def test_a_better_answer_never_lowers_a_generated_score(data):
    case = data.draw(cases())
    where = data.draw(contexts)
    answers = data.draw(answers_to(case.strategies))
    movable = [
        item
        for item in case.definition.questions
        if item.type in ("yes_no", "single_choice") and item.key not in case.read_by_show_if
    ]
    item = data.draw(st.sampled_from(movable))
    flagged = {
        answer
        for tiers, fires_on in case.flags[item.key]
        if where.tier in tiers
        for answer in fires_on
    }
    pairs = better_pairs(choices(item), flagged)
    assume(pairs)
    worse, better = data.draw(st.sampled_from(pairs))

    low = score(case.definition, answers | {item.key: worse}, where)
    high = score(case.definition, answers | {item.key: better}, where)

    at = [domain.key for domain in case.definition.domains].index(item.domain)
    assert_not_lower(high, low, at)


def holds(condition: Condition, key: str, value: Any, where: Context) -> bool:
    """An independent reading of a rule that tests only question `key` and the context."""
    if condition.all_:
        return all(holds(part, key, value, where) for part in condition.all_)
    if condition.any_:
        return any(holds(part, key, value, where) for part in condition.any_)
    if condition.not_:
        return not holds(condition.not_, key, value, where)
    name = condition.operator
    expected = getattr(condition, name or "")
    if condition.context == "regimes":
        wanted = set(expected)
        return wanted <= where.regimes if name == "all_of" else bool(wanted & where.regimes)
    if condition.context is not None:
        facts = {"tier": where.tier, "data_class": where.data_class, "use_case": where.use_case}
        fact = where.is_critical if condition.context == "critical" else facts[condition.context]
        return fact in expected if name == "any_of" else fact == expected
    assert condition.question == key, "the oracle reads one question only"
    if name == "answered":
        return expected
    if name == "any_of":
        return value in expected
    assert name in ("equals", "is_true"), f"no oracle for {name}"
    return value == expected


def _reads_only(item: Question) -> bool:
    return all(rule.when.questions() <= {item.key} for rule in item.red_flags)


STANDARD_SHOW_IF_READS = {
    key for item in STANDARD.questions if item.show_if for key in item.show_if.questions()
}
STANDARD_FLAG_READS = {
    key
    for item in STANDARD.questions
    for rule in item.red_flags
    for key in rule.when.questions() - {item.key}
}
STANDARD_MOVABLE = [
    item
    for item in STANDARD.questions
    if item.type in ("yes_no", "single_choice")
    and item.scoring is not None
    and item.key not in STANDARD_SHOW_IF_READS | STANDARD_FLAG_READS
    and _reads_only(item)
]


def test_the_standard_questionnaire_has_questions_to_move():
    assert len(STANDARD_MOVABLE) >= 30  # of its 56 yes_no and single_choice questions


@LARGE
@given(st.data())
def test_a_better_answer_never_lowers_the_standard_score(data):
    where = data.draw(contexts)
    answers = data.draw(STANDARD_ANSWERS)
    item = data.draw(st.sampled_from(STANDARD_MOVABLE))
    table = choices(item)
    flagged = {
        answer
        for answer in table
        for rule in item.red_flags
        if where.tier in rule.tiers and holds(rule.when, item.key, answer, where)
    }
    pairs = better_pairs(table, flagged)
    assume(pairs)
    worse, better = data.draw(st.sampled_from(pairs))

    low = score(STANDARD, answers | {item.key: worse}, where)
    high = score(STANDARD, answers | {item.key: better}, where)

    at = [domain.key for domain in STANDARD.domains].index(item.domain)
    assert_not_lower(high, low, at)


# (c) Hidden and out-of-scope questions never change anything


def assert_same(first: ScoreResult, second: ScoreResult) -> None:
    assert second == first
    assert second.explanation == first.explanation


@SMALL
@given(st.data())
def test_answers_to_hidden_questions_never_change_a_generated_score(data):
    case = data.draw(cases())
    where = data.draw(contexts)
    answers = data.draw(answers_to(case.strategies))
    first = score(case.definition, answers, where)
    excluded = [item.key for item in first.questions if item.state in EXCLUDED]
    assume(excluded)

    changed = replaced(data.draw, case.strategies, answers, excluded)

    assert_same(first, score(case.definition, changed, where))


@LARGE
@given(st.data())
def test_answers_to_hidden_questions_never_change_the_standard_score(data):
    where = data.draw(contexts)
    answers = data.draw(STANDARD_ANSWERS)
    first = score(STANDARD, answers, where)
    excluded = [item.key for item in first.questions if item.state in EXCLUDED]

    assume(excluded)

    changed = replaced(data.draw, STANDARD_STRATEGIES, answers, excluded)

    assert_same(first, score(STANDARD, changed, where))


# (d) n/a takes a question out of both earned and maximum


def assert_as_if_absent(with_na: ScoreResult, without: ScoreResult, key: str) -> None:
    assert state_of(with_na, key) in ("na", "unscored", *EXCLUDED)
    assert figures(with_na) == figures(without)
    assert [item for item in with_na.questions if item.key != key] == list(without.questions)
    assert with_na.red_flags == without.red_flags
    # A knockout on the question itself may test other questions; any other is unaffected.
    assert tuple(hit for hit in with_na.knockouts if hit.question != key) == without.knockouts


@SMALL
@given(st.data())
def test_n_a_is_the_same_as_a_generated_question_being_absent(data):
    case = data.draw(cases())
    where = data.draw(contexts)
    answers = data.draw(answers_to(case.strategies))
    free = [
        item.key
        for item in case.definition.questions
        if item.allow_na and item.key not in case.read_by_others
    ]
    key = data.draw(st.sampled_from(free))
    rest = {name: value for name, value in answers.items() if name != key}

    with_na = score(case.definition, rest | {key: NA}, where)
    without = score(case.rebuilt(without=key), rest, where)

    assert_as_if_absent(with_na, without, key)


STANDARD_DATA = STANDARD.model_dump(by_alias=True, exclude_none=True)
STANDARD_NA_FREE = [
    item.key
    for item in STANDARD.questions
    if item.allow_na
    and not any(
        item.key in condition.questions() and other.key != item.key
        for other in STANDARD.questions
        for condition in other.conditions()
    )
]
STANDARD_WITHOUT = {
    key: Definition.model_validate(
        {**STANDARD_DATA, "questions": [q for q in STANDARD_DATA["questions"] if q["key"] != key]}
    )
    for key in STANDARD_NA_FREE
}


def test_the_standard_questionnaire_has_n_a_questions_nothing_reads():
    assert STANDARD_NA_FREE == ["IP-04", "IP-07", "CN-03a", "CN-06", "HO-04"]


@LARGE
@given(st.data())
def test_n_a_is_the_same_as_a_standard_question_being_absent(data):
    where = data.draw(contexts)
    answers = data.draw(STANDARD_ANSWERS)
    key = data.draw(st.sampled_from(STANDARD_NA_FREE))
    rest = {name: value for name, value in answers.items() if name != key}

    with_na = score(STANDARD, rest | {key: NA}, where)
    without = score(STANDARD_WITHOUT[key], rest, where)

    assert_as_if_absent(with_na, without, key)


# (e) The same input always gives the same output


def assert_repeatable(definition: Definition, copy: Definition, answers: dict, data) -> None:
    where, elsewhere = data.draw(contexts), data.draw(contexts)
    first = score(definition, answers, where)
    score(definition, answers, elsewhere)  # another profile in the plan's cache in between
    again = score(definition, answers, where)
    fresh = score(copy, answers, where)  # an equal definition, compiled separately

    assert again == first and fresh == first
    assert again.explanation == first.explanation == fresh.explanation
    stored = json.loads(json.dumps(first.to_json()))
    restored = ScoreResult.from_json(stored)
    assert restored == first
    assert restored.to_json() == stored
    # A stored result keeps no text (result.py): scoring the answers again in its stored
    # context rebuilds the same figures and the same explanation lines.
    rebuilt = score(definition, answers, restored.context)
    assert rebuilt == first
    assert rebuilt.explanation == first.explanation


@SMALL
@given(st.data())
def test_a_generated_score_is_repeatable_and_survives_storage(data):
    case = data.draw(cases())

    assert_repeatable(case.definition, case.rebuilt(), data.draw(answers_to(case.strategies)), data)


STANDARD_COPY = Definition.model_validate(STANDARD_DATA)


@LARGE
@given(st.data())
def test_the_standard_score_is_repeatable_and_survives_storage(data):
    assert_repeatable(STANDARD, STANDARD_COPY, data.draw(STANDARD_ANSWERS), data)
