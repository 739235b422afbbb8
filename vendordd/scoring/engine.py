"""The scoring engine: a definition, checked answers and a context in, a ScoreResult out.

Pure: no Flask, no database, no clock (the date rules use `context.as_of`). The rules:

Which questions count
- A question is *out_of_scope* unless the context's tier is in `applies.tiers` and
  `applies.regimes` is empty or shares a regime with the context. It is *hidden* when its
  `show_if` is false. A condition sees only answers to questions in scope and visible (a
  hidden question reads as unanswered), so a question shown on an answer to a hidden one is
  hidden too. Both states are excluded from the score.
- Otherwise: *unscored* without a scoring block (maximum 0); *na* when answered n/a where
  allowed (excluded from numerator and denominator); *missing* when required and unanswered
  (0 points of its full weight); *skipped* when optional and unanswered (excluded);
  else *answered*.

Points (0-100) for an answer, and what a question earns
- yes_no and single_choice: `points[value]` (yes_no keys `yes` and `no`); multiple_choice:
  the chosen options' points combined by `sum` (capped at 100), `min` or `max`.
- number: the first band that holds the value; date: the first band that holds its age in days
  (`age_days`, as_of - date) or the days left (`days_until`, date - as_of); no band: 0.
- countries (`policy: data_location`): 100 when the context's data class has no restriction
  or every country is allowed; 0 when any is outside (the note lists them).
- providers, evidence, group: `if_answered`.
- earned = weight x points / 100; maximum = weight.

Knockouts and red flags, for a question in scope and visible, whose rule lists the context's
tier and whose `when` holds: a knockout is listed and makes the outcome "blocked" (approval
then needs a risk acceptance); a red flag is listed and sets its question's earned points to 0.

Figures: a domain's percent = sum(earned) / sum(maximum) x 100 (None when the maximum is 0); the
overall = sum(percent x domain weight) / sum(domain weight) over domains with a percent (None
when none has one); the residual level comes from `residual.residual_level` (the overall
compared with the band limits at six decimals, so binary floating point never moves a score
that is exactly on a limit by hand).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from vendordd.questionnaires.answers import NA as NA_ANSWER
from vendordd.questionnaires.schema import Definition
from vendordd.scoring.context import Context
from vendordd.scoring.explain import explain
from vendordd.scoring.plan import CALL, CONSTANT, LOOKUP, Fired, Scope, plan_for
from vendordd.scoring.residual import INHERENT_LEVELS, RATINGS, residual_level
from vendordd.scoring.result import (
    BLOCKED,
    CLEAR,
    HIDDEN,
    DomainScore,
    Hit,
    QuestionScore,
    ScoreResult,
)

# Raised whenever a rule changes how the same answers score, so stored results say which
# rules produced them.
ENGINE_VERSION = "1.0.0"
RED_FLAG_NOTE = "red flag: earns 0 (its full weight is deducted)"


def score(definition: Definition, answers: Mapping[str, Any], context: Context) -> ScoreResult:
    """Score one response; see the module docstring for every rule."""
    plan = plan_for(definition)
    scope = plan.scope(context)
    records = list(scope.records)
    earned_by_domain = [0.0] * len(plan.domains)
    maximum_by_domain = [0] * len(plan.domains)
    seen: dict[str, Any] = {}
    fired: list[Fired] = []
    # The hot loop: conditions.Check and the scorer forms of points.py are inlined.
    for step in scope.steps:
        index, key, at, show_key, show_values, show_test, scorer, form, hidden, absent, na, on = (
            step
        )
        if (show_key is not None and seen.get(show_key) not in show_values) or (
            show_test is not None and not show_test(seen, context)
        ):
            records[index] = hidden
            continue
        value = answers.get(key)
        if value is None or value is NA_ANSWER:
            record = records[index] = absent if value is None else na
            maximum_by_domain[at] += record[6]
            continue
        seen[key] = value
        if on is not None and (hits := on[value]):
            fired += hits
        if form == LOOKUP:
            record = scorer[value]
        elif form == CONSTANT:
            record = scorer
        elif form == CALL:
            record = scorer(value, context)
        else:
            records[index] = absent
            continue
        records[index] = record
        earned_by_domain[at] += record[5]
        maximum_by_domain[at] += record[6]

    for index, key, values, test, hit in scope.rules:
        if (key is not None and seen.get(key) not in values) or (
            test is not None and not test(seen, context)
        ):
            continue
        if records[index][2] is not HIDDEN:
            fired.append(hit)
    if len(fired) > 1:
        fired.sort()  # file order: (position, rule number) pairs are unique
    knockouts: list[Hit] = []
    red_flags: list[Hit] = []
    flagged: dict[int, None] = {}  # positions of red-flagged questions, in order
    for index, _number, is_knockout, hit in fired:
        if is_knockout:
            knockouts.append(hit)
        else:
            red_flags.append(hit)
            flagged[index] = None
    if flagged:
        _deduct(scope, records, earned_by_domain, flagged)

    domains = []
    weighted = weights = 0.0
    for (key, title, weight), got, most in zip(
        plan.domains, earned_by_domain, maximum_by_domain, strict=True
    ):
        percent = got / most * 100 if most else None
        if percent is not None:
            weighted += percent * weight
            weights += weight
        # tuple.__new__ skips DomainScore's keyword-handling __new__.
        domains.append(tuple.__new__(DomainScore, (key, title, weight, got, most, percent)))
    overall = weighted / weights if weights else None
    level = residual_level(context.tier, overall)
    return ScoreResult(
        engine_version=ENGINE_VERSION,
        overall=overall,
        domains=tuple(domains),
        questions=tuple(records),
        knockouts=tuple(knockouts),
        red_flags=tuple(red_flags),
        outcome=BLOCKED if knockouts else CLEAR,
        inherent_level=INHERENT_LEVELS[context.tier],
        residual_level=level,
        residual_rating=RATINGS[level],
        context=context,
        lines=partial(explain, definition, dict(answers), context),
    )


def _deduct(
    scope: Scope,
    records: list[QuestionScore],
    earned_by_domain: list[float],
    flagged: Iterable[int],
) -> None:
    """Red-flagged questions earn 0. Their domains' sums are added up again rather than
    reduced, so that they stay exactly the sum of the earned figures."""
    domains = set()
    for index in flagged:
        record = records[index]
        note = f"{record.note}; {RED_FLAG_NOTE}" if record.note else RED_FLAG_NOTE
        records[index] = tuple.__new__(QuestionScore, (*record[:5], 0.0, record[6], note))
        domains.add(scope.domain_of[index])
    for domain in domains:
        earned_by_domain[domain] = 0.0
        for index in scope.domain_steps[domain]:
            earned_by_domain[domain] += records[index][5]
