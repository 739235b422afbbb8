"""Hand corrections to the fourth-party map: add, correct and remove dependencies (risk, admin).

Each is audited with before and after. Derivation never touches manual rows, never writes the
resilience fields (substitutability, alternative, exit plan, failover) and never revives a row a
person removed, so every hand correction survives re-derivation. Correcting the model family or
version of a derived row removes that row and adds a manual one with the corrected values: the
answer stays on record as what the vendor said, the correction as what risk decided.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from vendordd.audit.services import Actor, diff, record_event
from vendordd.concentration.derivation import Registry, row_identity
from vendordd.concentration.models import (
    COUNTRY_LAYERS,
    DERIVED,
    LAYERS,
    MANUAL,
    SUBSTITUTABILITY,
    Dependency,
    Provider,
)
from vendordd.vendors.models import Service
from vendordd.vendors.validation import countries

ADDED, CORRECTED, REMOVED = "dependency.added", "dependency.corrected", "dependency.removed"


class DependencyError(ValueError):
    """A hand correction refused; the message says why."""


@dataclass(frozen=True)
class Resilience:
    """How replaceable a dependency is (DORA register B_07.01); None means not assessed."""

    substitutability: str | None = None
    has_alternative: bool | None = None
    has_exit_plan: bool | None = None
    is_failover_tested: bool | None = None
    failover_tested_on: date | None = None


def add_dependency(
    session: Session,
    *,
    service: Service,
    layer: str,
    provider: str | None,
    country: str | None,
    family: str | None,
    version: str | None,
    resilience: Resilience,
    reason: str,
    now: datetime,
    actor: Actor,
) -> Dependency:
    """Record a dependency by hand for one service, with the reason."""
    reason = _reason(reason)
    if layer not in LAYERS:
        raise DependencyError(f"Choose a layer: {', '.join(LAYERS.values())}.")
    _check(resilience, today=now.date())
    row = Dependency(
        vendor_id=service.vendor_id,
        service_id=service.id,
        layer=layer,
        source=MANUAL,
        added_by_id=actor.id,
        reason=reason,
        created_at=now,
        updated_at=now,
        **asdict(resilience),
    )
    if layer in COUNTRY_LAYERS:
        code = (country or "").strip().upper()
        if code not in countries():
            raise DependencyError("Choose the country (ISO 3166 code).")
        row.country = code
    else:
        _set_provider(session, row, provider)
        if layer == "model_developer":
            row.model_family, row.model_version = _text(family), _text(version)
        elif family or version:
            raise DependencyError("A model family and version belong to a model developer.")
    duplicate = session.exec(
        select(Dependency).where(
            Dependency.service_id == service.id,
            Dependency.layer == layer,
            Dependency.removed_at.is_(None),
        )
    ).all()
    if any(row_identity(other) == row_identity(row) for other in duplicate):
        raise DependencyError(f"{label_of(session, row)} is already recorded for {service.name}.")
    session.add(row)
    session.flush()
    _audit(session, actor, ADDED, row, now, diff({}, _state(row)) | {"reason": reason})
    return row


def correct_dependency(
    session: Session,
    *,
    dependency: Dependency,
    family: str | None,
    version: str | None,
    resilience: Resilience,
    reason: str,
    now: datetime,
    actor: Actor,
) -> Dependency:
    """Correct a live dependency; returns the row that now holds it (see the module docstring)."""
    reason = _reason(reason)
    if dependency.removed_at is not None:
        raise DependencyError("This dependency was removed; add it again instead.")
    _check(resilience, today=now.date())
    family, version = _text(family), _text(version)
    if dependency.layer != "model_developer":
        family, version = dependency.model_family, dependency.model_version
    model_changed = (family, version) != (dependency.model_family, dependency.model_version)
    if dependency.source == DERIVED and model_changed:
        replacement = Dependency(
            **{
                name: getattr(dependency, name)
                for name in ("vendor_id", "service_id", "layer", "provider_id", "provider_name")
            },
            is_unregistered=dependency.is_unregistered,
            source=MANUAL,
            added_by_id=actor.id,
            reason=reason,
            created_at=now,
            updated_at=now,
        )
        remove_dependency(
            session, dependency=dependency, reason=f"Corrected: {reason}", now=now, actor=actor
        )
        target, before = replacement, {}
    else:
        target, before = dependency, _state(dependency)
    target.model_family, target.model_version = family, version
    for name, value in asdict(resilience).items():
        setattr(target, name, value)
    changes = diff(before, _state(target))
    if changes:
        target.updated_at = now
        session.add(target)
        session.flush()
        _audit(session, actor, CORRECTED, target, now, changes | {"reason": reason})
    return target


def remove_dependency(
    session: Session, *, dependency: Dependency, reason: str, now: datetime, actor: Actor
) -> None:
    """Remove a dependency by hand, keeping the row and the reason."""
    reason = _reason(reason)
    if dependency.removed_at is not None:
        raise DependencyError("This dependency was already removed.")
    dependency.removed_at, dependency.removed_by_id = now, actor.id
    dependency.removal_reason, dependency.updated_at = reason, now
    session.add(dependency)
    session.flush()
    changes = {"removed_at": [None, now], "source": dependency.source, "reason": reason}
    _audit(session, actor, REMOVED, dependency, now, changes)


def label_of(session: Session, row: Dependency) -> str:
    """How a dependency reads: provider (or country) and model, e.g. "OpenAI GPT-4o"."""
    provider = session.get(Provider, row.provider_id) if row.provider_id else None
    name = provider.name if provider else row.provider_name or row.country or "?"
    return " ".join(filter(None, [name, row.model_family, row.model_version]))


def _set_provider(session: Session, row: Dependency, typed: str | None) -> None:
    """A provider typed by name or key: the registry's when it knows it, else flagged."""
    typed = (typed or "").strip()
    if not typed:
        raise DependencyError("Name the provider.")
    known = Registry(session).resolve(typed)
    row.provider_id = known.id if known else None
    row.provider_name = None if known else typed[:200]
    row.is_unregistered = known is None


def _check(resilience: Resilience, *, today: date) -> None:
    if resilience.substitutability not in (None, *SUBSTITUTABILITY):
        raise DependencyError(f"Choose a substitutability: {', '.join(SUBSTITUTABILITY.values())}.")
    tested_on = resilience.failover_tested_on
    if tested_on and tested_on > today:
        raise DependencyError("The failover test date cannot be in the future.")
    if tested_on and resilience.is_failover_tested is False:
        raise DependencyError("A failover with a test date was tested: say so, or clear the date.")


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DependencyError("Give the reason: it is kept with the change.")
    return reason


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _state(row: Dependency) -> dict:
    names = ("layer", "provider_id", "provider_name", "country", "model_family", "model_version")
    return {name: getattr(row, name) for name in names} | {
        name: getattr(row, name) for name in Resilience.__dataclass_fields__
    }


def _audit(session, actor: Actor, action: str, row: Dependency, now, changes: dict) -> None:
    service = session.get(Service, row.service_id)
    record_event(
        session,
        actor=actor,
        action=action,
        object_type="dependency",
        object_id=row.id,
        object_label=f"{label_of(session, row)} ({LAYERS[row.layer].lower()}) for {service.name}",
        vendor_id=row.vendor_id,
        now=now,
        changes=changes,
    )
