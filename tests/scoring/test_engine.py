"""The scoring rules of vendordd/scoring/engine.py (its docstring), one small definition each.

Every figure asserted is worked out by hand in a comment beside it: a question earns
weight x points / 100 of its weight, a domain's percent is earned / maximum x 100, and the
overall is the mean of the domain percents weighted by domain weight.
"""

from __future__ import annotations

from datetime import date

import pytest

from vendordd.questionnaires.answers import NA
from vendordd.questionnaires.checks import check_definition
from vendordd.questionnaires.schema import Definition
from vendordd.scoring import Context, DomainScore, Hit, QuestionScore, ScoreResult, score
from vendordd.scoring.engine import RED_FLAG_NOTE
from vendordd.scoring.residual import residual_level

AS_OF = date(2026, 1, 31)
TAG = ["EU-DORA 28"]
POLICY = {
    "customer_personal": frozenset({"HK", "SG"}),
    "regulated": frozenset({"HK"}),
    "public": frozenset(),  # an empty set: no restriction
}
LEVELS = {"T1": 4, "T2": 3, "T3": 2, "T4": 1}


# Building definitions, contexts and reading results


def definition(*questions: dict, domains: list[dict] | None = None) -> Definition:
    """A checked definition of these questions (in one domain `main` unless told)."""
    built = Definition.model_validate(
        {
            "key": "rules",
            "version": "1.0.0",
            "title": "Scoring rules",
            "description": "A small questionnaire for the scoring tests.",
            "domains": domains or [{"key": "main", "title": "Main", "weight": 10}],
            "questions": list(questions),
        }
    )
    assert check_definition(built) == [], "the test builds an invalid definition"
    return built


def question(key: str, kind: str, scoring: dict | None = None, **fields) -> dict:
    item = {"key": key, "domain": "main", "text": f"Question {key}?", "type": kind}
    item |= {"regulatory": TAG, **fields}
    return item if scoring is None else item | {"scoring": scoring}


def yes_no(key: str, weight: int = 2, yes: int = 100, no: int = 0, **fields) -> dict:
    return question(key, "yes_no", {"weight": weight, "points": {"yes": yes, "no": no}}, **fields)


def choice(key: str, points: dict[str, int], weight: int = 3, **fields) -> dict:
    """A single_choice question (multiple_choice with `combine`), one option per points entry."""
    combine = fields.pop("combine", None)
    options = [{"value": value, "label": value.title()} for value in points]
    scoring = {"weight": weight, "points": points} | ({"combine": combine} if combine else {})
    kind = "multiple_choice" if combine else "single_choice"
    return question(key, kind, scoring, options=options, **fields)


FULL_PARTIAL_NONE = {"full": 100, "partial": 60, "none": 0}


def context(tier: str = "T1", **fields) -> Context:
    return Context(tier=tier, as_of=fields.pop("as_of", AS_OF), **fields)


def record(result: ScoreResult, key: str) -> QuestionScore:
    return next(item for item in result.questions if item.key == key)


def domain(result: ScoreResult, key: str = "main") -> DomainScore:
    return next(item for item in result.domains if item.key == key)


def state(result: ScoreResult, key: str) -> str:
    return record(result, key).state


def figures(result: ScoreResult, key: str = "main") -> tuple[float, int, float | None]:
    """A domain's earned, maximum and percent."""
    found = domain(result, key)
    return found.earned, found.maximum, found.percent


# Which questions count: the states


def test_an_answered_question_earns_weight_times_points_over_100():
    rules = definition(yes_no("Q1", weight=4, yes=100, no=25))

    result = score(rules, {"Q1": False}, context())

    # no earns 25 points: 4 x 25 / 100 = 1.0 of 4; the domain 1.0 / 4 x 100 = 25 %
    assert record(result, "Q1") == QuestionScore("Q1", "main", "answered", 25, 4, 1.0, 4, None)
    assert figures(result) == (1.0, 4, 25.0)
    assert result.overall == 25.0


def test_n_a_where_allowed_leaves_the_question_out_of_earned_and_maximum():
    rules = definition(yes_no("Q1"), choice("Q2", FULL_PARTIAL_NONE, allow_na=True))

    result = score(rules, {"Q1": True, "Q2": NA}, context())

    # Q1: 2 x 100 / 100 = 2.0 of 2; Q2 left out: 2.0 of 2 = 100 %
    assert record(result, "Q2") == QuestionScore("Q2", "main", "na", None, 3, 0.0, 0, None)
    assert figures(result) == (2.0, 2, 100.0)


