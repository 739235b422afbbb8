"""Reference data configured by admin: group entities and the business-function list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from vendordd.audit.services import Actor, diff, record_event
from vendordd.vendors.models import BusinessFunction, Entity
from vendordd.vendors.services import VendorError


def save_entity(
    session: Session,
    *,
    name: str,
    regimes: list[str],
    is_active: bool,
    actor: Actor,
    now: datetime,
    entity: Entity | None = None,
) -> Entity:
    """Create or change a group entity and its regulatory regimes."""
    clash = session.exec(select(Entity).where(Entity.name == name.strip())).first()
    if clash and (entity is None or clash.id != entity.id):
        raise VendorError(f"An entity named {name!r} already exists.", "name")
    before = {} if entity is None else _entity_state(entity)
    entity = entity or Entity(name=name)
    entity.name, entity.regimes, entity.is_active = name.strip(), sorted(regimes), is_active
    session.add(entity)
    session.flush()
    changes = diff(before, _entity_state(entity))
    if changes:
        record_event(
            session,
            actor=actor,
            action="entity.created" if not before else "entity.updated",
            object_type="entity",
            object_id=entity.id,
            object_label=entity.name,
            now=now,
            changes=changes,
        )
    return entity


def _entity_state(entity: Entity) -> dict[str, Any]:
    return {"name": entity.name, "regimes": list(entity.regimes), "is_active": entity.is_active}


def save_function(
    session: Session,
    *,
    name: str,
    is_active: bool,
    actor: Actor,
    now: datetime,
    function: BusinessFunction | None = None,
) -> BusinessFunction:
    """Create or change an entry of the configurable business-function list."""
    clash = session.exec(
        select(BusinessFunction).where(BusinessFunction.name == name.strip())
    ).first()
    if clash and (function is None or clash.id != function.id):
        raise VendorError(f"A business function named {name!r} already exists.", "name")
    before = {} if function is None else {"name": function.name, "is_active": function.is_active}
    function = function or BusinessFunction(name=name)
    function.name, function.is_active = name.strip(), is_active
    session.add(function)
    session.flush()
    changes = diff(before, {"name": function.name, "is_active": function.is_active})
    if changes:
        record_event(
            session,
            actor=actor,
            action="function.created" if not before else "function.updated",
            object_type="business_function",
            object_id=function.id,
            object_label=function.name,
            now=now,
            changes=changes,
        )
    return function
