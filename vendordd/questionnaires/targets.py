"""What `maps_to` may name: the structured facts other parts of the product read from answers.

A plain question maps to a target whose answer type matches. A repeating group maps to a row
target, and each of its columns maps to one of that target's columns.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    description: str
    types: frozenset[str]
    # For group targets: column role -> the column types it accepts.
    columns: dict[str, frozenset[str]] | None = None


def _one(kind: str) -> frozenset[str]:
    return frozenset({kind})


TEXT = frozenset({"short_text"})
TARGETS = {
    "fourth_party.model_developers": Target("Foundation-model developers", _one("providers")),
    "fourth_party.models": Target(
        "Foundation models in use, one row per model",
        _one("group"),
        columns={
            "developer": _one("providers"),
            "family": TEXT,
            "version": TEXT,
            "access_path": _one("single_choice"),
            "hosting": _one("providers"),
        },
    ),
    "fourth_party.access_path": Target("How the models are reached", _one("single_choice")),
    "fourth_party.hosting_platforms": Target("Model hosting platforms", _one("providers")),
    "fourth_party.clouds": Target("Cloud providers", _one("providers")),
    "fourth_party.other_dependencies": Target("Other critical services", _one("providers")),
    "fourth_party.processing_countries": Target("Processing countries", _one("countries")),
    "fourth_party.storage_countries": Target("Storage countries", _one("countries")),
    "contract.ip_indemnity_scope": Target("IP indemnity scope", _one("multiple_choice")),
    "contract.location_change_notice_days": Target("Notice of location change", _one("number")),
    "contract.model_change_notice_days": Target("Notice of model change", _one("number")),
    "contract.subprocessor_notice_days": Target("Notice of new subprocessors", _one("number")),
    "contract.incident_notification_hours": Target("Incident notification", _one("number")),
    "contract.log_retention_days": Target("Log retention", _one("number")),
    "inventory.ai_features": Target(
        "AI feature inventory, one row per feature",
        _one("group"),
        columns={
            "feature": TEXT,
            "purpose": TEXT,
            "model": TEXT,
            "provider": _one("providers"),
            "default_on": _one("yes_no"),
        },
    ),
}
