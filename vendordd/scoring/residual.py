"""Residual risk (reference §3.3 step 4): the inherent level moved by the control score's band."""

from __future__ import annotations

INHERENT_LEVELS = {"T1": 4, "T2": 3, "T3": 2, "T4": 1}
RATINGS = {4: "critical", 3: "high", 2: "medium", 1: "low"}
STRONG, ADEQUATE = 85.0, 60.0  # control-score band limits, in percent
DASH = "\u2013"  # an en dash, as in "60-85" set properly


# Scores are compared with the band limits rounded to this many decimals: a score that is
# exactly 85 % by hand can come out of binary floating point as 84.99999999999999.
BAND_DECIMALS = 6


def residual_level(tier: str, overall: float | None) -> int:
    """Inherent level from the tier, one lower at >= 85 %, one higher below 60 %, within 1-4."""
    inherent = INHERENT_LEVELS[tier]
    if overall is None:
        return inherent
    return min(4, max(1, inherent + band_shift(overall)))


def band_words(overall: float | None) -> str:
    """Which control-score band applied and what it does to the level, in words."""
    if overall is None:
        return "no control score, so the residual level is the inherent level"
    return {
        -1: f"band ≥ {STRONG:g}%: one level lower",
        0: f"band {ADEQUATE:g}{DASH}{STRONG:g}%: level unchanged",
        1: f"band below {ADEQUATE:g}%: one level higher",
    }[band_shift(overall)]


def band_shift(overall: float) -> int:
    """The band's move of the level: -1 (>= 85 %), 0 or +1 (below 60 %)."""
    score = round(overall, BAND_DECIMALS)
    return -1 if score >= STRONG else 0 if score >= ADEQUATE else 1
