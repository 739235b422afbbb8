"""Checks across the parts of a definition that pydantic cannot see one part at a time.

Each problem carries the path into the YAML data (for its line number) and a message.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from vendordd.questionnaires.schema import (
    CONTEXT_VALUES,
    LIST_TYPES,
    Condition,
    Definition,
    Question,
)
from vendordd.questionnaires.shape import shape_findings
from vendordd.questionnaires.tags import tag_problem
from vendordd.questionnaires.targets import TARGETS
from vendordd.vendors.validation import countries

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    path: Path
    message: str


# Which comparisons make sense for which answer types.
OPERATOR_TYPES = {
    "equals": {"yes_no", "single_choice", "number", "date", "short_text"},
    "any_of": {"single_choice", "multiple_choice", "countries", "providers"},
    "all_of": {"multiple_choice", "countries", "providers"},
    "is_true": {"yes_no"},
    "gt": {"number"},
    "gte": {"number"},
    "lt": {"number"},
    "lte": {"number"},
    "outside_policy": {"countries"},
}


def check_definition(definition: Definition) -> list[Finding]:
    """Every cross-reference problem in a schema-valid definition, in file order."""
    findings = _duplicates(definition)
    domains = {domain.key for domain in definition.domains}
    used_domains = set()
    for index, question in enumerate(definition.questions):
        at: Path = ("questions", index)
        used_domains.add(question.domain)
        if question.domain not in domains:
            findings.append(Finding((*at, "domain"), f"unknown domain {question.domain!r}"))
        findings += [Finding(path, message) for path, message in shape_findings(question, at)]
        findings += _condition_findings(definition, question, at)
        findings += [
            Finding((*at, "regulatory", number), problem)
            for number, tag in enumerate(question.regulatory)
            if (problem := tag_problem(tag))
        ]
        findings += _mapping_findings(question, at)
    findings += [
        Finding(("domains", index), f"domain {domain.key!r} has no questions")
        for index, domain in enumerate(definition.domains)
        if domain.key not in used_domains
    ]
    findings += _cycles(definition)
    return findings


def _duplicates(definition: Definition) -> list[Finding]:
    findings = []
    seen: set[str] = set()
    for index, domain in enumerate(definition.domains):
        if domain.key in seen:
            findings.append(Finding(("domains", index, "key"), f"duplicate domain {domain.key!r}"))
        seen.add(domain.key)
    seen = set()
    for index, question in enumerate(definition.questions):
        if question.key in seen:
            findings.append(
                Finding(("questions", index, "key"), f"duplicate question key {question.key!r}")
            )
        seen.add(question.key)
        columns: set[str] = set()
        for number, column in enumerate(question.fields or ()):
            if column.key in columns:
                findings.append(
                    Finding(
                        ("questions", index, "fields", number, "key"),
                        f"duplicate column key {column.key!r}",
                    )
                )
            columns.add(column.key)
    return findings


def _condition_paths(question: Question, at: Path) -> list[tuple[Path, Condition]]:
    paths: list[tuple[Path, Condition]] = []
    if question.show_if:
        paths.append(((*at, "show_if"), question.show_if))
    for kind in ("knockouts", "red_flags"):
        for number, rule in enumerate(getattr(question, kind)):
            paths.append(((*at, kind, number, "when"), rule.when))
    return paths


def _condition_findings(definition: Definition, question: Question, at: Path) -> list[Finding]:
    findings = []
    for path, condition in _condition_paths(question, at):
        for sub_path, test in _tests(condition, path):
            findings += _test_findings(definition, question, test, sub_path)
    return findings


def _tests(condition: Condition, path: Path) -> list[tuple[Path, Condition]]:
    """The leaf tests of a condition with their paths."""
    if condition.all_ or condition.any_:
        name, children = ("all", condition.all_) if condition.all_ else ("any", condition.any_)
        found = []
        for number, child in enumerate(children or ()):
            found += _tests(child, (*path, name, number))
        return found
    if condition.not_:
        return _tests(condition.not_, (*path, "not"))
    return [(path, condition)]


def _test_findings(
    definition: Definition, owner: Question, test: Condition, path: Path
) -> list[Finding]:
    operator = test.operator or ""
    value = getattr(test, operator)
    values = value if isinstance(value, list) else [value]
    if test.context is not None:
        allowed = CONTEXT_VALUES.get(test.context)
        wrong = [item for item in values if allowed is not None and item not in allowed]
        if wrong:
            return [
                Finding(
                    (*path, operator),
                    f"{test.context} has no value {', '.join(map(str, wrong))};"
                    f" use one of {', '.join(allowed or ())}",
                )
            ]
        return []
    target = definition.by_key.get(test.question or "")
    if target is None:
        return [Finding((*path, "question"), f"condition on missing question {test.question!r}")]
    if target.key == owner.key and path[2] == "show_if":
        return [Finding((*path, "question"), "a question cannot be shown on its own answer")]
    if operator != "answered" and target.type not in OPERATOR_TYPES[operator]:
        return [
            Finding(
                (*path, operator),
                f"{operator} cannot test {target.key}, a {target.type} question",
            )
        ]
    return _value_findings(target, operator, values, (*path, operator))


def _value_findings(target: Question, operator: str, values: list, path: Path) -> list[Finding]:
    if operator in ("is_true", "answered", "outside_policy", "gt", "gte", "lt", "lte"):
        return []
    if target.type in ("single_choice", "multiple_choice", "yes_no"):
        known = target.option_values
        wrong = [str(item) for item in values if item not in known]
        if target.type == "yes_no":
            return []
        if wrong:
            return [
                Finding(
                    path,
                    f"{target.key} has no option {', '.join(wrong)}; its options are"
                    f" {', '.join(known)}",
                )
            ]
    if target.type == "countries":
        wrong = [str(item) for item in values if item not in countries()]
        if wrong:
            return [Finding(path, f"not an ISO 3166 alpha-2 country: {', '.join(wrong)}")]
    if target.type == "number" and any(isinstance(item, bool | str) for item in values):
        return [Finding(path, f"{target.key} is a number question; compare it with a number")]
    if target.type in LIST_TYPES and operator == "equals":
        return [Finding(path, f"{target.key} holds several values; use any_of or all_of")]
    return []


def _mapping_findings(question: Question, at: Path) -> list[Finding]:
    findings = []
    if question.maps_to is not None:
        target = TARGETS.get(question.maps_to)
        if target is None:
            findings.append(
                Finding((*at, "maps_to"), f"unknown maps_to target {question.maps_to!r}")
            )
        elif question.type not in target.types:
            findings.append(
                Finding(
                    (*at, "maps_to"),
                    f"{question.maps_to} takes {' or '.join(sorted(target.types))} answers,"
                    f" not {question.type}",
                )
            )
    target = TARGETS.get(question.maps_to or "")
    for number, column in enumerate(question.fields or ()):
        if column.maps_to is None:
            continue
        path = (*at, "fields", number, "maps_to")
        roles = (target.columns if target else None) or {}
        if column.maps_to not in roles:
            findings.append(
                Finding(
                    path,
                    f"column maps_to {column.maps_to!r} needs the group to map to a target"
                    f" with that column ({', '.join(roles) or 'none here'})",
                )
            )
        elif column.type not in roles[column.maps_to]:
            findings.append(
                Finding(path, f"{column.maps_to} takes {'/'.join(roles[column.maps_to])} answers")
            )
    return findings


def _cycles(definition: Definition) -> list[Finding]:
    """show_if chains that loop back, so that no question in them could ever be shown first."""
    graph = {
        question.key: sorted(question.show_if.questions()) if question.show_if else []
        for question in definition.questions
    }
    index = {question.key: number for number, question in enumerate(definition.questions)}
    findings = []
    for start in graph:
        trail = _loop_through(graph, start)
        # A loop is reported once, at its first question; a question shown on its own answer
        # is reported by the condition check.
        if trail and len(trail) > 1 and min(trail, key=index.__getitem__) == start:
            findings.append(
                Finding(
                    ("questions", index[start], "show_if"),
                    "show_if conditions form a cycle: " + " → ".join([*trail, start]),
                )
            )
    return findings


def _loop_through(graph: dict[str, list[str]], start: str) -> list[str] | None:
    """The shortest chain of show_if references from start back to start, or None."""
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in graph.get(node, ()):
            if child == start:
                trail = [node]
                while trail[-1] != start:
                    trail.append(parent[trail[-1]])
                return trail[::-1]
            if child not in parent:
                parent[child] = node
                queue.append(child)
    return None
