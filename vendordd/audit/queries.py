"""Read side of the audit trail: filters, pages with readable changes, and the CSV export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy.sql import Select
from sqlmodel import Session, select

from vendordd.audit.models import AuditEvent
from vendordd.audit.wording import Change, field_label, readable_value
from vendordd.auth.models import User
from vendordd.paging import Page, paginate

EXPORT_BATCH = 1000
EXPORT_COLUMNS = (
    "seq",
    "occurred_at",
    "actor_type",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "vendor_id",
    "changes",
    "prev_hash",
    "hash",
)
# Spreadsheets run cells starting with these as formulas; names and labels are user input.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class TrailFilters:
    """Which events to show; empty values do not filter."""

    actor: str = ""
    action: str = ""
    object_type: str = ""
    vendor_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def is_filtered(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)

    def as_args(self) -> dict[str, str]:
        """The filters as query arguments, for links that keep them."""
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        return {name: str(value) for name, value in values.items() if value}

    def apply(self, statement: Select) -> Select:
        """Restrict a SELECT over audit_event to the matching events (dates inclusive, UTC)."""
        if self.actor:
            statement = statement.where(
                AuditEvent.actor_label.icontains(self.actor, autoescape=True)
            )
        if self.action:
            statement = statement.where(AuditEvent.action == self.action)
        if self.object_type:
            statement = statement.where(AuditEvent.object_type == self.object_type)
        if self.vendor_id:
            statement = statement.where(AuditEvent.vendor_id == self.vendor_id)
        if self.date_from:
            start = datetime.combine(self.date_from, time.min, UTC)
            statement = statement.where(AuditEvent.occurred_at >= start)
        if self.date_to:
            end = datetime.combine(self.date_to, time.max, UTC)
            statement = statement.where(AuditEvent.occurred_at <= end)
        return statement


def distinct_values(session: Session, column) -> list[str]:
    """The distinct values of an audit_event column, sorted (filter choices)."""
    return list(session.exec(select(column).distinct().order_by(column)))


@dataclass(frozen=True)
class TrailEntry:
    event: AuditEvent
    changes: list[Change]


def trail_page(session: Session, *, filters: TrailFilters, number: int, size: int) -> Page:
    """One page of the filtered trail, newest first, with changes in readable form."""
    statement = filters.apply(select(AuditEvent)).order_by(AuditEvent.seq.desc())
    page = paginate(session, statement, number=number, size=size)
    names = _user_names(session, page.items)
    entries = [TrailEntry(event, describe_changes(event.changes, names)) for event in page.items]
    return Page(entries, page.number, page.pages, page.total)


def _user_names(session: Session, events: Iterable[AuditEvent]) -> dict[int, str]:
    ids = {
        value
        for event in events
        for value in event.changes.get("owner_id", [])
        if isinstance(value, int)
    }
    if not ids:
        return {}
    return dict(session.exec(select(User.id, User.name).where(User.id.in_(ids))).all())


def describe_changes(changes: dict[str, Any], user_names: dict[int, str]) -> list[Change]:
    """Readable lines of an event's payload: before → after pairs, or a recorded value.

    Pairs come from `diff`; other payloads (e.g. failed-login counts) have an empty `before`.
    """
    lines = []
    for name, value in sorted(changes.items()):
        if isinstance(value, list) and len(value) == 2:
            before, after = (readable_value(name, item, user_names) for item in value)
        else:
            before, after = "", readable_value(name, value, user_names)
        lines.append(Change(field_label(name), before, after))
    return lines


def export_csv(session: Session, *, filters: TrailFilters) -> Iterator[str]:
    """The filtered trail as CSV text, newest first, read in batches so it can be streamed."""
    yield "\ufeff" + _csv_line(EXPORT_COLUMNS)  # the BOM makes Excel read UTF-8
    last_seq: int | None = None
    while True:
        statement = filters.apply(select(AuditEvent)).order_by(AuditEvent.seq.desc())
        if last_seq is not None:
            statement = statement.where(AuditEvent.seq < last_seq)
        events = session.exec(statement.limit(EXPORT_BATCH)).all()
        if not events:
            return
        yield "".join(_csv_line(_export_values(event)) for event in events)
        last_seq = events[-1].seq


def _export_values(event: AuditEvent) -> list[Any]:
    changes = json.dumps(event.changes, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    values = {name: getattr(event, name) for name in EXPORT_COLUMNS}
    values |= {"occurred_at": event.occurred_at.isoformat(), "changes": changes}
    return [_cell(values[name]) for name in EXPORT_COLUMNS]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_line(values: Iterable[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()
