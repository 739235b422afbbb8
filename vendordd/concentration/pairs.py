"""The book's pairs: what the page's two matrices count, one row per service and cell.

A matrix cell counts each service once, with its exposure (aggregates.py). Joining
book_exposure to the service's business functions, or a service's model developers to its own
clouds or countries, on every page view costs a lookup per row; `book_pair` holds the joined
rows, so a matrix is one GROUP BY over an index in cell order. Like book_exposure it is derived,
never edited by hand, and refreshed with it (exposures.py), from its rows:

- kind "function": one row per service, business function and provider of a provider layer
  (PROVIDER_LAYERS); row_key is the function's id as text, col_key the provider's key;
- kind "stack": one row per service, model developer and key of a STACK_COLUMNS layer; row_key
  is the developer's key, col_key the cloud's key or the country;
- layer is the column's layer; row_parent and col_parent are the keys grouped by ultimate
  parent (a function is its own); parent_first is true on one row per service and parent cell
  (the smallest keys), so a service on two providers of one group counts once in its cell;
- weight, spend, tier and status are the service's, as in book_exposure.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from sqlalchemy import (
    Boolean,
    Index,
    Numeric,
    String,
    Table,
    cast,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.engine import Connection
from sqlmodel import Field, SQLModel

from vendordd.concentration.models import PROVIDER_LAYERS, STACK_COLUMNS
from vendordd.db import in_ids, replace_rows
from vendordd.vendors.models import ServiceFunction

FUNCTION, STACK = "function", "stack"
FIGURES = ("weight", "spend", "tier", "status", "service_id")


class BookPair(SQLModel, table=True):
    """Derived from book_exposure and service_function; see the module docstring."""

    __tablename__ = "book_pair"
    # A matrix reads this index only: one scope, kind and layer, every column it needs.
    __table_args__ = (
        Index(
            "ix_book_pair_cells",
            *("scope", "kind", "layer", "row_key", "col_key", "row_parent", "col_parent"),
            *("parent_first", *FIGURES),
        ),
    )

    service_id: int = Field(primary_key=True)
    scope: int = Field(primary_key=True)  # as in book_exposure: the group or an entity
    kind: str = Field(primary_key=True, max_length=10)
    layer: str = Field(primary_key=True, max_length=20)
    row_key: str = Field(primary_key=True, max_length=210)
    col_key: str = Field(primary_key=True, max_length=210)
    row_parent: str = Field(max_length=210)
    col_parent: str = Field(max_length=210)
    parent_first: bool
    weight: int
    spend: float | None = Field(default=None, sa_type=Numeric(16, 2))
    tier: int
    status: str = Field(max_length=20)


def refresh_pairs(connection: Connection, exposure: Table, service_ids: Sequence[int] | None):
    """Replace the pairs of these services (all when None) from their `exposure` rows, which
    must already be current."""
    rows = _rows(exposure, filtered=service_ids is not None)
    replace_rows(connection, BookPair.__table__.c.service_id, service_ids, rows)


@cache
def _rows(exposure: Table, *, filtered: bool):
    e = exposure.c
    developers, others = exposure.alias("developer"), exposure.alias("other")
    developer, other = developers.c, others.c
    function = cast(ServiceFunction.function_id, String(210))
    functions = select(
        e.service_id,
        e.scope,
        literal(FUNCTION).label("kind"),
        e.layer,
        function.label("row_key"),
        e.key.label("col_key"),
        function.label("row_parent"),
        e.parent_key.label("col_parent"),
        _first(
            (e.service_id, e.scope, e.layer),
            (ServiceFunction.function_id, e.parent_key),
            order=(e.key,),
        ),
        *(e[name] for name in FIGURES[:-1]),
    ).join(ServiceFunction, ServiceFunction.service_id == e.service_id)
    functions = functions.where(e.layer.in_(PROVIDER_LAYERS))
    stacks = select(
        developer.service_id,
        developer.scope,
        literal(STACK).label("kind"),
        other.layer,
        developer.key.label("row_key"),
        other.key.label("col_key"),
        developer.parent_key.label("row_parent"),
        other.parent_key.label("col_parent"),
        _first(
            (developer.service_id, developer.scope, other.layer),
            (developer.parent_key, other.parent_key),
            order=(developer.key, other.key),
        ),
        *(developer[name] for name in FIGURES[:-1]),
    ).join(others, (other.service_id == developer.service_id) & (other.scope == developer.scope))
    stacks = stacks.where(developer.layer == "model_developer", other.layer.in_(STACK_COLUMNS))
    if filtered:
        functions = functions.where(in_ids(e.service_id))
        stacks = stacks.where(in_ids(developer.service_id))
    return union_all(functions, stacks)


def _first(rows, cell, *, order):
    """True on the first of a service's rows (in one scope and layer) in each parent cell."""
    ranked = func.row_number().over(partition_by=(*rows, *cell), order_by=order)
    return cast(ranked == 1, Boolean).label("parent_first")
