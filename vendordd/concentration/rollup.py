"""The book's exposures added up per scope, provider, tier and vendor status: layer totals.

The layer table of the concentration page and the what-if read, per layer and provider, the
exposure and the services of the whole book, or of one entity, tier or vendor status. Summing
book_exposure's rows for that on every view reads every row of the book; `book_rollup` holds
the sums, one row per (scope, layer, key, parent_key, tier, status), so the reads are a few
hundred rows whatever the size of the book. The business function filter is not in it (a
service has several): with it, the page sums book_exposure itself (aggregates.py).

Columns (over the book_exposure rows of the group): rows, how many (one per service using the
key); weight, the sum of their weights; spend, the sum of their spends (unknown counts 0);
firsts, how many are their service's first row in the layer (is_first: summed over a layer's
keys, the layer's services counted once); firsts_unpriced, how many of those have no spend.

Kept in step by exposures.py in the writing transaction, by differences: before a service's
exposure rows are replaced their sums are subtracted, after it the new ones added, each as one
INSERT … ON CONFLICT DO UPDATE, so concurrent writers add up instead of overwriting each other
(a group's row is locked while it changes); groups left with no row are deleted. Every column
is a whole number but spend, which is an exact decimal on PostgreSQL and on SQLite is read back
to the cent.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager
from functools import cache

from sqlalchemy import Numeric, Table, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlmodel import Field, SQLModel

from vendordd.db import ids_params, in_ids

GROUP = ("scope", "layer", "key", "parent_key", "tier", "status")
SUMS = ("rows", "weight", "spend", "firsts", "firsts_unpriced")


class BookRollup(SQLModel, table=True):
    """Derived from book_exposure; see the module docstring."""

    __tablename__ = "book_rollup"

    scope: int = Field(primary_key=True)  # as in book_exposure: the group or an entity
    layer: str = Field(primary_key=True, max_length=20)
    key: str = Field(primary_key=True, max_length=210)
    parent_key: str = Field(primary_key=True, max_length=210)
    tier: int = Field(primary_key=True)
    status: str = Field(primary_key=True, max_length=20)
    rows: int
    weight: int
    spend: float = Field(sa_type=Numeric(18, 2))
    firsts: int
    firsts_unpriced: int


def rebuild_rollup(connection: Connection, exposure: Table) -> None:
    """Recompute every group from the `exposure` rows."""
    table = BookRollup.__table__
    connection.execute(delete(table))
    sums = _sums(exposure, filtered=False, sign=1)
    connection.execute(insert(table).from_select(list(sums.selected_columns.keys()), sums))


@contextmanager
def kept_in_step(connection: Connection, exposure: Table, service_ids: Sequence[int]):
    """Around a replacement of these services' `exposure` rows: their old sums come off
    before it, the new ones go on after it."""
    _add(connection, exposure, service_ids, -1)
    yield
    _add(connection, exposure, service_ids, 1)
    table = BookRollup.__table__
    connection.execute(delete(table).where(table.c.rows == 0))


def _add(connection: Connection, exposure: Table, service_ids: Sequence[int], sign: int) -> None:
    connection.execute(_upsert(exposure, connection.dialect.name, sign), ids_params(service_ids))


@cache
def _upsert(exposure: Table, dialect_name: str, sign: int):
    """Adds `sign` times the sums of the services bound as ids (db.in_ids)."""
    table = BookRollup.__table__
    sums = _sums(exposure, filtered=True, sign=sign)
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    upsert = dialect.insert(table).from_select(list(sums.selected_columns.keys()), sums)
    return upsert.on_conflict_do_update(
        index_elements=list(GROUP),
        set_={name: table.c[name] + upsert.excluded[name] for name in SUMS},
    )


def _sums(exposure: Table, *, filtered: bool, sign: int):
    e = exposure.c
    statement = select(
        *(e[name] for name in GROUP),
        (sign * func.count()).label("rows"),
        (sign * func.sum(e.weight)).label("weight"),
        (sign * func.sum(func.coalesce(e.spend, 0))).label("spend"),
        (sign * func.count().filter(e.is_first)).label("firsts"),
        (sign * func.count().filter(e.is_first & e.spend.is_(None))).label("firsts_unpriced"),
    )
    if filtered:
        # Also what SQLite needs to read ON CONFLICT as the upsert's, not a join's.
        statement = statement.where(in_ids(e.service_id))
    return statement.group_by(*(e[name] for name in GROUP))