def test_n_a_where_not_allowed_counts_as_unanswered():
    rules = definition(yes_no("Q1"), choice("Q2", FULL_PARTIAL_NONE))

    result = score(rules, {"Q1": True, "Q2": NA}, context())

    # Q2 is required and has no real answer: missing, 0 of 3; 2.0 of 2 + 3 = 40 %
    assert state(result, "Q2") == "missing"
    assert figures(result) == (2.0, 5, 40.0)


def test_a_required_unanswered_question_is_missing_and_counts_0_of_its_full_weight():
    rules = definition(yes_no("Q1"), choice("Q2", FULL_PARTIAL_NONE))

    result = score(rules, {"Q1": True}, context())

    # Q1 2.0 of 2, Q2 0 of 3: 2.0 / 5 x 100 = 40 %
    assert record(result, "Q2") == QuestionScore("Q2", "main", "missing", 0, 3, 0.0, 3, None)
    assert figures(result) == (2.0, 5, 40.0)


def test_an_optional_unanswered_question_is_skipped():
    rules = definition(yes_no("Q1"), choice("Q2", FULL_PARTIAL_NONE, required=False))

    result = score(rules, {"Q1": True}, context())

    # Q2 left out: 2.0 of 2 = 100 %
    assert record(result, "Q2") == QuestionScore("Q2", "main", "skipped", None, 3, 0.0, 0, None)
    assert figures(result) == (2.0, 2, 100.0)


SHOWN_WHEN_Q1_IS_YES = [
    pytest.param({"question": "Q1", "is_true": True}, id="is_true"),
    pytest.param({"question": "Q1", "equals": "yes"}, id="equals"),
    pytest.param(
        {
            "all": [
                {"question": "Q1", "answered": True},
                {"not": {"question": "Q1", "is_true": False}},
            ]
        },
        id="all-not",
    ),
]


@pytest.mark.parametrize("show_if", SHOWN_WHEN_Q1_IS_YES)
@pytest.mark.parametrize("q2", [{"Q2": "full"}, {}], ids=["Q2-answered", "Q2-unanswered"])
def test_a_question_whose_show_if_is_false_is_hidden_and_left_out(show_if, q2):
    rules = definition(yes_no("Q1", no=50), choice("Q2", FULL_PARTIAL_NONE, show_if=show_if))

    result = score(rules, {"Q1": False, **q2}, context())

    # Q1 no: 2 x 50 / 100 = 1.0 of 2; Q2 hidden (not missing, even when required and
    # unanswered): 1.0 of 2 = 50 %
    assert record(result, "Q2") == QuestionScore("Q2", "main", "hidden", None, 3, 0.0, 0, None)
    assert figures(result) == (1.0, 2, 50.0)


@pytest.mark.parametrize("show_if", SHOWN_WHEN_Q1_IS_YES)
def test_a_question_whose_show_if_holds_counts(show_if):
    rules = definition(yes_no("Q1", no=50), choice("Q2", FULL_PARTIAL_NONE, show_if=show_if))

    result = score(rules, {"Q1": True, "Q2": "partial"}, context())

    # Q1 2.0 of 2; Q2 partial 3 x 60 / 100 = 1.8 of 3: 3.8 / 5 x 100 = 76 %
    assert state(result, "Q2") == "answered"
    assert domain(result).earned == pytest.approx(3.8)
    assert domain(result).percent == pytest.approx(76.0)


def test_a_show_if_on_the_context_hides_per_context():
    rules = definition(
        yes_no("Q1"), yes_no("Q2", weight=3, show_if={"context": "critical", "is_true": True})
    )
    answers = {"Q1": True, "Q2": False}

    hidden = score(rules, answers, context(is_critical=False))
    shown = score(rules, answers, context(is_critical=True))

    # hidden: 2.0 of 2 = 100 %; shown: Q2 no earns 0 of 3, so 2.0 of 5 = 40 %
    assert (state(hidden, "Q2"), figures(hidden)) == ("hidden", (2.0, 2, 100.0))
    assert (state(shown, "Q2"), figures(shown)) == ("answered", (2.0, 5, 40.0))


