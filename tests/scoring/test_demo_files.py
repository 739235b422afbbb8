"""The four demo answer files (questionnaires/demo/) scored against the standard questionnaire.

Their outcomes are the ones questionnaires/README.md describes ("The demo files"), and their
explanations are complete: every figure can be recomputed by hand from the printed lines.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

import pytest

from vendordd.concentration.services import seed_entries
from vendordd.questionnaires.answer_files import AnswerFile, load_answer_file
from vendordd.questionnaires.loading import load_definition
from vendordd.questionnaires.schema import Question
from vendordd.resources import resource_dir
from vendordd.scoring import Context, ScoreResult, score
from vendordd.scoring.explain import TIMES
from vendordd.scoring.residual import RATINGS, residual_level

FOLDER = resource_dir("questionnaires")
STANDARD = load_definition(FOLDER / "genai-due-diligence.yaml")
NAMES = ("strong", "weak", "knockouts", "no-genai")
AS_OF = date(2026, 11, 2)
POLICY = {"customer_personal": frozenset({"HK", "SG"}), "regulated": frozenset({"HK"})}
# The registry as shipped, looked up as `provider_lookup` does: lower-cased names and keys.
PROVIDERS = {entry.name.lower(): entry.key for entry in seed_entries()} | {
    entry.key.lower(): entry.key for entry in seed_entries()
}
COUNTED = ("answered", "missing")
EXCLUDED_WORDS = {
    "na": "answered n/a",
    "skipped": "optional and unanswered",
    "hidden": "hidden by a condition",
    "out_of_scope": "not asked at this tier or for these regimes",
    "unscored": "informational, not scored",
}


@cache
def loaded(name: str) -> AnswerFile:
    return load_answer_file(FOLDER / "demo" / f"{name}.yaml", STANDARD, PROVIDERS)


def context_of(written: dict) -> Context:
    return Context(
        tier=written["tier"],
        as_of=AS_OF,
        regimes=frozenset(written.get("regimes") or ()),
        data_class=written["data_class"],
        use_case=written["use_case"],
        is_critical=written["critical"],
        allowed_countries=POLICY,
    )


@cache
def scored(name: str) -> ScoreResult:
    answers = loaded(name)
    return score(STANDARD, answers.answers, context_of(answers.context))


def states(result: ScoreResult) -> dict[str, str]:
    return {item.key: item.state for item in result.questions}


def in_file_order(keys: list[str]) -> list[str]:
    order = [item.key for item in STANDARD.questions]
    return sorted(keys, key=order.index)


# Loading and outcomes


@pytest.mark.parametrize("name", NAMES)
def test_the_demo_file_loads_without_errors(name):
    assert loaded(name).errors == {}


@pytest.mark.parametrize(
    ("name", "tier", "regimes", "data_class", "use_case", "critical"),
    [
        (
            "strong",
            "T1",
            {"HKMA", "SFC", "MAS", "DORA", "EU_AI_ACT"},
            "customer_personal",
            "customer_advice",
            True,
        ),
        ("weak", "T2", {"HKMA"}, "confidential", "internal_decision_support", False),
        ("knockouts", "T1", {"IA", "MAS"}, "customer_personal", "customer_information", True),
        ("no-genai", "T3", {"SFC"}, "internal", "internal_productivity", False),
    ],
)
def test_the_written_context_is_the_one_the_readme_describes(
    name, tier, regimes, data_class, use_case, critical
):
    written = context_of(loaded(name).context)

    assert (written.tier, written.regimes) == (tier, regimes)
    assert (written.data_class, written.use_case, written.is_critical) == (
        data_class,
        use_case,
        critical,
    )


def test_the_strong_vendor_scores_high_with_nothing_against_it():
    result = scored("strong")

    assert result.overall >= 85
    assert (result.knockouts, result.red_flags, result.outcome) == ((), (), "clear")
    assert "missing" not in states(result).values()
    # T1 is inherent level 4; at 85 % or more one lower
    assert (result.residual_level, result.residual_rating) == (3, "high")


def test_the_weak_vendor_scores_low_with_many_red_flags_and_no_knockout():
    result = scored("weak")

    assert result.overall < 60
    assert len(result.red_flags) >= 10
    assert (result.knockouts, result.outcome) == ((), "clear")
    # T2 is inherent level 3; below 60 % one higher
    assert (result.residual_level, result.residual_rating) == (4, "critical")


def test_the_knockouts_vendor_is_blocked_by_the_named_knockouts():
    result = scored("knockouts")

    fired = [hit.question for hit in result.knockouts]
    assert result.outcome == "blocked"
    assert set(fired) == {
        "TR-01",  # trains on client data with no opt-out
        "MC-02",  # no notice of model changes
        "CN-01",  # refuses to name its model providers
        "RD-03",  # no certified deletion
        "LG-01",  # prompts and outputs not logged, for a customer-facing use
        "SC-04a",  # open critical findings from the AI security test
    }
    assert fired == in_file_order(fired)


def gated_on(key: str) -> set[str]:
    """Every question shown on `key`'s answer, directly or through a chain of show_if."""
    found: set[str] = set()
    grown = True
    while grown:
        reading = {
            item.key
            for item in STANDARD.questions
            if item.show_if and item.show_if.questions() & (found | {key})
        }
        grown = not reading <= found
        found |= reading
    return found


