"""Paging of lists: counted in SQL, one page fetched, page numbers clamped."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlalchemy.sql import Select
from sqlmodel import Session, select

MAX_ID = 2**31 - 1  # the largest id a database integer column holds


@dataclass(frozen=True)
class Page:
    """One page of a list: what the `pager` macro shows, plus the rows."""

    items: list[Any]
    number: int
    pages: int
    total: int


def paginate(
    session: Session, statement: Select, *, number: int, size: int, count: Select | None = None
) -> Page:
    """Count the rows in SQL (with `count` when given) and fetch one page, clamping its number."""
    size = max(1, size)
    if count is None:
        count = select(func.count()).select_from(statement.order_by(None).subquery())
    total = session.exec(count).one()
    pages = max(1, math.ceil(total / size))
    number = min(max(1, number), pages)
    items = list(session.exec(statement.limit(size).offset((number - 1) * size)).all())
    return Page(items, number, pages, total)


def positive_int(raw: str | None) -> int | None:
    """A whole number of at least 1 from a query argument, or None for anything else."""
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return value if 1 <= value <= MAX_ID else None
