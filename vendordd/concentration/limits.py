"""The institution's concentration thresholds per layer, as admins set them under Settings.

Stored as one setting, {layer: {"preset": key} | {"preset": "custom", "hhi_above": ...}};
a layer without an entry (or with one that no longer parses) uses the default preset.

Setting them (`set_book_thresholds`) takes every layer's preset and custom values at once:
- a custom value is a number or its text ("1800", "1,800", "12.5"); blank (None or "")
  switches that rule off; each must lie in its rule's range (thresholds.limit_problem);
- under a named preset the custom values must be all blank or the preset's own (as the
  settings form shows them), so values typed without choosing Custom are refused, not dropped;
- anything wrong is refused as a whole, with a message per layer and field.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Mapping
from datetime import datetime

from sqlmodel import Session

from vendordd.audit.services import Actor
from vendordd.concentration.models import SINGULAR, SUMMARY_LAYERS
from vendordd.concentration.thresholds import (
    DEFAULT_PRESET,
    LIMIT_FIELDS,
    LIMIT_RANGES,
    PRESETS,
    RULE_LABELS,
    UNITS,
    Thresholds,
    custom_thresholds,
    describe,
    limit_of,
    limit_problem,
    number,
)
from vendordd.settings.models import Setting
from vendordd.settings.services import store_setting

THRESHOLDS_KEY = "concentration_thresholds"
CUSTOM = "custom"
PRESET = "preset"  # the field naming a layer's preset
PRESET_NAMES = {key: limits.name for key, limits in PRESETS.items()} | {CUSTOM: "Custom"}
CHOICES = ", ".join(list(PRESET_NAMES.values())[:-1]) + f" or {PRESET_NAMES[CUSTOM]}"
# "1800", "1,800" (thousands grouped by commas), "12.5", "-3" (refused later as out of range).
_NUMBER = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


class ThresholdsError(ValueError):
    """Thresholds refused; `problems` maps (layer, field) to what is wrong there."""

    def __init__(self, problems: dict[tuple[str, str], str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


def book_thresholds(session: Session) -> dict[str, Thresholds]:
    """Each layer's limits: its preset, its custom values, or the default preset."""
    setting = session.get(Setting, THRESHOLDS_KEY)
    stored = setting.value if setting is not None and isinstance(setting.value, dict) else {}
    return {layer: _parsed(stored.get(layer)) for layer in SUMMARY_LAYERS}


def thresholds_for(session: Session, *, preset: str) -> dict[str, Thresholds]:
    """The institution's thresholds (preset ""), or one preset for every layer to compare."""
    if preset in PRESETS:
        return dict.fromkeys(SUMMARY_LAYERS, PRESETS[preset])
    return book_thresholds(session)


def preset_of(limits: Thresholds) -> str:
    """The key of the preset these limits are, or "custom"."""
    return next((key for key, preset in PRESETS.items() if preset == limits), CUSTOM)


def set_book_thresholds(
    session: Session,
    *,
    values: Mapping[str, Mapping[str, object]],
    actor: Actor,
    now: datetime,
) -> bool:
    """Store every layer's preset or custom limits (rules above); True if anything changed."""
    after = _checked(values)
    before = book_thresholds(session)
    changes = {
        SINGULAR[layer]: [_summary(before[layer]), _summary(after[layer])]
        for layer in SUMMARY_LAYERS
        if before[layer] != after[layer]
    }
    if not changes:
        return False
    store_setting(
        session,
        key=THRESHOLDS_KEY,
        value={layer: _entry(limits) for layer, limits in after.items()},
        label="Concentration thresholds",
        changes=changes,
        actor=actor,
        now=now,
    )
    return True


