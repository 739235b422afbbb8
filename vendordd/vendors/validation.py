"""Pure checks for vendor identifiers: LEI (ISO 17442) and ISO 3166 country codes."""

from __future__ import annotations

import re
from functools import cache

import pycountry

LEI_PATTERN = re.compile(r"^[A-Z0-9]{18}[0-9]{2}$")


def lei_problem(lei: str) -> str | None:
    """Why an LEI is invalid (format or ISO 7064 MOD 97-10 check digits), or None."""
    if not LEI_PATTERN.match(lei):
        return "An LEI is 20 characters: 18 letters or digits, then 2 check digits."
    digits = "".join(str(int(ch, 36)) for ch in lei)
    if int(digits) % 97 != 1:
        return "The LEI's check digits do not match; check for a typing error."
    return None


def lei_check_digits(base18: str) -> str:
    """The two check digits that complete an 18-character LEI prefix."""
    digits = "".join(str(int(ch, 36)) for ch in base18 + "00")
    return f"{98 - int(digits) % 97:02d}"


@cache
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> English short name."""
    return {c.alpha_2: c.name for c in sorted(pycountry.countries, key=lambda c: c.name)}


def country_problem(code: str) -> str | None:
    if code not in countries():
        return f"{code!r} is not an ISO 3166-1 alpha-2 country code (e.g. HK, SG, DE)."
    return None
