"""How audit events read on a page: field labels, action titles, values as a person reads them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from vendordd.audit.models import AuditEvent
from vendordd.vendors.intake import REGIMES, VOCABULARIES, label
from vendordd.vendors.validation import countries

FIELD_LABELS = {
    "lei": "LEI",
    "hq_country": "HQ country",
    "website": "Website",
    "trust_centre_url": "Trust centre",
    "subprocessor_list_url": "Subprocessor list",
    "owner_id": "Owner",
    "role_title": "Role",
    "rto_hours": "RTO (hours)",
    "is_public_facing": "Public-facing",
    "is_active": "Active",
    "critical_function": "Critical or important function",
    "discontinuation_impact": "Impact of discontinuation",
    "data_class": "Most sensitive data",
}
ACTION_LABELS = {
    "vendor.created": "Vendor onboarded",
    "vendor.updated": "Vendor details changed",
    "vendor.status_changed": "Status changed",
    "vendor.retiered": "Vendor tier changed",
    "contact.created": "Contact added",
    "contact.removed": "Contact removed",
    "service.created": "Service added",
    "service.updated": "Service changed",
    "evidence.uploaded": "Evidence uploaded",
    "evidence.removed": "Evidence removed",
    "dependencies.derived": "Fourth-party map derived",
    "dependency.added": "Dependency added",
    "dependency.corrected": "Dependency corrected",
    "dependency.removed": "Dependency removed",
    "provider.created": "Provider added",
    "provider.updated": "Provider changed",
    "provider.merged": "Provider merged into another",
}


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def describe_changes(event: AuditEvent, user_names: Mapping[int, str]) -> list[Change]:
    """The changed fields of an event, before and after, as a person reads them."""
    changes = []
    for name, pair in event.changes.items():
        if not isinstance(pair, list) or len(pair) != 2:
            continue
        before, after = (readable_value(name, value, user_names) for value in pair)
        if before != after:
            changes.append(Change(field_label(name), before, after))
    return changes


def field_label(name: str) -> str:
    """How a stored field name reads on a page."""
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def readable_value(name: str, value: Any, user_names: Mapping[int, str]) -> str:
    """An audited value as a person reads it: labels for codes, names for ids, — for nothing."""
    if name == "tier":
        return f"T{value}" if value else "Not tiered"
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(REGIMES.get(v, v) if name == "regimes" else str(v) for v in value)
    if name == "owner_id":
        return user_names.get(value, f"user #{value}")
    if name == "annual_spend":
        return f"{Decimal(value):,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if name == "hq_country":
        return countries().get(value, value)
    if name == "status":
        return str(value).capitalize()
    if name in VOCABULARIES:
        return label(name, value)
    return str(value)
