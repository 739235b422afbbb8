"""Small questionnaire definitions written as YAML files, for the version and page tests."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import NOW, SYSTEM
from vendordd.questionnaires.services import publish_all


def mini(key: str = "mini", version: str = "1.0.0", **changes) -> dict:
    """A valid definition touching every rule the pages describe; `changes` replace top keys."""
    definition = {
        "key": key,
        "version": version,
        "title": "Mini questionnaire",
        "description": "A small questionnaire for tests.",
        "domains": [
            {"key": "embedded", "title": "Embedded GenAI", "weight": 40},
            {"key": "residency", "title": "Data residency", "weight": 60},
        ],
        "questions": [
            {
                "key": "EG-01",
                "domain": "embedded",
                "text": "Does the product use generative AI?",
                "type": "yes_no",
                "scoring": {"weight": 3, "points": {"yes": 100, "no": 0}},
                "regulatory": ["HK-HKMA-GENAI 1"],
            },
            {
                "key": "EG-02",
                "domain": "embedded",
                "text": "Which model do you use?",
                "type": "single_choice",
                "options": [
                    {"value": "own", "label": "Our own model"},
                    {"value": "third_party", "label": "A third-party model"},
                ],
                "show_if": {"question": "EG-01", "is_true": True},
                "applies": {"tiers": ["T1", "T2"], "regimes": ["HKMA", "SFC"]},
                "scoring": {"weight": 2, "points": {"own": 50, "third_party": 100}},
                "red_flags": [
                    {
                        "when": {"question": "EG-02", "equals": "own"},
                        "tiers": ["T1"],
                        "message": "An in-house model needs a model risk review.",
                    }
                ],
                "regulatory": ["SG-MAS-AIRG 4.2", "EU-AIA 50"],
            },
            {
                "key": "DR-01",
                "domain": "residency",
                "text": "Where is customer data stored?",
                "type": "countries",
                "evidence": {"requirement": "optional", "description": "Data-flow diagram"},
                "scoring": {"weight": 4, "policy": "data_location"},
                "knockouts": [
                    {
                        "when": {"question": "DR-01", "outside_policy": True},
                        "tiers": ["T1", "T2"],
                        "message": "Data is stored outside the allowed countries.",
                    }
                ],
                "regulatory": ["EU-DORA 30(2)(b)"],
                "maps_to": "fourth_party.storage_countries",
            },
            {
                "key": "DR-02",
                "domain": "residency",
                "text": "How many days' notice do you give before moving data?",
                "help": "Calendar days before the move.",
                "type": "number",
                "unit": "days",
                "allow_na": True,
                "scoring": {
                    "weight": 2,
                    "bands": [{"min": 90, "points": 100}, {"min": 30, "max": 89, "points": 50}],
                },
                "regulatory": ["SG-MAS-OUTS 5.5"],
            },
        ],
    }
    return definition | changes


def question(definition: dict, key: str) -> dict:
    """The question with this key, to change in place."""
    return next(q for q in definition["questions"] if q["key"] == key)


def write(folder: Path, definition: dict, name: str | None = None) -> Path:
    """Write a definition as YAML into the folder (created if needed); returns the file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"{definition['key']}.yaml")
    path.write_text(yaml.safe_dump(definition, sort_keys=False, allow_unicode=True))
    return path


def publish(db, folder: Path, *definitions: dict) -> None:
    """Write the definitions into a fresh folder and publish them, committed."""
    for definition in definitions:
        write(folder, definition, f"{definition['key']}-{definition['version']}.yaml")
    report = publish_all(db, now=NOW, actor=SYSTEM, folder=folder)
    assert report.count("refused") == 0, report.outcomes
    db.commit()
