"""A definition with every question type, answers to it, and a spreadsheet user's hands."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date
from typing import Any

from openpyxl import load_workbook

from vendordd.questionnaires.answers import NA
from vendordd.questionnaires.checks import check_definition
from vendordd.questionnaires.schema import Definition

TAG = ["INT-NIST-RMF GOVERN 6.1"]
LONG_OPTIONS = [
    {"value": f"region_{n:02d}", "label": f"Hosting region number {n:02d}"} for n in range(1, 31)
]


def every_type() -> Definition:
    """Two domains (one with characters a sheet title may not hold) and every question type."""
    definition = Definition.model_validate(
        {
            "key": "every-type",
            "version": "2.1.0",
            "title": "Every question type",
            "description": "A questionnaire touching every answer type.",
            "domains": [
                {"key": "profile", "title": "Profile: the vendor [and its AI]", "weight": 50},
                {"key": "residency", "title": "Data residency / transfers abroad", "weight": 50},
            ],
            "questions": [
                q("YN-01", "profile", "yes_no", allow_na=True, help="Embedded AI included."),
                q(
                    "SC-01",
                    "profile",
                    "single_choice",
                    allow_na=True,
                    options=[
                        {"value": "no", "label": "No transfers"},
                        {"value": "scc", "label": "Yes, with SCCs"},
                        {"value": "other", "label": "Yes, other safeguards"},
                    ],
                ),
                q("SC-02", "profile", "single_choice", options=LONG_OPTIONS),
                q(
                    "MC-01",
                    "profile",
                    "multiple_choice",
                    options=[
                        {"value": "rest", "label": "Encryption at rest"},
                        {"value": "transit", "label": "Encryption in transit"},
                        {"value": "split", "label": "Keys; held by the bank"},
                        {"value": "none", "label": "None of these", "exclusive": True},
                    ],
                    show_if={"question": "YN-01", "is_true": True},
                ),
                q("EV-01", "profile", "evidence", required=False),
                q("CO-01", "residency", "countries"),
                q("PR-01", "residency", "providers"),
                q("NU-01", "residency", "number", unit="days", min=0, max=365, allow_na=True),
                q("NU-02", "residency", "number", unit="%", min=0, max=100),
                q("DA-01", "residency", "date"),
                q("ST-01", "residency", "short_text"),
                q("LT-01", "residency", "long_text", required=False),
                q(
                    "GR-01",
                    "residency",
                    "group",
                    allow_na=True,
                    fields=[
                        {"key": "provider", "text": "Provider", "type": "providers"},
                        {"key": "name", "text": "Service", "type": "short_text"},
                        {"key": "is_ai", "text": "Uses AI", "type": "yes_no"},
                        {
                            "key": "role",
                            "text": "Role",
                            "type": "single_choice",
                            "options": [
                                {"value": "host", "label": "Hosting"},
                                {"value": "model", "label": "Model developer"},
                            ],
                        },
                        {
                            "key": "data",
                            "text": "Data seen",
                            "type": "multiple_choice",
                            "required": False,
                            "options": [
                                {"value": "prompts", "label": "Prompts"},
                                {"value": "outputs", "label": "Outputs"},
                            ],
                        },
                        {"key": "where", "text": "Countries", "type": "countries"},
                        {
                            "key": "share",
                            "text": "Share",
                            "type": "number",
                            "unit": "%",
                            "min": 0,
                            "max": 100,
                            "required": False,
                        },
                        {"key": "since", "text": "Since", "type": "date", "required": False},
                    ],
                ),
            ],
        }
    )
    assert check_definition(definition) == []
    return definition


def q(key: str, domain: str, kind: str, **extra: Any) -> dict:
    return {"key": key, "domain": domain, "text": f"Question {key}?", "type": kind} | {
        "regulatory": TAG,
        **extra,
    }


PROVIDER_LABELS = {"azure-openai": "Azure OpenAI Service", "openai": "OpenAI"}
# As concentration.services.provider_lookup builds it: lower-cased names and keys -> key.
PROVIDERS = {name.lower(): key for key, name in PROVIDER_LABELS.items()} | {
    key: key for key in PROVIDER_LABELS
}
FULL_ROW = {
    "provider": ("azure-openai",),
    "name": "Chat completions",
    "is_ai": True,
    "role": "host",
    "data": ("prompts", "outputs"),
    "where": ("SE", "IE"),
    "share": 62.5,
    "since": date(2024, 5, 1),
}
# Every checked value the definition can hold, one of each type (evidence is never imported).
ANSWERS: dict[str, Any] = {
    "YN-01": True,
    "SC-01": "scc",
    "SC-02": "region_27",
    "MC-01": ("rest", "split"),
    "CO-01": ("HK", "SG"),
    "PR-01": ("openai", "Harbor Vector DB"),
    "NU-01": 30,
    "NU-02": 99.95,
    "DA-01": date(2026, 3, 31),
    "ST-01": "=1+1 is how our formula engine is tested",
    "LT-01": "First line.\nSecond line; with a semicolon.",
    "GR-01": (
        FULL_ROW,
        {"provider": ("Local Cloud Ltd",), "name": "Storage", "is_ai": False}
        | {"role": "host", "where": ("HK",)},
    ),
}
NA_ANSWERS: dict[str, Any] = {"YN-01": NA, "SC-01": NA, "NU-01": NA, "GR-01": NA}
EVIDENCE = ("evidence/2026/soc2-report.pdf", "evidence/2026/pentest.pdf")


def edit(data: bytes, cells: Mapping[tuple[str, str], Any]) -> bytes:
    """The workbook with cells set as a user would type them: {(sheet, "G5"): value}."""
    workbook = load_workbook(io.BytesIO(data))
    for (sheet, cell), value in cells.items():
        workbook[sheet][cell].value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row_of(data: bytes, sheet: str, key: str) -> int:
    """The row holding a question key on a domain sheet."""
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    for number, (cell,) in enumerate(workbook[sheet].iter_rows(max_col=1, values_only=True), 1):
        if cell == key:
            return number
    raise AssertionError(f"{key} is not on sheet {sheet}")