def asked(item: Question, tier: str, regimes: frozenset[str]) -> bool:
    applies = item.applies
    return tier in applies.tiers and (not applies.regimes or bool(regimes & set(applies.regimes)))


def test_the_vendor_without_genai_has_its_genai_questions_hidden():
    result = scored("no-genai")
    written = context_of(loaded("no-genai").context)
    found = states(result)

    assert loaded("no-genai").answers["EG-01"] is False
    genai = gated_on("EG-01")
    asked_here = {
        key for key in genai if asked(STANDARD.by_key[key], written.tier, written.regimes)
    }
    assert len(asked_here) >= 20
    assert {key: found[key] for key in asked_here} == dict.fromkeys(asked_here, "hidden")
    assert {found[key] for key in genai - asked_here} <= {"out_of_scope"}
    for key in ("DR-01a", "TR-01", "RD-03", "SP-01", "SC-01", "IN-01", "EG-07"):
        assert found[key] == "answered", key
    assert (result.knockouts, result.outcome) == ((), "clear")


# The explanation: complete, and every figure recomputable from the printed lines

QUESTION_LINE = re.compile(r"^  (?P<key>\S+) \(weight (?P<weight>\d+)\): (?P<how>.*)$")
POINTS = re.compile(r"→ (?P<points>\d+) points → (?P<earned>\d+\.\d\d) of (?P<weight>\d+)")
LAST_FIGURE = re.compile(r"(?P<earned>\d+\.\d\d) of (?P<weight>\d+)$")
DOMAIN_HEAD = re.compile(r"^(?P<title>.+) \(domain weight (?P<weight>\d+)\):$")
DOMAIN_LINE = re.compile(
    r"^(?P<title>.+): (?P<earned>\d+\.\d\d) of (?P<maximum>\d+) = (?P<pc>[\d.]+)%$"
)
OVERALL = re.compile(
    r"^Overall = \((?P<products>.+)\) / \((?P<weights>.+)\) = (?P<overall>[\d.]+)%$"
)
PRODUCT = re.compile(rf"^(?P<percent>\d+\.\d\d) {TIMES} (?P<weight>\d+)$")  # P x W
RESIDUAL = re.compile(
    r"^Residual: tier (?P<tier>T\d) → inherent level (?P<inherent>\d); control score "
    r"(?P<score>[\d.]+)%.* → residual level (?P<level>\d) \((?P<rating>\w+)\)$"
)


def lines_of(name: str) -> list[str]:
    return list(scored(name).explanation)


def matching(pattern: re.Pattern, lines: list[str]) -> list[re.Match]:
    return [found for line in lines if (found := pattern.match(line))]


@pytest.mark.parametrize("name", NAMES)
def test_every_counted_question_has_a_line_and_every_other_one_is_listed_once(name):
    result, lines = scored(name), lines_of(name)

    for item in result.questions:
        head = f"  {item.key} (weight {item.weight}): "
        own = [line for line in lines if line.startswith(head)]
        listed = [
            line
            for line in lines
            if line.startswith("Not counted, ") and item.key in line.split(": ", 1)[1].split(", ")
        ]
        if item.state in COUNTED:
            assert (len(own), listed) == (1, []), item
        else:
            assert (own, len(listed)) == ([], 1), item
            assert EXCLUDED_WORDS[item.state] in listed[0], item