def chain(order: str) -> Definition:
    """Q3 is shown on Q2 and Q2 on Q1, written in the given order (Q1 a gate worth nothing)."""
    items = {
        "Q1": yes_no("Q1", weight=1, yes=0, no=0),
        "Q2": yes_no("Q2", show_if={"question": "Q1", "is_true": True}),
        "Q3": yes_no("Q3", weight=4, show_if={"question": "Q2", "is_true": True}),
    }
    return definition(*(items[key] for key in order.split()))


@pytest.mark.parametrize("order", ["Q1 Q2 Q3", "Q3 Q2 Q1", "Q2 Q3 Q1"])
def test_a_question_shown_on_a_hidden_one_is_hidden_too(order):
    result = score(chain(order), {"Q1": False, "Q2": True, "Q3": True}, context())

    # Q2 is hidden by Q1 = no, so Q3 sees no answer to Q2 though one was given: only Q1 counts,
    # 0 of 1 = 0 %
    assert (state(result, "Q2"), state(result, "Q3")) == ("hidden", "hidden")
    assert figures(result) == (0.0, 1, 0.0)


@pytest.mark.parametrize("order", ["Q1 Q2 Q3", "Q3 Q2 Q1"])
def test_a_chain_that_holds_shows_every_question(order):
    result = score(chain(order), {"Q1": True, "Q2": True, "Q3": True}, context())

    # 0 of 1 + 2 of 2 + 4 of 4 = 6.0 of 7
    assert (state(result, "Q2"), state(result, "Q3")) == ("answered", "answered")
    assert figures(result)[:2] == (6.0, 7)


def test_a_question_shown_on_an_out_of_scope_one_is_hidden():
    rules = definition(
        yes_no("Q1", applies={"tiers": ["T1"]}),
        yes_no("Q2", weight=3, show_if={"question": "Q1", "is_true": True}),
        yes_no("Q3", weight=4),
    )

    result = score(rules, {"Q1": True, "Q2": True, "Q3": True}, context("T2"))

    # Q1 is not asked at T2, so Q2 sees no answer to it: only Q3 counts, 4.0 of 4
    assert (state(result, "Q1"), state(result, "Q2")) == ("out_of_scope", "hidden")
    assert figures(result) == (4.0, 4, 100.0)


@pytest.mark.parametrize(
    ("applies", "tier", "regimes", "expected"),
    [
        ({"tiers": ["T1", "T2"]}, "T2", set(), "answered"),
        ({"tiers": ["T1", "T2"]}, "T3", set(), "out_of_scope"),
        ({"regimes": ["SFC"]}, "T1", {"HKMA"}, "out_of_scope"),
        ({"regimes": ["SFC"]}, "T1", set(), "out_of_scope"),
        ({"regimes": ["SFC", "MAS"]}, "T4", {"HKMA", "MAS"}, "answered"),
        ({"tiers": ["T1"], "regimes": ["SFC"]}, "T2", {"SFC"}, "out_of_scope"),
        ({"tiers": ["T1"], "regimes": ["SFC"]}, "T1", {"SFC"}, "answered"),
        ({}, "T4", {"DORA"}, "answered"),  # the default: every tier and regime
    ],
)
def test_applicability_by_tier_and_regime(applies, tier, regimes, expected):
    rules = definition(yes_no("Q1"), choice("Q2", FULL_PARTIAL_NONE, applies=applies))

    result = score(rules, {"Q1": True, "Q2": "partial"}, context(tier, regimes=regimes))

    # in scope: 2 + 3 x 60 / 100 = 3.8 of 5; out of scope: 2.0 of 2
    assert state(result, "Q2") == expected
    maximum = 5 if expected == "answered" else 2
    assert domain(result).maximum == maximum
    assert domain(result).earned == pytest.approx(3.8 if maximum == 5 else 2.0)


@pytest.mark.parametrize("answers", [{"Q2": "Some text"}, {}], ids=["answered", "unanswered"])
def test_a_question_without_scoring_is_unscored_with_maximum_0(answers):
    rules = definition(yes_no("Q1"), question("Q2", "short_text"))

    result = score(rules, {"Q1": True, **answers}, context())

    assert record(result, "Q2") == QuestionScore("Q2", "main", "unscored", None, 0, 0.0, 0, None)
    assert figures(result) == (2.0, 2, 100.0)


# Points for an answer


