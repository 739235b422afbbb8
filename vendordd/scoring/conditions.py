"""Conditions (`show_if`, knockout and red-flag `when`), compiled for fast evaluation.

A condition is compiled once per definition into a small tree of nodes, and specialised once
per context profile (tier, regimes, data class, use case, criticality): context tests become
constants, so `all`/`any` around them shrink, and a rule whose context does not match
disappears. What is left becomes a `Check`:

- `ALWAYS` (nothing left to test),
- a membership test `seen.get(key) in values` (most conditions: one test on a yes/no or
  single-choice answer), which the engine evaluates inline, or
- a closure `test(seen, context)`.

`seen` maps the key of every question that is in scope, visible and answered (not N/A) to its
checked value. A question that is hidden, out of scope, unanswered or N/A is absent, so a test
on it is false (except `answered: false`), and a condition reading a hidden question sees no
answer: chains hide.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from vendordd.questionnaires.schema import Condition, Question
from vendordd.scoring.context import Context

Test = Callable[[Mapping[str, Any], Context], bool]
COMPARE = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}
# Answers of these types are single hashable values, so `equals`/`any_of`/`is_true` on them
# is a set membership test.
SCALAR_TYPES = frozenset({"yes_no", "single_choice", "number", "date", "short_text"})


@dataclass(frozen=True, slots=True)
class Node:
    """A compiled condition: `in` (membership), `test` (answer closure), `context` (context
    closure), or `all`/`any`/`not` over parts."""

    kind: str
    key: str | None = None
    values: frozenset = frozenset()
    test: Callable[..., bool] | None = None
    parts: tuple[Node, ...] = ()


class Check(NamedTuple):
    """A specialised condition: holds when (no key or seen[key] in values) and (no test or
    test(seen, context))."""

    key: str | None
    values: frozenset | None
    test: Test | None


ALWAYS = Check(None, None, None)


def compile_condition(condition: Condition, questions: Mapping[str, Question]) -> Node:
    """The condition as a node tree (once per definition)."""
    if condition.all_ is not None:
        return Node("all", parts=tuple(compile_condition(p, questions) for p in condition.all_))
    if condition.any_ is not None:
        return Node("any", parts=tuple(compile_condition(p, questions) for p in condition.any_))
    if condition.not_ is not None:
        return Node("not", parts=(compile_condition(condition.not_, questions),))
    if condition.context is not None:
        return Node("context", test=_context_test(condition))
    key = condition.question or ""
    question = questions.get(key)
    kind = question.type if question else ""
    name = condition.operator or ""
    expected = _normalised(kind, getattr(condition, name))
    if kind in SCALAR_TYPES and name in ("equals", "is_true"):
        return Node("in", key=key, values=frozenset((expected,)))
    if kind in SCALAR_TYPES and name == "any_of":
        return Node("in", key=key, values=frozenset(expected))
    return Node("test", test=_question_test(key, name, expected))


def specialise(node: Node, context: Context) -> Check | None:
    """The node for one context profile as a Check; None when it can never hold."""
    folded = _fold(node, context)
    if folded is True:
        return ALWAYS
    if folded is False:
        return None
    if folded.kind == "in":
        return Check(folded.key, folded.values, None)
    return Check(None, None, _closure(folded))


def outside_policy(countries: tuple[str, ...], context: Context) -> tuple[str, ...] | None:
    """The countries outside the policy for the context's data class; None if unrestricted."""
    allowed = context.allowed_countries.get(context.data_class)
    if not allowed:
        return None
    if allowed.issuperset(countries):
        return ()
    return tuple(code for code in countries if code not in allowed)


def _fold(node: Node, context: Context) -> Node | bool:
    """Context tests replaced by their outcome, and all/any/not simplified around them."""
    if node.kind == "context":
        return bool(node.test(context))  # type: ignore[misc]
    if node.kind == "not":
        inner = _fold(node.parts[0], context)
        return (not inner) if isinstance(inner, bool) else Node("not", parts=(inner,))
    if node.kind not in ("all", "any"):
        return node
    decisive = node.kind == "any"  # the value that settles the whole: True for any
    parts = []
    for part in node.parts:
        folded = _fold(part, context)
        if folded is decisive:
            return decisive
        if not isinstance(folded, bool):
            parts.append(folded)
    if not parts:
        return not decisive
    return parts[0] if len(parts) == 1 else Node(node.kind, parts=tuple(parts))


def _closure(node: Node) -> Test:
    if node.kind == "in":
        key, values = node.key, node.values
        return lambda seen, context: seen.get(key) in values
    if node.kind == "test":
        return node.test  # type: ignore[return-value]
    if node.kind == "not":
        inner = _closure(node.parts[0])
        return lambda seen, context: not inner(seen, context)
    parts = tuple(_closure(part) for part in node.parts)
    # Two parts are the common case; spelt out, they skip a generator per call.
    if len(parts) == 2:
        first, second = parts
        if node.kind == "all":
            return lambda seen, context: first(seen, context) and second(seen, context)
        return lambda seen, context: first(seen, context) or second(seen, context)
    if node.kind == "all":
        return lambda seen, context: all(part(seen, context) for part in parts)
    return lambda seen, context: any(part(seen, context) for part in parts)


def _normalised(kind: str, value: Any) -> Any:
    """Comparison values in the form answers take (YAML may say `yes` or quote a date)."""
    if isinstance(value, list):
        return [_normalised(kind, item) for item in value]
    if kind == "yes_no" and isinstance(value, str) and value.lower() in ("yes", "no"):
        return value.lower() == "yes"
    if kind == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _question_test(key: str, name: str, expected: Any) -> Test:
    """Tests on list answers (and numbers, countries, `answered`) as closures."""
    if name == "answered":
        return lambda seen, context: (key in seen) == expected
    if name == "equals":
        return lambda seen, context: (value := seen.get(key)) is not None and value == expected
    if name == "is_true":
        return lambda seen, context: (
            isinstance(value := seen.get(key), bool) and (value == expected)
        )
    if name in COMPARE:
        compare = COMPARE[name]
        return lambda seen, context: _is_number(value := seen.get(key)) and compare(value, expected)
    if name == "outside_policy":
        return lambda seen, context: (
            isinstance(value := seen.get(key), tuple)
            and (bool(outside_policy(value, context)) == expected)
        )
    wanted = frozenset(expected)
    if name == "any_of":

        def any_of(seen: Mapping[str, Any], context: Context) -> bool:
            value = seen.get(key)
            if isinstance(value, tuple):
                return not wanted.isdisjoint(value)
            return value is not None and value in wanted

        return any_of

    def all_of(seen: Mapping[str, Any], context: Context) -> bool:
        value = seen.get(key)
        if isinstance(value, tuple):
            return wanted.issubset(value)
        return value is not None and wanted.issubset((value,))

    return all_of


def _context_test(condition: Condition) -> Callable[[Context], bool]:
    name = condition.operator or ""
    expected = getattr(condition, name)
    fact = condition.context
    if fact == "critical":
        return lambda context: context.is_critical == expected
    if fact == "regimes":
        wanted = frozenset(expected)
        if name == "all_of":
            return lambda context: wanted.issubset(context.regimes)
        return lambda context: not wanted.isdisjoint(context.regimes)
    attribute = {"tier": "tier", "data_class": "data_class", "use_case": "use_case"}[fact or ""]
    if name == "equals":
        return lambda context: getattr(context, attribute) == expected
    wanted = frozenset(expected)
    return lambda context: getattr(context, attribute) in wanted


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