@pytest.mark.parametrize("name", NAMES)
def test_each_question_line_shows_weight_times_points(name):
    flagged = {hit.question for hit in scored(name).red_flags}
    counted = matching(QUESTION_LINE, lines_of(name))

    assert counted
    for line in counted:
        weight = int(line["weight"])
        last = LAST_FIGURE.search(line["how"])
        assert int(last["weight"]) == weight, line.string
        if line["how"].startswith("required, unanswered"):
            assert last["earned"] == "0.00", line.string
            continue
        given = POINTS.search(line["how"])
        assert given is not None, line.string
        assert given["earned"] == f"{weight * int(given['points']) / 100:.2f}", line.string
        if line["key"] in flagged:
            assert line["how"].endswith(f", red flag → 0.00 of {weight}"), line.string
        else:
            assert last["earned"] == given["earned"], line.string


def printed_domains(lines: list[str]) -> dict[str, dict]:
    """Per domain title: its weight, its question lines' figures, and its total line."""
    domains: dict[str, dict] = {}
    current = None
    for line in lines:
        if head := DOMAIN_HEAD.match(line):
            current = domains[head["title"]] = {"weight": int(head["weight"]), "questions": []}
        elif (item := QUESTION_LINE.match(line)) and current is not None:
            last = LAST_FIGURE.search(item["how"])
            current["questions"].append((float(last["earned"]), int(last["weight"])))
        elif (total := DOMAIN_LINE.match(line)) and total["title"] in domains:
            domains[total["title"]]["total"] = total
    return domains


@pytest.mark.parametrize("name", NAMES)
def test_each_domain_line_matches_the_result_and_its_question_lines(name):
    result, lines = scored(name), lines_of(name)
    printed = printed_domains(lines)

    assert list(printed) == [domain.title for domain in result.domains]
    for domain in result.domains:
        shown = printed[domain.title]
        assert shown["weight"] == domain.weight
        if domain.percent is None:
            assert f"{domain.title}: nothing counts → left out of the overall" in lines
            assert shown["questions"] == [] and "total" not in shown
            continue
        total = shown["total"]
        assert total.group(0) == (
            f"{domain.title}: {domain.earned:.2f} of {domain.maximum} = {domain.percent:.2f}%"
        )
        earned, maximum = float(total["earned"]), int(total["maximum"])
        # The question lines add up to the domain's line, each rounded to 0.005 at most.
        assert sum(weight for _, weight in shown["questions"]) == maximum
        slack = 0.005 * (len(shown["questions"]) + 1)
        assert sum(got for got, _ in shown["questions"]) == pytest.approx(earned, abs=slack)
        # E / M x 100 from the printed E (off by up to 0.005 / M x 100) gives the printed P.
        assert earned / maximum * 100 == pytest.approx(
            float(total["pc"]), abs=0.5 / maximum + 0.005
        )


@pytest.mark.parametrize("name", NAMES)
def test_the_overall_recomputes_from_the_printed_domain_figures(name):
    result, lines = scored(name), lines_of(name)
    printed = printed_domains(lines)
    [overall] = matching(OVERALL, lines)

    products = [PRODUCT.match(part) for part in overall["products"].split(" + ")]
    weights = [int(part) for part in overall["weights"].split(" + ")]
    pairs = [(float(part["percent"]), int(part["weight"])) for part in products]
    # The products are the domain lines' percents by the domain headings' weights.
    assert pairs == [
        (float(shown["total"]["pc"]), shown["weight"])
        for shown in printed.values()
        if "total" in shown
    ]
    assert weights == [weight for _, weight in pairs]
    recomputed = sum(percent * weight for percent, weight in pairs) / sum(weights)
    assert recomputed == pytest.approx(float(overall["overall"]), abs=0.01)
    assert recomputed == pytest.approx(result.overall, abs=0.01)
    assert overall["overall"] == f"{result.overall:.2f}"


@pytest.mark.parametrize("name", NAMES)
def test_the_residual_line_follows_from_the_printed_score(name):
    result, lines = scored(name), lines_of(name)
    [residual] = matching(RESIDUAL, lines)

    tier, level = residual["tier"], int(residual["level"])
    assert int(residual["inherent"]) == {"T1": 4, "T2": 3, "T3": 2, "T4": 1}[tier]
    assert level == residual_level(tier, float(residual["score"])) == result.residual_level
    assert residual["rating"] == RATINGS[level] == result.residual_rating