@pytest.mark.parametrize(("answer", "points", "earned"), [(True, 100, 4.0), (False, 25, 1.0)])
def test_yes_no_points(answer, points, earned):
    rules = definition(yes_no("Q1", weight=4, yes=100, no=25))

    found = record(score(rules, {"Q1": answer}, context()), "Q1")

    # 4 x 100 / 100 = 4.0; 4 x 25 / 100 = 1.0
    assert (found.points, found.earned, found.maximum) == (points, earned, 4)


@pytest.mark.parametrize(
    ("answer", "points", "earned"), [("full", 100, 3.0), ("partial", 60, 1.8), ("none", 0, 0.0)]
)
def test_single_choice_points(answer, points, earned):
    rules = definition(choice("Q1", FULL_PARTIAL_NONE, weight=3))

    found = record(score(rules, {"Q1": answer}, context()), "Q1")

    # 3 x 100 / 100 = 3.0; 3 x 60 / 100 = 1.8; 3 x 0 / 100 = 0
    assert (found.points, found.maximum) == (points, 3)
    assert found.earned == pytest.approx(earned)


MULTIPLE = {"a": 30, "b": 50, "c": 40, "d": 0}


@pytest.mark.parametrize(
    ("combine", "answer", "points"),
    [
        ("sum", ("a",), 30),
        ("sum", ("a", "b"), 80),  # 30 + 50
        ("sum", ("a", "b", "c"), 100),  # 30 + 50 + 40 = 120, capped at 100
        ("sum", ("a", "b", "c", "d"), 100),  # 120 + 0, capped
        ("min", ("a", "c"), 30),
        ("min", ("b", "d"), 0),
        ("max", ("a", "c"), 40),
        ("max", ("d", "b"), 50),
    ],
)
def test_multiple_choice_points_combine_by_sum_capped_min_or_max(combine, answer, points):
    rules = definition(choice("Q1", MULTIPLE, weight=5, combine=combine))

    found = record(score(rules, {"Q1": answer}, context()), "Q1")

    # earned = 5 x points / 100
    assert (found.points, found.maximum) == (points, 5)
    assert found.earned == pytest.approx(5 * points / 100)


BANDS = [{"min": 90, "points": 100}, {"min": 30, "max": 89, "points": 50}]


@pytest.mark.parametrize(
    ("answer", "points"),
    [
        (120, 100),
        (90, 100),  # limits are inclusive
        (89, 50),
        (30, 50),
        (29, 0),  # no band holds
        (89.5, 0),  # above 30-89, below 90
    ],
)
def test_number_points_from_the_band_that_holds(answer, points):
    rules = definition(question("Q1", "number", {"weight": 2, "bands": BANDS}))

    found = record(score(rules, {"Q1": answer}, context()), "Q1")

    # earned = 2 x points / 100
    assert (found.points, found.earned) == (points, 2 * points / 100)


def test_number_bands_are_tried_in_order_and_the_first_that_holds_wins():
    bands = [{"min": 10, "points": 70}, {"min": 50, "points": 100}]
    rules = definition(question("Q1", "number", {"weight": 2, "bands": bands}))

    found = record(score(rules, {"Q1": 60}, context()), "Q1")

    # 60 is in both bands; the first gives 70: 2 x 70 / 100 = 1.4
    assert found.points == 70
    assert found.earned == pytest.approx(1.4)


def dated(measure: str, bands: list[dict]) -> Definition:
    return definition(question("Q1", "date", {"weight": 2, "bands": bands, "measure": measure}))


@pytest.mark.parametrize(
    ("answer", "points"),
    [
        (date(2025, 1, 31), 100),  # 365 days before 2026-01-31
        (date(2025, 1, 30), 50),  # 366 days
        (date(2024, 2, 1), 50),  # 366 (29 Feb 2024) + 364 = 730 days
        (date(2024, 1, 31), 0),  # 366 + 365 = 731 days: no band holds
    ],
)
def test_date_points_by_age_in_days_on_the_scoring_date(answer, points):
    rules = dated("age_days", [{"max": 365, "points": 100}, {"max": 730, "points": 50}])

    found = record(score(rules, {"Q1": answer}, context()), "Q1")

    assert (found.points, found.earned) == (points, 2 * points / 100)


