"""The provider registry: the shipped seed, and the lookups answers are checked against."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

import yaml
from sqlalchemy import func
from sqlmodel import Session, col, select

from vendordd.audit.services import Actor, record_event
from vendordd.concentration.models import Provider

SEED_FILE = Path(__file__).resolve().parent / "providers_seed.yaml"


@dataclass(frozen=True)
class SeedProvider:
    """One entry of the shipped seed; an unknown field in the YAML fails loudly."""

    key: str
    name: str
    kind: str
    hq_country: str
    parent: str | None = None
    designated_critical: bool = False
    lei: str | None = None


@cache
def seed_entries() -> tuple[SeedProvider, ...]:
    """The providers shipped with vendordd, in the order of the seed file."""
    entries = yaml.safe_load(SEED_FILE.read_text(encoding="utf-8"))["providers"]
    return tuple(SeedProvider(**entry) for entry in entries)


def seed_providers(session: Session, *, now: datetime, actor: Actor) -> int:
    """Insert the seed providers missing by key; existing rows stay as an admin left them."""
    existing = dict(session.exec(select(Provider.key, Provider.id)).all())
    taken_names = {name.lower() for name in session.exec(select(Provider.name)).all()}
    added: list[tuple[SeedProvider, Provider]] = []
    for entry in seed_entries():
        # A provider an admin created under another key keeps its name; skipping beats failing.
        if entry.key in existing or entry.name.lower() in taken_names:
            continue
        provider = Provider(
            key=entry.key,
            name=entry.name,
            kind=entry.kind,
            hq_country=entry.hq_country,
            lei=entry.lei,
            is_designated_critical=entry.designated_critical,
            created_at=now,
            updated_at=now,
        )
        session.add(provider)
        added.append((entry, provider))
        taken_names.add(entry.name.lower())
    session.flush()
    ids = existing | {provider.key: provider.id for _entry, provider in added}
    for entry, provider in added:
        provider.parent_id = ids.get(entry.parent) if entry.parent else None
        record_event(
            session,
            actor=actor,
            action="provider.created",
            object_type="provider",
            object_id=provider.id,
            object_label=provider.name,
            now=now,
            changes={
                "key": [None, provider.key],
                "kind": [None, provider.kind],
                "hq_country": [None, provider.hq_country],
                "parent": [None, entry.parent],
                "is_designated_critical": [None, provider.is_designated_critical],
            },
        )
    session.flush()
    return len(added)


def provider_lookup(session: Session) -> dict[str, str]:
    """Lower-cased provider name and key -> key, for resolving providers typed in answers.

    A merged duplicate's name and key resolve to the provider it was merged into.
    """
    rows = session.exec(select(Provider.id, Provider.key, Provider.name, Provider.merged_into_id))
    rows = rows.all()
    key_of = {id_: key for id_, key, _name, _merged in rows}
    target = {key: key_of.get(merged, key) for _id, key, _name, merged in rows}
    # Keys last: where a name reads like another provider's key, the key is what was meant.
    names = {name.lower(): target[key] for _id, key, name, _merged in rows}
    return names | {key.lower(): target[key] for key in target}


def provider_names(session: Session) -> list[str]:
    """Names a vendor picks from, alphabetically; parent companies are not services, so not,
    and merged duplicates neither."""
    rows = session.exec(
        select(Provider.name)
        .where(Provider.kind != "parent_company", col(Provider.merged_into_id).is_(None))
        .order_by(func.lower(Provider.name))
    )
    return list(rows.all())


def provider_labels(session: Session) -> dict[str, str]:
    """Provider key -> name, to show stored provider answers by name."""
    return dict(session.exec(select(Provider.key, Provider.name)).all())
