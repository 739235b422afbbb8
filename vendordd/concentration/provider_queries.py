"""Read side of the provider registry pages: the filtered list, pickers, a provider's users."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from vendordd.concentration.models import LAYERS, PROVIDER_KINDS, Dependency, Provider
from vendordd.paging import Page, paginate, positive_int
from vendordd.vendors.models import Service, Vendor

PAGE_SIZE = 50
MAX_SEARCH = 200
MAX_DEPENDENTS = 500  # per provider page; the concentration pages carry the book-level view


@dataclass(frozen=True)
class ProviderFilters:
    """The list's query arguments, with anything invalid dropped."""

    q: str = ""
    kind: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ProviderFilters:
        """Parse request arguments; unknown values are ignored, never an error."""
        kind = args.get("kind", "")
        return cls(
            q=" ".join(args.get("q", "").split())[:MAX_SEARCH],
            kind=kind if kind in PROVIDER_KINDS else "",
            page=positive_int(args.get("page")) or 1,
        )


def live_dependencies():
    """Dependency rows still in force (a hand removal keeps its row)."""
    return col(Dependency.removed_at).is_(None)


def provider_page(session: Session, filters: ProviderFilters) -> Page:
    """One page of live providers as (provider, parent name, dependency count), by name."""
    parent = aliased(Provider)
    counts = (
        select(Dependency.provider_id, func.count().label("n"))
        .where(live_dependencies(), col(Dependency.provider_id).is_not(None))
        .group_by(Dependency.provider_id)
        .subquery()
    )
    statement = (
        select(Provider, parent.name, func.coalesce(counts.c.n, 0))
        .outerjoin(parent, parent.id == Provider.parent_id)
        .outerjoin(counts, counts.c.provider_id == Provider.id)
        .where(col(Provider.merged_into_id).is_(None))
    )
    if filters.kind:
        statement = statement.where(Provider.kind == filters.kind)
    if filters.q:
        text = filters.q.lower()
        statement = statement.where(
            or_(
                func.lower(Provider.name).contains(text, autoescape=True),
                func.lower(Provider.key).contains(text, autoescape=True),
                func.lower(func.coalesce(Provider.lei, "")).contains(text, autoescape=True),
            )
        )
    statement = statement.order_by(func.lower(Provider.name), Provider.id)
    return paginate(session, statement, number=filters.page, size=PAGE_SIZE)


def live_providers(session: Session, *, excluding: int | None = None) -> list[Provider]:
    """The providers a picker offers: not merged away, alphabetically."""
    statement = select(Provider).where(col(Provider.merged_into_id).is_(None))
    if excluding is not None:
        statement = statement.where(Provider.id != excluding)
    return list(session.exec(statement.order_by(func.lower(Provider.name))).all())


def children_of(session: Session, provider: Provider) -> list[Provider]:
    """The live providers whose parent this is."""
    statement = select(Provider).where(
        Provider.parent_id == provider.id, col(Provider.merged_into_id).is_(None)
    )
    return list(session.exec(statement.order_by(func.lower(Provider.name))).all())


@dataclass(frozen=True)
class Dependent:
    vendor_id: int
    vendor: str
    service: str


def dependents(session: Session, provider: Provider) -> tuple[dict[str, list[Dependent]], int]:
    """The vendor services resting on the provider, per layer in chain order, and their total."""
    where = (Dependency.provider_id == provider.id, live_dependencies())
    total = session.exec(select(func.count()).select_from(Dependency).where(*where)).one()
    rows = session.exec(
        select(Dependency.layer, Vendor.id, Vendor.display_name, Service.name)
        .join(Vendor, Vendor.id == Dependency.vendor_id)
        .join(Service, Service.id == Dependency.service_id)
        .where(*where)
        .order_by(func.lower(Vendor.display_name), Vendor.id, func.lower(Service.name))
        .limit(MAX_DEPENDENTS)
    ).all()
    by_layer: dict[str, list[Dependent]] = {layer: [] for layer in LAYERS}
    for layer, vendor_id, vendor, service in rows:
        by_layer.setdefault(layer, []).append(Dependent(vendor_id, vendor, service))
    return {layer: found for layer, found in by_layer.items() if found}, total
