"""How long a decision holds: months until a vendor's next reassessment, by tier.

From the reference's tier table (§3.3): T1 critical and T2 high at least annually, T3 moderate
every two years, T4 low every two to three years (the longer end: event triggers cover the rest).
"""

from __future__ import annotations

import calendar
from datetime import date

REASSESSMENT_MONTHS = {"T1": 12, "T2": 12, "T3": 24, "T4": 36}


def next_reassessment(*, tier: str, decided_on: date) -> date:
    """The date the next reassessment is due after a decision on this day (T1..T4)."""
    months = decided_on.month - 1 + REASSESSMENT_MONTHS[tier]
    year, month = decided_on.year + months // 12, months % 12 + 1
    # 29 February (or the 31st) moves to the last day of the target month.
    return date(year, month, min(decided_on.day, calendar.monthrange(year, month)[1]))
