"""Reading questionnaires/*.yaml into checked definitions, with errors that name file and line."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from vendordd.questionnaires.checks import check_definition
from vendordd.questionnaires.schema import Definition
from vendordd.resources import resource_dir


class Loader(yaml.SafeLoader):
    """YAML 1.2 booleans only: `yes`, `no`, `on`, `off` (and Norway's `NO`) stay strings."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    question: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        about = [
            part for part in (self.question and f"question {self.question}", self.field) if part
        ]
        return f"{where}: {', '.join(about) + ': ' if about else ''}{self.message}"


class DefinitionInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def questionnaire_files(folder: Path | None = None) -> list[Path]:
    """The definition files in questionnaires/ (or another folder), sorted by name."""
    return sorted((folder or resource_dir("questionnaires")).glob("*.yaml"))


def load_definition(path: Path) -> Definition:
    """Parse and check one file; raises DefinitionInvalid listing every problem."""
    definition, problems = read_definition(path)
    if problems or definition is None:
        raise DefinitionInvalid(problems)
    return definition


def read_definition(path: Path) -> tuple[Definition | None, list[Problem]]:
    """The definition in a file (None if it does not parse) and every problem found in it."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [Problem(name, None, None, None, f"cannot read the file: {error}")]
    try:
        data, lines, duplicates = _parse(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        return None, [Problem(name, line, None, None, f"not valid YAML: {error}")]
    locate = _Locator(name, data, lines)
    problems = [
        locate(path, f"key {key!r} appears twice in this mapping") for path, key in duplicates
    ]
    if not isinstance(data, dict):
        return None, [*problems, Problem(name, 1, None, None, "the file must be a YAML mapping")]
    try:
        definition = Definition.model_validate(data)
    except ValidationError as error:
        errors = error.errors()
        problems += [locate(_path(item["loc"]), _message(item)) for item in errors]
        problems += [locate(path, message) for path, message in _check_valid_part(data, errors)]
        return None, _in_file_order(problems)
    problems += [locate(finding.path, finding.message) for finding in check_definition(definition)]
    return definition, _in_file_order(problems)


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda problem: problem.line or 0)


def _check_valid_part(data: dict, errors: list) -> list[tuple[Path_, str]]:
    """Cross-reference problems among the questions that passed the schema, so one run shows all.

    Runs only when every schema error is inside a question. What the failed questions would have
    supplied (a key a condition names, a domain's only question) is not reported as missing.
    """
    questions = data.get("questions")
    if not isinstance(questions, list) or any(
        item["loc"][:1] != ("questions",) or len(item["loc"]) < 2 for item in errors
    ):
        return []
    bad = {item["loc"][1] for item in errors}
    kept = [index for index in range(len(questions)) if index not in bad]
    try:
        partial = Definition.model_validate({**data, "questions": [questions[i] for i in kept]})
    except ValidationError:
        return []
    failed = {str(questions[i].get("key")) for i in bad if isinstance(questions[i], dict)}
    found = []
    for finding in check_definition(partial):
        if finding.message.endswith("has no questions") or any(
            finding.message == f"condition on missing question {key!r}" for key in failed
        ):
            continue
        path = finding.path
        if path[:1] == ("questions",):
            path = ("questions", kept[int(path[1])], *path[2:])
        found.append((path, finding.message))
    return found


def content_hash(definition: Definition) -> str:
    """SHA-256 of the definition's canonical JSON: layout and comments in the file do not count."""
    return hashlib.sha256(canonical_json(definition).encode()).hexdigest()


def canonical_json(definition: Definition) -> str:
    content = definition.model_dump(mode="json", by_alias=True, exclude_none=True)
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


Path_ = tuple[str | int, ...]


def _parse(text: str) -> tuple[object, dict[Path_, int], list[tuple[Path_, str]]]:
    """Data, the line of every node by its path, and keys repeated within one mapping."""
    loader = Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, {}, []
        data = loader.construct_document(root)
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    duplicates: list[tuple[Path_, str]] = []
    _walk(root, (), lines, duplicates)
    return data, lines, duplicates


def _walk(node: yaml.Node, at: Path_, lines: dict, duplicates: list) -> None:
    lines[at] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                duplicates.append(((*at, key), key))
            seen.add(key)
            lines[(*at, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*at, key), lines, duplicates)
            lines[(*at, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for number, item in enumerate(node.value):
            _walk(item, (*at, number), lines, duplicates)


class _Locator:
    """Turns a path into the data into a Problem with line, question key and field."""

    def __init__(self, file: str, data: object, lines: dict[Path_, int]):
        self.file, self.data, self.lines = file, data, lines

    def __call__(self, path: Path_, message: str) -> Problem:
        known = path
        while known and known not in self.lines:
            known = known[:-1]
        question, field = None, ".".join(str(part) for part in path) or None
        if len(path) >= 2 and path[0] == "questions" and isinstance(path[1], int):
            question = self._question_key(path[1])
            field = ".".join(str(part) for part in path[2:]) or None
        return Problem(self.file, self.lines.get(known), question, field, message)

    def _question_key(self, index: int) -> str:
        questions = self.data.get("questions") if isinstance(self.data, dict) else None
        if isinstance(questions, list) and index < len(questions):
            item = questions[index]
            if isinstance(item, dict) and isinstance(item.get("key"), str):
                return item["key"]
        return f"#{index + 1}"


def _path(loc: tuple) -> Path_:
    # pydantic adds the type it tried for union members (e.g. `bool`, `list[...]`); drop those.
    return tuple(part for part in loc if isinstance(part, int) or not _is_type_name(part))


def _is_type_name(part: str) -> bool:
    return part in {"bool", "int", "float", "str", "date"} or "[" in part


def _message(item: dict) -> str:
    message = item["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if item["type"] == "extra_forbidden":
        return "unknown field (check its spelling against questionnaires/README.md)"
    return message