@pytest.mark.parametrize(
    ("answer", "points"),
    [
        (date(2026, 5, 1), 100),  # 28 (to 28 Feb) + 31 + 30 + 1 = 90 days after 2026-01-31
        (date(2026, 4, 30), 40),  # 89 days
        (date(2026, 1, 31), 40),  # 0 days: due today
        (date(2026, 1, 30), 0),  # -1: expired, no band holds
    ],
)
def test_date_points_by_days_until_it(answer, points):
    rules = dated("days_until", [{"min": 90, "points": 100}, {"min": 0, "points": 40}])

    found = record(score(rules, {"Q1": answer}, context()), "Q1")

    assert (found.points, found.earned) == (points, 2 * points / 100)


@pytest.mark.parametrize(("as_of", "points"), [(date(2026, 1, 31), 100), (date(2026, 2, 1), 50)])
def test_dates_are_measured_against_the_context_date(as_of, points):
    rules = dated("age_days", [{"max": 365, "points": 100}, {"max": 730, "points": 50}])

    found = record(score(rules, {"Q1": date(2025, 1, 31)}, context(as_of=as_of)), "Q1")

    # 365 days old on 2026-01-31, 366 days old a day later
    assert found.points == points


@pytest.mark.parametrize(
    ("data_class", "answer", "points", "note"),
    [
        ("internal", ("US", "CN"), 100, "no data-location restriction for internal data"),
        ("public", ("US",), 100, "no data-location restriction for public data"),
        ("customer_personal", ("HK", "SG"), 100, None),
        ("customer_personal", ("SG",), 100, None),
        (
            "customer_personal",
            ("HK", "US", "GB"),
            0,
            "outside the data-location policy for customer_personal: US, GB",
        ),
        ("regulated", ("HK", "SG"), 0, "outside the data-location policy for regulated: SG"),
    ],
)
def test_countries_score_against_the_data_location_policy(data_class, answer, points, note):
    rules = definition(question("Q1", "countries", {"weight": 5, "policy": "data_location"}))
    where = context(data_class=data_class, allowed_countries=POLICY)

    found = record(score(rules, {"Q1": answer}, where), "Q1")

    # 5 x 100 / 100 = 5.0 or 5 x 0 / 100 = 0
    assert (found.points, found.earned, found.maximum, found.note) == (
        points,
        5 * points / 100,
        5,
        note,
    )


@pytest.mark.parametrize(
    ("item", "answer", "earned"),
    [
        (question("Q1", "providers", {"weight": 5, "if_answered": 80}), ("openai",), 4.0),
        (question("Q1", "evidence", {"weight": 2, "if_answered": 100}), ("cards.pdf",), 2.0),
        (
            question(
                "Q1",
                "group",
                {"weight": 4, "if_answered": 50},
                fields=[{"key": "name", "text": "Name", "type": "short_text"}],
            ),
            ({"name": "Chat"}, {"name": "Search"}),
            2.0,
        ),
    ],
    ids=["providers", "evidence", "group"],
)
def test_if_answered_gives_its_points_for_any_answer(item, answer, earned):
    found = record(score(definition(item), {"Q1": answer}, context()), "Q1")

    # 5 x 80 / 100 = 4.0; 2 x 100 / 100 = 2.0; 4 x 50 / 100 = 2.0
    assert (found.state, found.earned) == ("answered", earned)


# Knockouts

TRAINING = {"never": 100, "opt_out": 50, "no_opt_out": 0}
KNOCKOUT = "Trains on the institution's data with no opt-out."


def trains(tiers: list[str] | None = None, **fields) -> dict:
    rule = {"when": {"question": "TR", "equals": "no_opt_out"}, "message": KNOCKOUT}
    rule |= {"tiers": tiers} if tiers else {}
    return choice("TR", TRAINING, weight=5, knockouts=[rule], **fields)


@pytest.mark.parametrize(
    ("tier", "answer", "blocked"),
    [
        ("T1", "no_opt_out", True),
        ("T2", "no_opt_out", True),
        ("T3", "no_opt_out", False),  # the rule lists T1 and T2 only
        ("T1", "opt_out", False),  # `when` does not hold
    ],
)
def test_a_knockout_fires_at_its_tiers_and_blocks_without_changing_the_score(tier, answer, blocked):
    rules = definition(trains(["T1", "T2"]), yes_no("Q2", weight=5))

    result = score(rules, {"TR": answer, "Q2": True}, context(tier))

    assert result.knockouts == ((Hit("TR", KNOCKOUT),) if blocked else ())
    assert result.outcome == ("blocked" if blocked else "clear")
    assert result.red_flags == ()
    # no_opt_out: 0 + 5 = 5.0 of 10 = 50 %; opt_out: 5 x 50 / 100 + 5 = 7.5 of 10 = 75 %
    assert result.overall == (50.0 if answer == "no_opt_out" else 75.0)


