"""Append audit events to the hash chain and verify it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlmodel import Session, select

from vendordd.audit.models import GENESIS_HASH, AuditEvent, AuditHead

SYSTEM = "system"
USER = "user"
ANONYMOUS = "anonymous"
CONTACT = "contact"


@dataclass(frozen=True)
class Actor:
    """Who did something: a staff user, a vendor contact, the system (CLI, scheduler) or an
    anonymous visitor."""

    type: str
    id: int | None
    label: str

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(SYSTEM, None, label)

    @classmethod
    def anonymous(cls, label: str = "anonymous") -> Actor:
        return cls(ANONYMOUS, None, label)

    @classmethod
    def contact(cls, contact_id: int, label: str) -> Actor:
        """A vendor contact working in the portal."""
        return cls(CONTACT, contact_id, label)


def jsonable(value: Any) -> Any:
    """Plain JSON for audit payloads: dates as ISO text, decimals and enums as strings."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose value changed, as {field: [before, after]}."""
    before, after = jsonable(before), jsonable(after)
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def event_hash(event: AuditEvent) -> str:
    """SHA-256 over the event's canonical JSON, including the previous hash."""
    payload = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(),
        "actor_type": event.actor_type,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_label": event.object_label,
        "vendor_id": event.vendor_id,
        "changes": event.changes,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _locked_head(session: Session) -> AuditHead:
    """The chain's head, locked until this transaction ends; read once per transaction.

    While the lock is held nobody else can move the head, so the copy in this session stays
    current for the rest of the transaction and later events need no further query.
    """
    transaction = session.get_transaction()  # None until this transaction's first statement
    held = session.info.get("audit_head")
    if transaction is not None and held is not None and held[0] is transaction:
        return held[1]
    # populate_existing: a head cached from an earlier transaction may be stale.
    head = session.exec(
        select(AuditHead)
        .where(AuditHead.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    session.info["audit_head"] = (session.get_transaction(), head)
    return head


def record_event(
    session: Session,
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object,
    now: datetime,
    object_label: str = "",
    vendor_id: int | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event; the head row is locked so concurrent writers queue, never fork."""
    if now.tzinfo is None:
        raise ValueError("naive datetime refused: audit events need timezone-aware UTC")
    head = _locked_head(session)
    event = AuditEvent(
        seq=head.seq + 1,
        occurred_at=now.astimezone(UTC),
        actor_type=actor.type,
        actor_id=actor.id,
        actor_label=actor.label[:254],
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:64],
        object_label=object_label[:300],
        vendor_id=vendor_id,
        changes=json.loads(json.dumps(jsonable(changes or {}))),
        prev_hash=head.hash,
        hash="",
    )
    event.hash = event_hash(event)
    head.seq, head.hash = event.seq, event.hash
    # No flush here: the next flush writes the events of a use case together, in order.
    session.add_all([event, head])
    return event


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    checked: int
    message: str


def verify_chain(session: Session, *, batch: int = 2000) -> ChainCheck:
    """Walk the chain in order; report the first broken link, or OK with the count."""
    expected_seq, prev = 1, GENESIS_HASH
    for event in _in_order(session, batch):
        if event.seq != expected_seq:
            return _broken(expected_seq - 1, f"event {expected_seq} is missing (found {event.seq})")
        if event.prev_hash != prev:
            return _broken(
                expected_seq - 1, f"event {event.seq} does not follow event {event.seq - 1}"
            )
        if event_hash(event) != event.hash:
            return _broken(expected_seq - 1, f"event {event.seq} was altered after it was written")
        expected_seq, prev = expected_seq + 1, event.hash
    head = session.get(AuditHead, 1, populate_existing=True)
    count = expected_seq - 1
    if head is None or head.seq != count or head.hash != prev:
        return _broken(
            count,
            f"the chain ends at event {count} but its head records event "
            f"{head.seq if head else 'none'}: events were removed from the end",
        )
    return ChainCheck(True, count, f"OK: {count} events, chain intact")


def _broken(checked: int, why: str) -> ChainCheck:
    return ChainCheck(False, checked, f"BROKEN: {why}")


def _in_order(session: Session, batch: int) -> Iterable[AuditEvent]:
    last = 0
    while True:
        # populate_existing: check what is stored, not what this session loaded earlier.
        rows = session.exec(
            select(AuditEvent)
            .where(AuditEvent.seq > last)
            .order_by(AuditEvent.seq)
            .limit(batch)
            .execution_options(populate_existing=True)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
