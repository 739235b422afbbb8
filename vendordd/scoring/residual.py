"""Residual risk (reference §3.3 step 4): the inherent level moved by the control score's band."""

from __future__ import annotations

INHERENT_LEVELS = {"T1": 4, "T2": 3, "T3": 2, "T4": 1}
RATINGS = {4: "critical", 3: "high", 2: "medium", 1: "low"}
STRONG, ADEQUATE = 85.0, 60.0  # control-score band limits, in percent
DASH = "\u2013"  # an en dash, as in "60-85" set properly


def residual_level(tier: str, overall: float | None) -> int:
    """Inherent level from the tier, one lower at >= 85 %, one higher below 60 %, within 1-4."""
    inherent = INHERENT_LEVELS[tier]
    if overall is None:
        return inherent
    shift = -1 if overall >= STRONG else 0 if overall >= ADEQUATE else 1
    return min(4, max(1, inherent + shift))


def band_words(overall: float | None) -> str:
    """Which control-score band applied and what it does to the level, in words."""
    if overall is None:
        return "no control score, so the residual level is the inherent level"
    if overall >= STRONG:
        return f"band ≥ {STRONG:g}%: one level lower"
    if overall >= ADEQUATE:
        return f"band {ADEQUATE:g}{DASH}{STRONG:g}%: level unchanged"
    return f"band below {ADEQUATE:g}%: one level higher"