# Each hides its question when GATE is no (or, for the context, when the use is not critical).
HIDING = [
    pytest.param({"question": "GATE", "is_true": True}, id="on-an-answer"),
    pytest.param(
        {"all": [{"question": "GATE", "answered": True}, {"question": "GATE", "is_true": True}]},
        id="on-an-all",
    ),
    pytest.param({"context": "critical", "is_true": True}, id="on-the-context"),
]


@pytest.mark.parametrize("show_if", HIDING)
def test_a_knockout_on_a_hidden_question_does_not_fire(show_if):
    rules = definition(yes_no("GATE"), trains(show_if=show_if))

    result = score(rules, {"GATE": False, "TR": "no_opt_out"}, context(is_critical=False))

    assert state(result, "TR") == "hidden"
    assert (result.knockouts, result.outcome) == ((), "clear")


def test_a_knockout_on_an_out_of_scope_question_does_not_fire():
    rules = definition(trains(applies={"tiers": ["T2"]}), yes_no("Q2"))

    result = score(rules, {"TR": "no_opt_out", "Q2": True}, context("T1"))

    assert state(result, "TR") == "out_of_scope"
    assert (result.knockouts, result.outcome) == ((), "clear")


def test_a_knockout_reading_a_hidden_question_sees_no_answer():
    rule = {"when": {"question": "TR", "equals": "no_opt_out"}, "message": "Read elsewhere."}
    rules = definition(
        yes_no("GATE"),
        choice("TR", TRAINING, show_if={"question": "GATE", "is_true": True}),
        yes_no("Q3", knockouts=[rule]),
    )

    result = score(rules, {"GATE": False, "TR": "no_opt_out", "Q3": True}, context())

    assert result.knockouts == ()


@pytest.mark.parametrize(
    ("data_class", "blocked"), [("customer_personal", True), ("internal", False)]
)
def test_a_knockout_may_test_the_context(data_class, blocked):
    when = {
        "all": [
            {"question": "TR", "equals": "opt_out"},
            {"context": "data_class", "any_of": ["customer_personal", "regulated"]},
        ]
    }
    rules = definition(choice("TR", TRAINING, knockouts=[{"when": when, "message": "Opt-out."}]))

    result = score(rules, {"TR": "opt_out"}, context(data_class=data_class))

    assert result.knockouts == ((Hit("TR", "Opt-out."),) if blocked else ())


def test_knockouts_are_listed_in_file_order():
    # Q1 is shown on Q2, so Q2 is decided first; the hits still follow the file.
    ko = {"when": {"question": "Q1", "is_true": False}, "message": "Q1 says no."}
    rules = definition(
        yes_no("Q1", show_if={"question": "Q2", "is_true": False}, knockouts=[ko]),
        yes_no("Q2", knockouts=[{"when": {"question": "Q2", "is_true": False}, "message": "No."}]),
    )

    result = score(rules, {"Q1": False, "Q2": False}, context())

    assert result.knockouts == (Hit("Q1", "Q1 says no."), Hit("Q2", "No."))


# Red flags

FLAG = "Only partly in place."


def flagged(tiers: list[str] | None = None, **fields) -> dict:
    rule = {"when": {"question": "Q2", "equals": "partial"}, "message": FLAG}
    rule |= {"tiers": tiers} if tiers else {}
    return choice("Q2", FULL_PARTIAL_NONE, weight=3, red_flags=[rule], **fields)


def test_a_red_flag_sets_its_question_to_0_and_the_domain_is_added_up_again():
    rules = definition(yes_no("Q1"), flagged())

    result = score(rules, {"Q1": True, "Q2": "partial"}, context())

    # Q2 would earn 3 x 60 / 100 = 1.8; flagged it earns 0: the domain is 2.0 of 5 = 40 %
    assert record(result, "Q2") == QuestionScore(
        "Q2", "main", "answered", 60, 3, 0.0, 3, RED_FLAG_NOTE
    )
    assert result.red_flags == (Hit("Q2", FLAG),)
    assert figures(result) == (2.0, 5, 40.0)
    assert (result.knockouts, result.outcome) == ((), "clear")


