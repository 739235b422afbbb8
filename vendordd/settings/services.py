"""The data-location policy: which countries each class of data may be stored or processed in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlmodel import Session

from vendordd.audit.services import Actor, diff, record_event
from vendordd.settings.models import Setting
from vendordd.vendors.intake import DATA_CLASSES
from vendordd.vendors.validation import countries

POLICY_KEY = "data_location_policy"
# Codes people often type for a country whose ISO 3166-1 code differs.
FAMILIAR_MISTAKES = {"UK": "GB", "EL": "GR"}
CODE_EXAMPLE = "use two-letter codes such as HK, SG, DE."


class PolicyError(ValueError):
    """A policy refused; `problems` maps each data class to what is wrong with its entry."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(f"{cls}: {why}" for cls, why in problems.items()))
        self.problems = problems


def data_location_policy(session: Session) -> dict[str, frozenset[str]]:
    """Data class -> allowed ISO alpha-2 codes; a class that is absent has no restriction."""
    setting = session.get(Setting, POLICY_KEY)
    stored = setting.value if setting is not None and isinstance(setting.value, dict) else {}
    return {data_class: frozenset(codes) for data_class, codes in stored.items()}


def _codes_problem(codes: Iterable[str]) -> str | None:
    """What is wrong with a list of country codes (already upper-cased), or None."""
    unknown = [code for code in dict.fromkeys(codes) if code not in countries()]
    if not unknown:
        return None
    named = ", ".join(
        f"{code} (use {FAMILIAR_MISTAKES[code]})" if code in FAMILIAR_MISTAKES else code
        for code in unknown
    )
    if len(unknown) == 1:
        return f"{named} is not an ISO 3166-1 alpha-2 country code; {CODE_EXAMPLE}"
    return f"{named} are not ISO 3166-1 alpha-2 country codes; {CODE_EXAMPLE}"


def set_data_location_policy(
    session: Session, *, policy: Mapping[str, Iterable[str]], actor: Actor, now: datetime
) -> bool:
    """Replace the policy (an empty list lifts a class's restriction); True if it changed."""
    after = _checked(policy)
    before = {cls: sorted(codes) for cls, codes in data_location_policy(session).items()}
    changes = diff(before, after)
    if not changes:
        return False
    store_setting(
        session,
        key=POLICY_KEY,
        value=after,
        label="Data-location policy",
        changes=changes,
        actor=actor,
        now=now,
    )
    return True


def store_setting(
    session: Session,
    *,
    key: str,
    value: object,
    label: str,
    changes: dict,
    actor: Actor,
    now: datetime,
) -> None:
    """Write a setting's new value and audit the change."""
    setting = session.get(Setting, key) or Setting(key=key, value=value, updated_at=now)
    setting.value, setting.updated_at = value, now
    session.add(setting)
    record_event(
        session,
        actor=actor,
        action="setting.updated",
        object_type="setting",
        object_id=key,
        object_label=label,
        now=now,
        changes=changes,
    )
    session.flush()


def _checked(policy: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """The policy as stored (classes in their usual order, codes upper-cased and sorted)."""
    problems: dict[str, str] = {}
    for data_class in policy:
        if data_class not in DATA_CLASSES:
            known = ", ".join(DATA_CLASSES)
            problems[data_class] = f"{data_class!r} is not a data class (known: {known})."
    cleaned = {
        data_class: sorted({code.strip().upper() for code in policy[data_class] if code.strip()})
        for data_class in DATA_CLASSES
        if data_class in policy
    }
    for data_class, codes in cleaned.items():
        problem = _codes_problem(codes)
        if problem:
            problems[data_class] = problem
    if problems:
        raise PolicyError(problems)
    return {data_class: codes for data_class, codes in cleaned.items() if codes}
