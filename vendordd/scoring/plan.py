"""A definition compiled once into a plan of plain tuples and closures, cached per definition.

Scoring runs for many responses against few definitions and few context profiles (tier,
regimes, data class, use case, criticality), so the work that depends only on those is done
once per profile: which questions and rules are in play, their conditions with the context
tests already decided, and the records of questions whose outcome does not depend on the
answer's value.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from vendordd.questionnaires.schema import Condition, Definition, Question
from vendordd.scoring.conditions import ALWAYS, Check, Node, Test, compile_condition, specialise
from vendordd.scoring.context import Context
from vendordd.scoring.points import MEMO_LIMIT, Lookup, Scorer, compile_scorer
from vendordd.scoring.result import (
    HIDDEN,
    MISSING,
    NA,
    OUT_OF_SCOPE,
    SKIPPED,
    UNSCORED,
    Hit,
    QuestionScore,
)

Profile = tuple[str, frozenset[str], str, str, bool]
# A scorer's form, as the engine tests it in its hot loop.
LOOKUP, CONSTANT, CALL, UNSCORED_FORM = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class RulePlan:
    tiers: frozenset[str]
    when: Node
    is_knockout: bool  # else a red flag
    hit: Hit  # what the result lists when the rule fires
    reads_own_answer_only: bool  # see _reads_own_answer_only


# A rule that fired, as the engine collects them; sorted, they are in file order (question
# position, then the question's knockouts and red flags as listed).
Fired = tuple[int, int, bool, Hit]  # (question position, rule number, is_knockout, hit)


@dataclass(frozen=True, slots=True)
class QuestionPlan:
    index: int  # position in the file
    key: str
    domain_index: int  # the domain's position in the file
    tiers: frozenset[str]
    regimes: frozenset[str]  # empty: every regime
    show_if: Node | None
    scorer: Scorer | None
    # Records that do not depend on the answer's value: out of scope, hidden, unanswered
    # (missing, skipped or unscored) and answered n/a (as unanswered where n/a is not allowed).
    fixed: tuple[QuestionScore, QuestionScore, QuestionScore, QuestionScore]
    rules: tuple[RulePlan, ...]

    def in_scope(self, tier: str, regimes: frozenset[str]) -> bool:
        return tier in self.tiers and (not self.regimes or not self.regimes.isdisjoint(regimes))


@dataclass(frozen=True, slots=True)
class Scope:
    """What one context profile leaves in play, as the plain tuples the engine unpacks."""

    # Per question in play, in evaluation order (show_if targets first): (position in the
    # file, key, domain position, show_if as key/values/test (see conditions.Check), scorer,
    # its form (LOOKUP, CONSTANT, CALL or UNSCORED), the records when hidden, unanswered and
    # answered n/a, and the rules that test only its own answer's value: answer -> Fired, or
    # None).
    steps: tuple[tuple, ...]
    # Per question: out-of-scope and never-shown records in place; None where steps decide.
    records: tuple[QuestionScore | None, ...]
    # Every other rule in play: (position of its question, key/values/test of its condition,
    # Fired).
    rules: tuple[tuple, ...]
    domain_of: tuple[int, ...]  # per question (file order): its domain's position
    # Per domain: positions of its questions in play, in evaluation order (the order the
    # engine adds their earned points in).
    domain_steps: tuple[tuple[int, ...], ...]


@dataclass(frozen=True, slots=True)
class Plan:
    # No reference to the definition: the cache must not keep it alive.
    questions: tuple[QuestionPlan, ...]  # in evaluation order
    domains: tuple[tuple[str, str, int], ...]  # (key, title, weight)
    scopes: dict[Profile, Scope] = field(default_factory=dict)

    def scope(self, context: Context) -> Scope:
        """What is in play for the context's profile (worked out once per profile)."""
        profile = (
            context.tier,
            context.regimes,
            context.data_class,
            context.use_case,
            context.is_critical,
        )
        found = self.scopes.get(profile)
        if found is None:
            found = self.scopes[profile] = self._scope(context)
        return found

    def _scope(self, context: Context) -> Scope:
        steps, rules = [], []
        records: list[QuestionScore | None] = [None] * len(self.questions)
        for plan in self.questions:
            if not plan.in_scope(context.tier, context.regimes):
                records[plan.index] = plan.fixed[0]
                continue
            show = ALWAYS if plan.show_if is None else specialise(plan.show_if, context)
            if show is None:
                records[plan.index] = plan.fixed[1]
                continue
            on_answer = AnswerRules(plan.key, context)
            for number, rule in enumerate(plan.rules):
                check = specialise(rule.when, context) if context.tier in rule.tiers else None
                if check is None:
                    continue
                fired = (plan.index, number, rule.is_knockout, rule.hit)
                if not on_answer.take(rule, check, fired):
                    rules.append((plan.index, *check, fired))
            step = (plan.index, plan.key, plan.domain_index, *show, plan.scorer)
            on = on_answer if on_answer.by_value or on_answer.tests else None
            steps.append((*step, _form(plan.scorer), *plan.fixed[1:], on))
        domain_of = [0] * len(self.questions)
        for plan in self.questions:
            domain_of[plan.index] = plan.domain_index
        return Scope(
            steps=tuple(steps),
            records=tuple(records),
            rules=tuple(rules),
            domain_of=tuple(domain_of),
            domain_steps=tuple(
                tuple(step[0] for step in steps if step[2] == domain)
                for domain in range(len(self.domains))
            ),
        )


T = TypeVar("T")
_PLANS: dict[int, tuple[weakref.ref, Plan]] = {}


