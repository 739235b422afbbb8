"""Structured facts read from a scored response: what its `maps_to` questions answered.

Pure. Only questions that were asked (in scope and visible in the score) and answered (not
n/a) give facts, and each fact names the question it came from. List targets collect every
value of every such question, in file order; a single-value target (access path, contract
figures) takes the first such question in file order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from vendordd.questionnaires.answers import NA
from vendordd.questionnaires.schema import Definition, Question
from vendordd.scoring.result import HIDDEN, OUT_OF_SCOPE, ScoreResult

LISTS = {
    "fourth_party.model_developers": "model_developers",
    "fourth_party.hosting_platforms": "hosting_platforms",
    "fourth_party.clouds": "clouds",
    "fourth_party.other_dependencies": "other_dependencies",
    "fourth_party.processing_countries": "processing_countries",
    "fourth_party.storage_countries": "storage_countries",
}
CONTRACT_PREFIX = "contract."


class Fact(NamedTuple):
    value: Any
    question: str


@dataclass(frozen=True)
class ModelRow:
    """One foundation model in use (a row of a group mapped to fourth_party.models)."""

    question: str
    developer: tuple[str, ...] = ()
    family: str | None = None
    version: str | None = None
    access_path: str | None = None
    hosting: tuple[str, ...] = ()


@dataclass(frozen=True)
class FeatureRow:
    """One AI feature of the product (a row of a group mapped to inventory.ai_features)."""

    question: str
    feature: str | None = None
    purpose: str | None = None
    model: str | None = None
    provider: tuple[str, ...] = ()
    default_on: bool | None = None


@dataclass(frozen=True)
class Facts:
    model_developers: tuple[Fact, ...] = ()
    models: tuple[ModelRow, ...] = ()
    access_path: Fact | None = None
    hosting_platforms: tuple[Fact, ...] = ()
    clouds: tuple[Fact, ...] = ()
    other_dependencies: tuple[Fact, ...] = ()
    processing_countries: tuple[Fact, ...] = ()
    storage_countries: tuple[Fact, ...] = ()
    # Contract figures by the target's name after "contract.", e.g. "incident_notification_hours".
    contract: Mapping[str, Fact] = field(default_factory=dict)
    ai_features: tuple[FeatureRow, ...] = ()


def extract_facts(definition: Definition, answers: Mapping[str, Any], result: ScoreResult) -> Facts:
    """The facts in the answers to questions that were asked (per the result) and answered."""
    asked = {item.key for item in result.questions if item.state not in (HIDDEN, OUT_OF_SCOPE)}
    lists: dict[str, list[Fact]] = {name: [] for name in LISTS.values()}
    models: list[ModelRow] = []
    features: list[FeatureRow] = []
    contract: dict[str, Fact] = {}
    access_path: Fact | None = None
    for question in definition.questions:
        value = answers.get(question.key)
        if question.maps_to is None or question.key not in asked or value is None or value is NA:
            continue
        target = question.maps_to
        if target in LISTS:
            lists[LISTS[target]] += [Fact(item, question.key) for item in value]
        elif target == "fourth_party.models":
            models += [ModelRow(question.key, **_columns(question, row)) for row in value]
        elif target == "inventory.ai_features":
            features += [FeatureRow(question.key, **_columns(question, row)) for row in value]
        elif target == "fourth_party.access_path":
            access_path = access_path or Fact(value, question.key)
        elif target.startswith(CONTRACT_PREFIX):
            contract.setdefault(target.removeprefix(CONTRACT_PREFIX), Fact(value, question.key))
    return Facts(
        **{name: tuple(found) for name, found in lists.items()},
        models=tuple(models),
        access_path=access_path,
        contract=contract,
        ai_features=tuple(features),
    )


def _columns(question: Question, row: Mapping[str, Any]) -> dict[str, Any]:
    """A group row's answers by the role each column maps to (unmapped columns are left out)."""
    return {
        column.maps_to: row[column.key]
        for column in question.fields or ()
        if column.maps_to is not None and column.key in row
    }
