"""Answer files: one vendor's answers to one questionnaire version as YAML (questionnaires/demo/).

The format is documented in questionnaires/README.md. The demo data and the tests read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from vendordd.questionnaires.answers import parse_answers
from vendordd.questionnaires.loading import Loader
from vendordd.questionnaires.schema import Definition


class TextLoader(Loader):
    """Every scalar stays the text it was written as (only `~` and blanks are empty).

    Answers are read this way so that a model version like 1.10 or 2024-08-06 stays text; numbers
    and dates are then parsed by the type of the question they answer.
    """


TextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in Loader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class AnswerFile:
    title: str
    context: dict[str, Any]
    answers: dict[str, Any]
    # Question key (or `questionnaire`, `version`, `file`) -> what is wrong with it.
    errors: dict[str, str] = field(default_factory=dict)


def load_answer_file(
    path: Path, definition: Definition, providers: Mapping[str, str] | None = None
) -> AnswerFile:
    """Read an answer file and check it against `definition` (its key and version too)."""
    try:
        text = path.read_text(encoding="utf-8")
        header = yaml.load(text, Loader=Loader)
        raw = yaml.load(text, Loader=TextLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        return AnswerFile("", {}, {}, {"file": f"cannot read {path.name}: {error}"})
    if not isinstance(header, dict) or not isinstance(raw.get("answers", {}), dict):
        return AnswerFile(
            "", {}, {}, {"file": "an answer file is a mapping with an answers mapping"}
        )
    errors = {}
    for name, expected in (("questionnaire", definition.key), ("version", definition.version)):
        if str(raw.get(name)) != expected:
            errors[name] = f"the file answers {name} {raw.get(name)!r}, not {expected!r}"
    answers, answer_errors = parse_answers(definition, raw.get("answers") or {}, providers)
    context = header.get("context")
    return AnswerFile(
        title=str(header.get("title") or path.stem),
        context=context if isinstance(context, dict) else {},
        answers=answers,
        errors=errors | answer_errors,
    )
