"""Read side of the outbox page: filters, one page newest first, counts per status."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from vendordd.alerts.models import OutboxMessage
from vendordd.alerts.outbox import FAILED, PENDING, SENT, STATUSES, status_condition
from vendordd.paging import Page, paginate, positive_int

MAX_SEARCH = 254


@dataclass(frozen=True)
class OutboxFilters:
    """The page's query arguments, with anything invalid dropped."""

    recipient: str = ""
    status: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> OutboxFilters:
        """Parse request arguments; unknown or malformed values are ignored, never an error."""
        status = args.get("status", "")
        return cls(
            recipient=args.get("recipient", "").strip()[:MAX_SEARCH],
            status=status if status in STATUSES else "",
            page=positive_int(args.get("page")) or 1,
        )

    @property
    def is_filtered(self) -> bool:
        return bool(self.recipient or self.status)


def outbox_page(session: Session, *, filters: OutboxFilters, size: int) -> Page:
    """One page of messages matching the filters, newest first."""
    statement = select(OutboxMessage)
    if filters.recipient:
        statement = statement.where(
            col(OutboxMessage.recipient).icontains(filters.recipient, autoescape=True)
        )
    if filters.status:
        statement = statement.where(status_condition(filters.status))
    statement = statement.order_by(col(OutboxMessage.id).desc())
    return paginate(session, statement, number=filters.page, size=size)


def status_counts(session: Session) -> dict[str, int]:
    """How many messages are pending, sent and failed, counted in one query."""
    status = case((status_condition(SENT), SENT), (status_condition(FAILED), FAILED), else_=PENDING)
    rows = session.exec(select(status, func.count()).group_by(status)).all()
    return {name: 0 for name in STATUSES} | dict(rows)