@pytest.mark.parametrize(("tier", "fires"), [("T1", True), ("T2", True), ("T3", False)])
def test_a_red_flag_fires_only_at_its_tiers(tier, fires):
    rules = definition(yes_no("Q1"), flagged(["T1", "T2"]))

    result = score(rules, {"Q1": True, "Q2": "partial"}, context(tier))

    # flagged: 2.0 of 5 = 40 %; not flagged: 2 + 1.8 = 3.8 of 5 = 76 %
    assert result.red_flags == ((Hit("Q2", FLAG),) if fires else ())
    assert domain(result).earned == pytest.approx(2.0 if fires else 3.8)


@pytest.mark.parametrize("show_if", HIDING)
def test_a_red_flag_on_a_hidden_question_does_not_fire(show_if):
    rules = definition(yes_no("GATE"), yes_no("Q1"), flagged(show_if=show_if))

    answers = {"GATE": False, "Q1": True, "Q2": "partial"}
    result = score(rules, answers, context(is_critical=False))

    # GATE 0 of 2, Q1 2 of 2, Q2 hidden: 2.0 of 4 = 50 %
    assert result.red_flags == ()
    assert figures(result) == (2.0, 4, 50.0)


def test_a_red_flag_note_follows_the_answer_s_own_note():
    rule = {"when": {"question": "Q1", "outside_policy": True}, "message": "Outside."}
    rules = definition(
        question("Q1", "countries", {"weight": 4, "policy": "data_location"}, red_flags=[rule])
    )
    where = context(data_class="customer_personal", allowed_countries=POLICY)

    found = record(score(rules, {"Q1": ("HK", "US")}, where), "Q1")

    outside = "outside the data-location policy for customer_personal: US"
    assert found.note == f"{outside}; {RED_FLAG_NOTE}"
    assert (found.points, found.earned, found.maximum) == (0, 0.0, 4)


def test_two_red_flags_on_one_question_are_both_listed_and_deduct_once():
    rules = [
        {"when": {"question": "Q2", "equals": "partial"}, "message": "First."},
        {"when": {"question": "Q2", "any_of": ["partial", "none"]}, "message": "Second."},
    ]
    built = definition(yes_no("Q1"), choice("Q2", FULL_PARTIAL_NONE, red_flags=rules))

    result = score(built, {"Q1": True, "Q2": "partial"}, context())

    assert result.red_flags == (Hit("Q2", "First."), Hit("Q2", "Second."))
    assert record(result, "Q2").note == RED_FLAG_NOTE
    assert figures(result) == (2.0, 5, 40.0)


# Figures: domains, overall, residual level

THREE_DOMAINS = [
    {"key": "alpha", "title": "Alpha", "weight": 30},
    {"key": "beta", "title": "Beta", "weight": 10},
    {"key": "gamma", "title": "Gamma", "weight": 60},
]


def three_domains() -> Definition:
    return definition(
        yes_no("A1", domain="alpha"),
        choice("A2", {"full": 100, "half": 50}, weight=3, domain="alpha"),
        question(
            "B1", "number", {"weight": 4, "bands": [{"min": 10, "points": 25}]}, domain="beta"
        ),
        question("C1", "short_text", domain="gamma"),
        yes_no("C2", weight=5, allow_na=True, domain="gamma"),
        domains=THREE_DOMAINS,
    )


def test_domain_percents_and_the_weighted_overall():
    answers = {"A1": True, "A2": "half", "B1": 12, "C1": "Notes", "C2": NA}

    result = score(three_domains(), answers, context("T2"))

    # alpha: 2 x 100 / 100 + 3 x 50 / 100 = 2.0 + 1.5 = 3.5 of 5 = 70 %
    # beta: 4 x 25 / 100 = 1.0 of 4 = 25 %
    # gamma: only an unscored and an n/a question: maximum 0, no percent, left out
    # overall = (70 x 30 + 25 x 10) / (30 + 10) = 2350 / 40 = 58.75 %
    alpha, beta, gamma = result.domains
    assert (alpha.earned, alpha.maximum, alpha.percent) == (3.5, 5, pytest.approx(70.0))
    assert (beta.earned, beta.maximum, beta.percent) == (1.0, 4, 25.0)
    assert (gamma.earned, gamma.maximum, gamma.percent) == (0.0, 0, None)
    assert result.overall == pytest.approx(58.75)
    # T2 is inherent level 3; below 60 % one higher: 4
    assert (result.inherent_level, result.residual_level, result.residual_rating) == (
        3,
        4,
        "critical",
    )


