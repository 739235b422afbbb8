"""The book's exposures: one row per service, layer and provider (or country), kept in step.

The concentration figures are GROUP BYs over live dependencies, each counted once per service
and provider (metrics.py), weighted by its service's tier and reliance, grouped by the
provider's ultimate parent, filtered by vendor status. Doing that join and de-duplication on
every page view costs several times a plain GROUP BY, so `book_exposure` holds its result: a
derived table, never edited by hand, that the page aggregates with index-only scans.

Rules of a row (the same as metrics.Exposure's):
- one per (service, layer, key, scope) over live Dependency rows (removed_at null); the key is
  the country code in a country layer, the provider id (as text) for a registered provider, and
  "name:" + the name as answered for a provider the registry does not know;
- scope: GROUP_SCOPE, and again for each entity the service is linked to (its id), so an
  entity's figures read its own rows instead of joining the links on every view;
- parent_key: the ultimate parent's id, following parents up the whole chain (a provider
  without a parent is its own); for countries and unregistered names, the key itself;
- weight: 4 for a T1 service or full reliance, else 3 material, 2 low, 1 not significant;
  spend: the service's annual spend (null when unknown); tier and vendor status as now;
- substitutability: the hardest stated over the rows (DORA scale); failover_tested: true only
  when every row says tested;
- is_first: true on one row per service and layer, the one with the smallest key; paths: how
  many rows the service has in the layer.

Two more derived tables come from it and are kept in step with it: book_pair (pairs.py, the
matrices' rows, which also need the service's business functions) and book_rollup (rollup.py,
its sums per provider, tier and vendor status). A fourth, book_risk (risklevels.py, each
vendor's residual-risk levels), is kept in step by the same hooks.

Kept in step within the writing transaction, so the figures are never stale and a rollback
undoes them: flushing a new, changed or deleted Dependency, Service, ServiceEntity or
ServiceFunction link or Vendor refreshes the rows of the services concerned (and book_risk's of
their vendors, as does an Assessment); a Provider given a new parent, or merged, refreshes the
services resting on it or on a provider under it (`regrouping`). An UPDATE/INSERT/DELETE
statement on any of those tables run through a Session marks the whole table stale, and the
Session rebuilds it before its next SELECT, flush or commit, so no read sees it stale (about
3 s for all four tables of a 10,000-vendor book on SQLite). Writes that bypass the Session
(bulk loads on a bare Connection) must call `rebuild_exposures` themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from sqlalchemy import (
    Boolean,
    Index,
    Numeric,
    String,
    and_,
    case,
    cast,
    event,
    func,
    inspect,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, aliased
from sqlmodel import Field, Session, SQLModel

from vendordd.assessments.models import Assessment
from vendordd.concentration.metrics import RELIANCE_WEIGHTS
from vendordd.concentration.models import COUNTRY_LAYERS, GROUP_SCOPE, Dependency, Provider
from vendordd.concentration.pairs import refresh_pairs
from vendordd.concentration.resilience import SUBSTITUTABILITY
from vendordd.concentration.risklevels import refresh_risk
from vendordd.concentration.rollup import kept_in_step, rebuild_rollup
from vendordd.db import in_ids, replace_rows
from vendordd.vendors.models import Service, ServiceEntity, ServiceFunction, Vendor

UNREGISTERED_PREFIX = "name:"
MAX_PARENT_DEPTH = 32  # a guard: the registry refuses cycles, so chains are short
_STALE = "book_exposure_stale"  # Session.info: service ids to refresh, or ALL
_STALE_VENDORS = "book_risk_stale"  # Session.info: vendor ids whose book_risk rows to refresh
_PENDING = "book_exposure_pending"  # Session.info: flushed objects whose ids come after it
ALL = "all"
_MARKED_OPTION = "book_exposure_marked"
# The execution options of a statement whose writes the caller has marked stale itself.
MARKED = {_MARKED_OPTION: True}
WATCHED = (Dependency, Service, ServiceEntity, ServiceFunction, Vendor, Provider)
WATCHED_TABLES = frozenset(model.__table__ for model in WATCHED)
# What book_risk (risklevels.py) rests on.
RISK_TABLES = frozenset(model.__table__ for model in (Service, ServiceEntity, Vendor, Assessment))
FIGURES = ("weight", "spend", "tier", "status", "is_first", "service_id")
# A single point of failure is one path (paths = 1) of a T1 or T2 service in a layer.
SINGLE_POINT_COLUMNS = ("scope", "layer", "paths", "tier", "substitutability", "failover_tested",
                        "service_id", "status")  # fmt: skip


class BookExposure(SQLModel, table=True):
    """Derived from Dependency, Service, Vendor and Provider; see the module docstring."""

    __tablename__ = "book_exposure"
    # The layer totals under a business function filter read the first index only, the single
    # points of failure the second (every column they need is in them); the rest read book_pair
    # and book_rollup.
    __table_args__ = (
        Index(
            "ix_book_exposure_layer_service",
            *("scope", "layer", "service_id", "key", "parent_key", *FIGURES[:-1]),
            *("substitutability", "failover_tested", "paths"),
        ),
        Index("ix_book_exposure_single_points", *SINGLE_POINT_COLUMNS),
    )

    service_id: int = Field(primary_key=True)
    # GROUP_SCOPE, or one of the service's entities: a row is in the group's figures and in
    # those of each entity the service is linked to.
    scope: int = Field(primary_key=True)
    layer: str = Field(primary_key=True, max_length=20)
    key: str = Field(primary_key=True, max_length=210)
    parent_key: str = Field(max_length=210)
    vendor_id: int = Field(index=True)  # the what-if reads a vendor's rows
    tier: int
    weight: int
    spend: float | None = Field(default=None, sa_type=Numeric(16, 2))
    status: str = Field(max_length=20)
    substitutability: str | None = Field(default=None, max_length=30)
    failover_tested: bool
    # True on exactly one row per service and layer (its first key): counting these counts the
    # layer's services in the same pass that sums the providers' exposures.
    is_first: bool
    # How many keys the service has in this layer (1: a single path, as for a single point of
    # failure on one model developer).
    paths: int


def rebuild_exposures(connection: Connection) -> None:
    """Recompute the whole table, the pairs and sums derived from it, and book_risk, from
    scratch."""
    table = BookExposure.__table__
    replace_rows(connection, table.c.service_id, None, _rows(filtered=False))
    refresh_pairs(connection, table, None)
    rebuild_rollup(connection, table)
    refresh_risk(connection, None)


def _refresh(connection: Connection, service_ids: Iterable[int]) -> None:
    """Replace the rows of these services, with their pairs and their part of the sums."""
    service_ids = sorted(set(service_ids))
    if not service_ids:
        return
    table = BookExposure.__table__
    with kept_in_step(connection, table, service_ids):
        replace_rows(connection, table.c.service_id, service_ids, _rows(filtered=True))
    refresh_pairs(connection, table, service_ids)


def _ultimate_parents():
    """(provider id, its ultimate parent's id) for every provider, up the whole chain."""
    climb = select(
        Provider.id.label("id"), Provider.id.label("top"), literal(0).label("depth")
    ).cte("climb", recursive=True)
    above = aliased(Provider)
    climb = climb.union_all(
        select(climb.c.id, above.parent_id, climb.c.depth + 1)
        .join(above, above.id == climb.c.top)
        .where(above.parent_id.is_not(None), climb.c.depth < MAX_PARENT_DEPTH)
    )
    top = aliased(Provider)
    return (
        select(climb.c.id, climb.c.top)
        .join(top, top.id == climb.c.top)
        .where(top.parent_id.is_(None))
        .subquery("ultimate")
    )


@cache
def _rows(*, filtered: bool):
    """The rows of every service, or (filtered) of those bound as ids (db.in_ids)."""
    ultimate = _ultimate_parents()
    text = String(210)
    provider_key = case(
        (Dependency.provider_id.is_not(None), cast(Dependency.provider_id, text)),
        else_=literal(UNREGISTERED_PREFIX) + Dependency.provider_name,
    )
    key = case((Dependency.layer.in_(COUNTRY_LAYERS), Dependency.country), else_=provider_key)
    parent = func.coalesce(cast(ultimate.c.top, text), key)
    reliance = case(RELIANCE_WEIGHTS, value=Service.reliance, else_=1)
    ranks = list(SUBSTITUTABILITY)  # hardest first
    rank = case({name: n for n, name in enumerate(ranks)}, value=Dependency.substitutability)
    hardest = func.min(rank)
    statement = (
        select(
            Dependency.service_id.label("service_id"),
            Dependency.layer.label("layer"),
            key.label("key"),
            func.max(parent).label("parent_key"),
            func.max(Service.vendor_id).label("vendor_id"),
            func.max(Service.tier).label("tier"),
            func.max(case((Service.tier == 1, 4), else_=reliance)).label("weight"),
            func.max(Service.annual_spend).label("spend"),
            func.max(Vendor.status).label("status"),
            case({n: name for n, name in enumerate(ranks)}, value=hardest).label(
                "substitutability"
            ),
            cast(
                func.min(case((Dependency.is_failover_tested.is_(True), 1), else_=0)), Boolean
            ).label("failover_tested"),
            cast(
                func.row_number().over(
                    partition_by=(Dependency.service_id, Dependency.layer), order_by=key
                )
                == 1,
                Boolean,
            ).label("is_first"),
            func.count()
            .over(partition_by=(Dependency.service_id, Dependency.layer))
            .label("paths"),
        )
        .join(Service, Service.id == Dependency.service_id)
        .join(Vendor, Vendor.id == Service.vendor_id)
        .outerjoin(ultimate, ultimate.c.id == Dependency.provider_id)
        .where(
            Dependency.removed_at.is_(None),
            or_(
                and_(Dependency.layer.in_(COUNTRY_LAYERS), Dependency.country.is_not(None)),
                and_(
                    Dependency.layer.not_in(COUNTRY_LAYERS),
                    or_(Dependency.provider_id.is_not(None), Dependency.provider_name.is_not(None)),
                ),
            ),
        )
        .group_by(Dependency.service_id, Dependency.layer, key)
    )
    if filtered:
        statement = statement.where(in_ids(Dependency.service_id))
    units = statement.cte("units")
    entities = select(units, ServiceEntity.entity_id.label("scope")).join(
        ServiceEntity, ServiceEntity.service_id == units.c.service_id
    )
    return union_all(select(units, literal(GROUP_SCOPE).label("scope")), entities)


# Keeping the table in step with every Session ------------------------------------------------


def _mark(session: Session, ids: Iterable[int | None] | str, stale: str = _STALE) -> None:
    """Mark these ids (services, or vendors with stale=_STALE_VENDORS) stale, or ALL."""
    marked = session.info.get(stale)
    if marked == ALL:
        return
    if ids == ALL:
        session.info[stale] = ALL
        return
    session.info[stale] = (marked or set()) | {i for i in ids if i is not None}


@event.listens_for(Session, "before_flush")
def _note_changes(session: Session, _context, _instances) -> None:
    changed = [
        obj
        for obj in (*session.new, *session.dirty, *session.deleted)
        if isinstance(obj, (*WATCHED, Assessment))
        and (obj in session.new or obj in session.deleted or session.is_modified(obj))
    ]
    pending = session.info.setdefault(_PENDING, [])
    for obj in changed:
        if isinstance(obj, Provider):
            # A new one has no dependencies; a merge marks what it re-points (`regrouping`).
            if obj not in session.new and inspect(obj).attrs.parent_id.history.has_changes():
                regrouping(session, obj.id)
        elif isinstance(obj, Dependency | ServiceFunction):
            _mark(session, [obj.service_id])
        elif isinstance(obj, Assessment):
            _mark(session, [obj.vendor_id], _STALE_VENDORS)
        else:
            pending.append(obj)  # a new Service or Vendor has no id until the flush


def regrouping(session: Session, provider_id: int) -> None:
    """Mark stale the services resting on this provider or on any provider under it, whose
    ultimate parent a new parent or a merge changes. A merge calls it before re-pointing them,
    and runs its statements with MARKED."""
    _mark(session, session.connection().execute(_resting_on(provider_id)).scalars())


def _resting_on(provider_id: int):
    below = select(Provider.id.label("id"), literal(0).label("depth"))
    below = below.where(Provider.id == provider_id).cte("below", recursive=True)
    child = aliased(Provider)
    below = below.union_all(
        select(child.id, below.c.depth + 1)
        .join(below, child.parent_id == below.c.id)
        .where(below.c.depth < MAX_PARENT_DEPTH)
    )
    return (
        select(Dependency.service_id)
        .where(Dependency.provider_id.in_(select(below.c.id)), Dependency.removed_at.is_(None))
        .distinct()
    )


@event.listens_for(Session, "after_flush_postexec")
def _refresh_after_flush(session: Session, _context) -> None:
    pending = session.info.pop(_PENDING, [])
    services = {obj.id for obj in pending if isinstance(obj, Service)}
    vendors = {obj.id for obj in pending if isinstance(obj, Vendor)}
    vendors |= {obj.vendor_id for obj in pending if isinstance(obj, Service)}
    linked = {obj.service_id for obj in pending if isinstance(obj, ServiceEntity)}
    connection = session.connection()
    if vendors:
        services |= set(
            connection.execute(select(Service.id).where(Service.vendor_id.in_(vendors))).scalars()
        )
    if linked:
        services |= linked
        vendors |= set(
            connection.execute(select(Service.vendor_id).where(Service.id.in_(linked))).scalars()
        )
    _mark(session, services)
    _mark(session, vendors, _STALE_VENDORS)
    _refresh_stale(session)


def _refresh_stale(session: Session) -> None:
    services = session.info.pop(_STALE, None)
    vendors = session.info.pop(_STALE_VENDORS, None)
    connection = session.connection()
    if services == ALL:
        rebuild_exposures(connection)
        return
    if services:
        _refresh(connection, services)
    if vendors:
        refresh_risk(connection, None if vendors == ALL else sorted(vendors))


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state: ORMExecuteState) -> None:
    """An UPDATE/INSERT/DELETE statement on a watched table marks the whole table stale (unless
    run with MARKED), on a table of book_risk's the whole of that; the next SELECT, flush or
    commit rebuilds them."""
    session = state.session
    if state.is_select:
        if ALL in (session.info.get(_STALE), session.info.get(_STALE_VENDORS)):
            _refresh_stale(session)
        return
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    if state.execution_options.get(_MARKED_OPTION):
        return
    tables = {mapper.local_table for mapper in state.all_mappers}
    if tables & WATCHED_TABLES:
        _mark(session, ALL)
    if tables & RISK_TABLES:
        _mark(session, ALL, _STALE_VENDORS)


@event.listens_for(Session, "before_commit")
def _refresh_before_commit(session: Session) -> None:
    """What is stale now was marked outside a flush (a bulk statement, `regrouping`): the
    commit's own flush refreshes what it marks itself."""
    _refresh_stale(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, _previous) -> None:
    """A rollback undoes what was marked stale along with the change."""
    for key in (_STALE, _STALE_VENDORS, _PENDING):
        session.info.pop(key, None)