def _checked(values: Mapping[str, Mapping[str, object]]) -> dict[str, Thresholds]:
    problems: dict[tuple[str, str], str] = {}
    for layer in values:
        if layer not in SUMMARY_LAYERS:
            known = ", ".join(SUMMARY_LAYERS)
            problems[(layer, PRESET)] = (
                f"{_shown(layer)} is not a concentration layer (known: {known})."
            )
    checked: dict[str, Thresholds] = {}
    for layer in SUMMARY_LAYERS:
        entry = values.get(layer) or {}
        numbers: dict[str, float | None] = {}
        wrong: dict[str, str] = {}
        for rule, field in LIMIT_FIELDS.items():
            numbers[field], problem = _limit(rule, entry.get(field))
            if problem:
                wrong[field] = problem
        preset = entry.get(PRESET)
        if not isinstance(preset, str) or preset not in PRESET_NAMES:
            wrong[PRESET] = (
                f"choose a preset: {CHOICES}"
                if preset in (None, "")
                else f"{_shown(preset)} is not a preset; choose {CHOICES}"
            )
        elif preset != CUSTOM and not wrong and any(v is not None for v in numbers.values()):
            wrong = _unused(PRESETS[preset], numbers)
        problems |= {(layer, field): f"{SINGULAR[layer]}: {why}." for field, why in wrong.items()}
        if not wrong:
            checked[layer] = custom_thresholds(**numbers) if preset == CUSTOM else PRESETS[preset]
    if problems:
        raise ThresholdsError(problems)
    return checked


def _unused(preset: Thresholds, numbers: Mapping[str, float | None]) -> dict[str, str]:
    """The custom values that differ from a named preset's own: they would count for nothing."""
    unused = {}
    for rule, field in LIMIT_FIELDS.items():
        typed, own, unit = numbers[field], limit_of(preset, rule), UNITS.get(rule, "")
        if typed == own:
            continue
        given = (
            f"a blank {RULE_LABELS[rule]} limit (rule off)"
            if typed is None
            else f"{RULE_LABELS[rule]} limit {number(typed)}{unit}"
        )
        restore = (
            f"leave it blank as {preset.name} has no such rule"
            if own is None
            else f"put back {preset.name}'s {number(own)}{unit}"
        )
        unused[field] = f"{given} counts only under the Custom preset; choose Custom, or {restore}"
    return unused


def _limit(rule: str, value: object) -> tuple[float | None, str | None]:
    """A custom value as a limit, or why it cannot be one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    limit = math.nan
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        limit = float(value.strip().replace(",", ""))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        with contextlib.suppress(OverflowError):  # an int beyond any float
            limit = float(value)
    if not math.isfinite(limit):
        unit = UNITS.get(rule, "")
        return None, (
            f"{RULE_LABELS[rule]} limit {_shown(value)} is not a number; enter one from 0 to "
            f"{number(LIMIT_RANGES[rule])}{unit}, or leave it blank to switch the rule off"
        )
    return limit, limit_problem(rule, limit)


def _shown(value: object) -> str:
    """What was given, quoted and cut short: it is echoed into a message."""
    text = str(value)
    return repr(text if len(text) <= 30 else text[:30] + "…")


def _entry(limits: Thresholds) -> dict[str, object]:
    preset = preset_of(limits)
    if preset != CUSTOM:
        return {PRESET: preset}
    return {PRESET: CUSTOM} | {
        field: limit_of(limits, rule) for rule, field in LIMIT_FIELDS.items()
    }


def _summary(limits: Thresholds) -> str:
    return f"{limits.name}: {describe(limits)}"


def _parsed(entry: object) -> Thresholds:
    if not isinstance(entry, dict):
        return PRESETS[DEFAULT_PRESET]
    preset = entry.get(PRESET)
    if preset in PRESETS:
        return PRESETS[preset]
    if preset != CUSTOM:
        return PRESETS[DEFAULT_PRESET]
    try:
        return custom_thresholds(
            **{field: _number(entry.get(field)) for field in LIMIT_FIELDS.values()}
        )
    except (TypeError, ValueError):
        return PRESETS[DEFAULT_PRESET]


def _number(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{value!r} is not a number")
    return float(value)