def per_definition(
    cache: dict[int, tuple[weakref.ref, T]],
    definition: Definition,
    build: Callable[[Definition], T],
) -> T:
    """What `build` makes of a definition, made once and dropped with the definition.

    Keyed by identity: definitions are not hashable, and the published-version cache hands out
    one object per content.
    """
    key = id(definition)
    cached = cache.get(key)
    if cached is not None and cached[0]() is definition:
        return cached[1]
    built = build(definition)
    cache[key] = (weakref.ref(definition, lambda _ref: cache.pop(key, None)), built)
    return built


def plan_for(definition: Definition) -> Plan:
    """The compiled plan of a definition."""
    return per_definition(_PLANS, definition, _compile)


def _compile(definition: Definition) -> Plan:
    domains = {domain.key: number for number, domain in enumerate(definition.domains)}
    unknown = sorted({question.domain for question in definition.questions} - set(domains))
    if unknown:
        raise ValueError(f"questions name unknown domains: {', '.join(unknown)}")
    index = {question.key: number for number, question in enumerate(definition.questions)}
    return Plan(
        questions=tuple(
            _question(definition, question, index[question.key], domains[question.domain])
            for question in _evaluation_order(definition)
        ),
        domains=tuple((domain.key, domain.title, domain.weight) for domain in definition.domains),
    )


def _question(
    definition: Definition, question: Question, index: int, domain_index: int
) -> QuestionPlan:
    questions = definition.by_key
    rules = tuple(
        RulePlan(
            frozenset(rule.tiers),
            compile_condition(rule.when, questions),
            is_knockout,
            Hit(question.key, rule.message),
            _reads_own_answer_only(rule.when, question),
        )
        for is_knockout, listed in ((True, question.knockouts), (False, question.red_flags))
        for rule in listed
    )
    return QuestionPlan(
        index=index,
        key=question.key,
        domain_index=domain_index,
        tiers=frozenset(question.applies.tiers),
        regimes=frozenset(question.applies.regimes),
        show_if=compile_condition(question.show_if, questions) if question.show_if else None,
        scorer=compile_scorer(question),
        fixed=_fixed(question),
        rules=rules,
    )


class AnswerRules(dict):
    """Answer -> the rules it fires, for the rules of a question that read nothing but its own
    answer's value (no other question, no policy) and cannot fire while it is unanswered: the
    engine decides them as it scores the answer, each answer once per context profile."""

    __slots__ = ("by_value", "context", "key", "tests")

    def __init__(self, key: str, context: Context) -> None:
        super().__init__()
        self.key, self.context = key, context
        self.by_value: dict[object, tuple[Fired, ...]] = {}  # membership tests
        self.tests: list[tuple[Test, Fired]] = []

    def take(self, rule: RulePlan, check: Check, fired: Fired) -> bool:
        """Whether the rule is decided here (else the engine tests it after every answer)."""
        if check.test is None:
            if check.key != self.key or None in (check.values or ()):
                return False
            for value in check.values or ():
                self.by_value[value] = (*self.by_value.get(value, ()), fired)
            return True
        if not rule.reads_own_answer_only or check.test({}, self.context):
            return False
        self.tests.append((check.test, fired))
        return True

    def __missing__(self, value: object) -> tuple[Fired, ...]:
        seen = {self.key: value}
        fired = [*self.by_value.get(value, ())]
        fired += [hit for test, hit in self.tests if test(seen, self.context)]
        found = tuple(sorted(fired))
        if len(self) < MEMO_LIMIT:
            self[value] = found
        return found


def _reads_own_answer_only(condition: Condition, question: Question) -> bool:
    """The condition reads only the question's answer, which is hashable, and not the policy."""
    return (
        question.type != "group"  # rows of dicts cannot key a memo
        and condition.questions() == {question.key}
        and not _reads_policy(condition)
    )


def _reads_policy(condition: Condition) -> bool:
    parts = [*(condition.all_ or ()), *(condition.any_ or ())]
    if condition.not_ is not None:
        parts.append(condition.not_)
    return condition.operator == "outside_policy" or any(map(_reads_policy, parts))


def _fixed(
    question: Question,
) -> tuple[QuestionScore, QuestionScore, QuestionScore, QuestionScore]:
    key, domain = question.key, question.domain
    weight = question.scoring.weight if question.scoring else 0

    def made(state: str, points: int | None = None, maximum: int = 0) -> QuestionScore:
        return QuestionScore(key, domain, state, points, weight, 0.0, maximum, None)

    if question.scoring is None:
        unanswered = made(UNSCORED)
    else:
        unanswered = made(MISSING, 0, weight) if question.required else made(SKIPPED)
    na = made(NA) if question.allow_na and question.scoring is not None else unanswered
    return made(OUT_OF_SCOPE), made(HIDDEN), unanswered, na


def _form(scorer: Scorer | None) -> int:
    """How the engine gets a record from the scorer (see points.py)."""
    if scorer is None:
        return UNSCORED_FORM
    if isinstance(scorer, Lookup):
        return LOOKUP
    return CONSTANT if isinstance(scorer, QuestionScore) else CALL


def _evaluation_order(definition: Definition) -> list[Question]:
    """File order, except that a question's show_if targets are decided before it.

    The loader rejects show_if cycles; should one reach here anyway, the question closing the
    loop is decided first and sees no answer from the rest of the loop.
    """
    order: list[Question] = []
    placed: set[str] = set()
    visiting: set[str] = set()

    def place(question: Question) -> None:
        if question.key in placed or question.key in visiting:
            return
        visiting.add(question.key)
        for key in sorted(question.show_if.questions()) if question.show_if else ():
            if key in definition.by_key:
                place(definition.by_key[key])
        visiting.discard(question.key)
        placed.add(question.key)
        order.append(question)

    for question in definition.questions:
        place(question)
    return order
