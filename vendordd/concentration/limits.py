"""The institution's concentration thresholds per layer, as admins set them under Settings.

Stored as one setting, {layer: {"preset": key} | {"preset": "custom", "hhi_above": ...}};
a layer without an entry (or with one that no longer parses) uses the default preset.
"""

from __future__ import annotations

from sqlmodel import Session

from vendordd.concentration.models import SUMMARY_LAYERS
from vendordd.concentration.thresholds import (
    DEFAULT_PRESET,
    PRESETS,
    Thresholds,
    custom_thresholds,
)
from vendordd.settings.models import Setting

THRESHOLDS_KEY = "concentration_thresholds"
CUSTOM = "custom"


def book_thresholds(session: Session) -> dict[str, Thresholds]:
    """Each layer's limits: its preset, its custom values, or the default preset."""
    setting = session.get(Setting, THRESHOLDS_KEY)
    stored = setting.value if setting is not None and isinstance(setting.value, dict) else {}
    return {layer: _parsed(stored.get(layer)) for layer in SUMMARY_LAYERS}


def _parsed(entry: object) -> Thresholds:
    if not isinstance(entry, dict):
        return PRESETS[DEFAULT_PRESET]
    preset = entry.get("preset")
    if preset in PRESETS:
        return PRESETS[preset]
    if preset != CUSTOM:
        return PRESETS[DEFAULT_PRESET]
    try:
        return custom_thresholds(
            hhi_above=_number(entry.get("hhi_above")),
            top1_above=_number(entry.get("top1_above")),
            delta_above=_number(entry.get("delta_above")),
        )
    except (TypeError, ValueError):
        return PRESETS[DEFAULT_PRESET]


def _number(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{value!r} is not a number")
    return float(value)