def test_without_any_domain_percent_there_is_no_overall_and_the_level_is_inherent():
    # at T3 only B1 (unscored) and C2 (n/a) are asked: nothing counts anywhere
    scoped = definition(
        yes_no("A1", domain="alpha", applies={"tiers": ["T1"]}),
        question("B1", "short_text", domain="beta"),
        yes_no("C2", allow_na=True, domain="gamma"),
        domains=THREE_DOMAINS,
    )
    result = score(scoped, {"A1": True, "B1": "Notes", "C2": NA}, context("T3"))

    assert [item.percent for item in result.domains] == [None, None, None]
    assert result.overall is None
    # T3 is inherent level 2, kept as it is
    assert (result.inherent_level, result.residual_level, result.residual_rating) == (
        2,
        2,
        "medium",
    )


@pytest.mark.parametrize(
    ("tier", "overall", "level"),
    [
        ("T1", None, 4),
        ("T1", 100.0, 3),
        ("T1", 85.0, 3),  # at 85 % one lower
        ("T1", 84.99, 4),
        ("T1", 60.0, 4),
        ("T1", 59.99, 4),  # one higher than 4, held at 4
        ("T2", 85.0, 2),
        ("T2", 70.0, 3),
        ("T2", 60.0, 3),  # at 60 % unchanged
        ("T2", 59.99, 4),
        ("T3", 90.0, 1),
        ("T3", 50.0, 3),
        ("T4", 90.0, 1),  # one lower than 1, held at 1
        ("T4", 60.0, 1),
        ("T4", 10.0, 2),
        ("T4", None, 1),
    ],
)
def test_residual_level_moves_the_inherent_level_by_the_score_band(tier, overall, level):
    assert residual_level(tier, overall) == level


@pytest.mark.parametrize(
    ("tier", "answer", "overall", "level", "rating"),
    [
        ("T1", "full", 100.0, 3, "high"),  # 100 % of 4 -> one lower
        ("T3", "mid", 75.0, 2, "medium"),  # 3 of 4 = 75 %: unchanged
        ("T4", "low", 25.0, 2, "medium"),  # 1 of 4 = 25 %: one higher
    ],
)
def test_the_result_carries_the_inherent_and_residual_levels(tier, answer, overall, level, rating):
    rules = definition(choice("Q1", {"full": 100, "mid": 75, "low": 25}, weight=4))

    result = score(rules, {"Q1": answer}, context(tier))

    assert result.overall == overall
    assert (result.inherent_level, result.residual_level, result.residual_rating) == (
        LEVELS[tier],
        level,
        rating,
    )


@pytest.mark.parametrize(
    ("points", "by_hand", "level"),
    [
        # 1 x 70 / 100 + 2 x 95 / 100 + 1 x 80 / 100 = 0.70 + 1.90 + 0.80 = 3.40 of 4 = 85 %:
        # T2's level 3, one lower at 85 % or more
        ((70, 95, 80), 85.0, 2),
        # 0.70 + 1.40 + 0.30 = 2.40 of 4 = 60 %: T2's level 3, unchanged from 60 % to 85 %
        ((70, 70, 30), 60.0, 3),
    ],
    ids=["exactly-85", "exactly-60"],
)
def test_a_score_exactly_on_a_band_limit_is_in_the_band_above(points, by_hand, level):
    rules = definition(
        *(
            choice(f"Q{number}", {"given": given, "other": 0}, weight=weight)
            for number, (given, weight) in enumerate(zip(points, (1, 2, 1), strict=True))
        )
    )

    result = score(rules, {"Q0": "given", "Q1": "given", "Q2": "given"}, context("T2"))

    assert result.overall == pytest.approx(by_hand)
    assert result.residual_level == level, (
        f"{by_hand:g} % by hand is computed as {result.overall!r}, so T2 gets residual level "
        f"{result.residual_level} instead of {level}; the explanation reads: "
        f"{result.explanation[-1]!r}"
    )
