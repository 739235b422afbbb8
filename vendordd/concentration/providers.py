"""Managing the provider registry: add, edit, set parents, merge duplicates (risk and admin)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from vendordd.audit.services import Actor, diff, record_event
from vendordd.concentration.exposures import MARKED, regrouping
from vendordd.concentration.models import PROVIDER_KINDS, Dependency, Provider
from vendordd.vendors.validation import country_problem, lei_problem

MAX_DEPTH = 100  # a parent chain longer than this is a cycle the database already holds


class ProviderError(ValueError):
    """A refused change, naming the form field it concerns (or none)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ProviderData:
    """What a person enters for a provider."""

    name: str
    kind: str
    hq_country: str
    parent_id: int | None = None
    lei: str | None = None
    is_designated_critical: bool = False


@dataclass(frozen=True)
class MergeResult:
    """How many rows a merge re-pointed at the survivor."""

    dependencies: int
    children: int
    merged: int


def save_provider(
    session: Session,
    *,
    data: ProviderData,
    now: datetime,
    actor: Actor,
    provider: Provider | None = None,
) -> Provider:
    """Create a provider (its key made from the name) or change one, audited before/after."""
    name = " ".join(data.name.split())
    _check(session, data, name, provider)
    before = {} if provider is None else _state(session, provider)
    if provider is None:
        provider = Provider(key=new_key(session, name), name=name, created_at=now, kind=data.kind)
    provider.name, provider.kind, provider.hq_country = name, data.kind, data.hq_country
    provider.parent_id, provider.lei = data.parent_id, data.lei or None
    provider.is_designated_critical, provider.updated_at = data.is_designated_critical, now
    session.add(provider)
    session.flush()
    after = _state(session, provider)
    changes = diff(before, after) if before else {"key": [None, provider.key]} | diff({}, after)
    if changes:
        record_event(
            session,
            actor=actor,
            action="provider.updated" if before else "provider.created",
            object_type="provider",
            object_id=provider.id,
            object_label=provider.name,
            now=now,
            changes=changes,
        )
    return provider


def _check(session: Session, data: ProviderData, name: str, provider: Provider | None) -> None:
    own_id = provider.id if provider else None
    if not name:
        raise ProviderError("Enter the provider's name.", "name")
    clash = session.exec(
        select(Provider).where(func.lower(Provider.name) == name.lower(), Provider.id != own_id)
    ).first()
    if clash is not None:
        merged = " (merged into another provider)" if clash.merged_into_id else ""
        raise ProviderError(f"A provider named {clash.name!r} already exists{merged}.", "name")
    if data.kind not in PROVIDER_KINDS:
        raise ProviderError(f"{data.kind!r} is not a provider kind.", "kind")
    problem = country_problem(data.hq_country)
    if problem:
        raise ProviderError(problem, "hq_country")
    if data.lei:
        problem = lei_problem(data.lei)
        if problem:
            raise ProviderError(problem, "lei")
        taken = session.exec(
            select(Provider.name).where(Provider.lei == data.lei, Provider.id != own_id)
        ).first()
        if taken is not None:
            raise ProviderError(f"That LEI already identifies {taken}.", "lei")
    if data.parent_id is not None:
        _check_parent(session, data.parent_id, provider)


def _check_parent(session: Session, parent_id: int, provider: Provider | None) -> None:
    parent = session.get(Provider, parent_id)
    if parent is None or parent.merged_into_id is not None:
        raise ProviderError("Choose a parent from the registry.", "parent_id")
    if provider is not None and parent.id == provider.id:
        raise ProviderError("A provider cannot be its own parent.", "parent_id")
    if provider is not None and provider.id in ancestors(session, parent):
        raise ProviderError(
            f"{parent.name} sits under {provider.name}: making it the parent would close a loop.",
            "parent_id",
        )


def ancestors(session: Session, provider: Provider) -> list[int]:
    """The ids above a provider, nearest first."""
    found: list[int] = []
    parent_id = provider.parent_id
    while parent_id is not None and parent_id not in found and len(found) < MAX_DEPTH:
        found.append(parent_id)
        parent_id = session.exec(select(Provider.parent_id).where(Provider.id == parent_id)).one()
    return found


def new_key(session: Session, name: str) -> str:
    """A stable key from the name (lower case, hyphens), numbered when taken."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:50] or "provider"
    taken = set(session.exec(select(Provider.key).where(col(Provider.key).startswith(base))))
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key


def _state(session: Session, provider: Provider) -> dict[str, Any]:
    parent = session.get(Provider, provider.parent_id) if provider.parent_id else None
    return {
        "name": provider.name,
        "kind": provider.kind,
        "parent": parent.name if parent else None,
        "hq_country": provider.hq_country,
        "lei": provider.lei,
        "is_designated_critical": provider.is_designated_critical,
    }


def merge_provider(
    session: Session, *, duplicate: Provider, survivor: Provider, now: datetime, actor: Actor
) -> MergeResult:
    """Re-point every dependency, child and earlier merge at the survivor; keep the duplicate,
    marked merged, so its name still resolves (to the survivor)."""
    if duplicate.id == survivor.id:
        raise ProviderError("A provider cannot be merged into itself.", "survivor_id")
    if duplicate.merged_into_id is not None:
        raise ProviderError(f"{duplicate.name} has already been merged.", "survivor_id")
    if survivor.merged_into_id is not None:
        raise ProviderError(
            f"{survivor.name} has itself been merged: choose the provider it was merged into.",
            "survivor_id",
        )
    if duplicate.id in ancestors(session, survivor):
        raise ProviderError(
            f"{survivor.name} sits under {duplicate.name}: give it another parent first.",
            "survivor_id",
        )
    # The services on the duplicate or under it get the survivor's group: their concentration
    # rows are refreshed at the flush below, once, instead of rebuilt for the whole book.
    regrouping(session, duplicate.id)
    dependencies = session.exec(
        update(Dependency)
        .where(col(Dependency.provider_id) == duplicate.id)
        .values(provider_id=survivor.id, updated_at=now)
        .execution_options(**MARKED)
    ).rowcount
    children = session.exec(
        update(Provider)
        .where(col(Provider.parent_id) == duplicate.id)
        .values(parent_id=survivor.id, updated_at=now)
        .execution_options(**MARKED)
    ).rowcount
    # Earlier merges into the duplicate follow it, so a merged name is one step from a survivor.
    merged = session.exec(
        update(Provider)
        .where(col(Provider.merged_into_id) == duplicate.id)
        .values(merged_into_id=survivor.id, updated_at=now)
        .execution_options(**MARKED)
    ).rowcount
    duplicate.merged_into_id, duplicate.updated_at = survivor.id, now
    session.add(duplicate)
    session.flush()
    result = MergeResult(dependencies=dependencies, children=children, merged=merged)
    record_event(
        session,
        actor=actor,
        action="provider.merged",
        object_type="provider",
        object_id=duplicate.id,
        object_label=duplicate.name,
        now=now,
        changes={
            "merged_into": [None, survivor.name],
            "dependencies_repointed": [None, dependencies],
            "children_repointed": [None, children],
            "earlier_merges_repointed": [None, merged],
        },
    )
    return result
