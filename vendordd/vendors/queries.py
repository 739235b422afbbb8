"""Read side of the vendor pages: the filtered vendor list, a vendor's services and history.

Everything that grows with the book (filtering, sorting, counting, paging) happens in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import case, exists, func
from sqlmodel import Session, select

from vendordd.audit.models import AuditEvent
from vendordd.audit.wording import ACTION_LABELS, Change, describe_changes
from vendordd.auth.models import User
from vendordd.paging import Page, paginate, positive_int
from vendordd.vendors.models import (
    VENDOR_STATUSES,
    BusinessFunction,
    Contact,
    Entity,
    Service,
    ServiceEntity,
    ServiceFunction,
    Vendor,
)
from vendordd.vendors.tiering import DomainScore, Intake, domain_scores

NOT_TIERED = "none"
NO_OWNER = "none"
SORTS = {
    "name": func.lower(Vendor.display_name),
    "tier": Vendor.tier,
    "status": case({s: i for i, s in enumerate(VENDOR_STATUSES)}, value=Vendor.status),
    "updated": Vendor.updated_at,
}
DEFAULT_SORT = "name"
MAX_SEARCH = 200


@dataclass(frozen=True)
class VendorFilters:
    """The list's query arguments, with anything invalid already dropped."""

    q: str = ""
    status: str = ""
    tier: str = ""
    entity: int | None = None
    function: int | None = None
    owner: str = ""
    sort: str = DEFAULT_SORT
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> VendorFilters:
        """Parse request arguments; unknown or malformed values are ignored, never an error."""
        status = args.get("status", "")
        tier = args.get("tier", "")
        owner = args.get("owner", "")
        sort = args.get("sort", DEFAULT_SORT)
        owner_id = positive_int(owner)
        return cls(
            q=" ".join(args.get("q", "").split())[:MAX_SEARCH],
            status=status if status in VENDOR_STATUSES else "",
            tier=tier if tier in {"1", "2", "3", "4", NOT_TIERED} else "",
            entity=positive_int(args.get("entity")),
            function=positive_int(args.get("function")),
            owner=NO_OWNER if owner == NO_OWNER else str(owner_id) if owner_id else "",
            sort=sort if sort.removeprefix("-") in SORTS else DEFAULT_SORT,
            page=positive_int(args.get("page")) or 1,
        )

    @property
    def is_filtered(self) -> bool:
        return bool(
            self.q or self.status or self.tier or self.entity or self.function or self.owner
        )


@dataclass(frozen=True)
class VendorRow:
    vendor: Vendor
    owner_name: str | None
    service_count: int


def _service_link_exists(link_model, column, value: int):
    """EXISTS a service of the vendor linked to the entity/function, so a vendor shows once."""
    return exists(
        select(Service.id)
        .join(link_model, link_model.service_id == Service.id)
        .where(Service.vendor_id == Vendor.id, column == value)
    )


def _conditions(filters: VendorFilters) -> list:
    conditions = []
    if filters.q:
        conditions.append(
            Vendor.legal_name.icontains(filters.q, autoescape=True)
            | Vendor.display_name.icontains(filters.q, autoescape=True)
            | Vendor.lei.icontains(filters.q, autoescape=True)
        )
    if filters.status:
        conditions.append(Vendor.status == filters.status)
    if filters.tier == NOT_TIERED:
        conditions.append(Vendor.tier.is_(None))
    elif filters.tier:
        conditions.append(Vendor.tier == int(filters.tier))
    if filters.entity:
        conditions.append(
            _service_link_exists(ServiceEntity, ServiceEntity.entity_id, filters.entity)
        )
    if filters.function:
        conditions.append(
            _service_link_exists(ServiceFunction, ServiceFunction.function_id, filters.function)
        )
    if filters.owner == NO_OWNER:
        conditions.append(Vendor.owner_id.is_(None))
    elif filters.owner:
        conditions.append(Vendor.owner_id == int(filters.owner))
    return conditions


def _order(sort: str) -> list:
    name, descending = sort.removeprefix("-"), sort.startswith("-")
    order = [SORTS[name], Vendor.id]
    order = [key.desc() for key in order] if descending else order
    if name == "tier":
        # Untiered vendors sit at the end in both directions.
        order.insert(0, Vendor.tier.is_(None))
    return order


def vendor_page(session: Session, *, filters: VendorFilters, size: int) -> Page:
    """One page of the vendor list: vendor, owner name and number of services per row."""
    conditions = _conditions(filters)
    statement = (
        select(Vendor, User.name)
        .outerjoin(User, User.id == Vendor.owner_id)
        .where(*conditions)
        .order_by(*_order(filters.sort))
    )
    count = select(func.count(Vendor.id)).where(*conditions)
    page = paginate(session, statement, number=filters.page, size=size, count=count)
    # Services are counted for the rows shown only, not for every row the offset skips.
    ids = [vendor.id for vendor, _ in page.items]
    services = dict(
        session.exec(
            select(Service.vendor_id, func.count())
            .where(Service.vendor_id.in_(ids))
            .group_by(Service.vendor_id)
        ).all()
    )
    rows = [VendorRow(vendor, owner, services.get(vendor.id, 0)) for vendor, owner in page.items]
    return Page(rows, page.number, page.pages, page.total)


@dataclass(frozen=True)
class FilterChoices:
    entities: list[Entity]
    functions: list[BusinessFunction]
    owners: list[User]


def filter_choices(session: Session) -> FilterChoices:
    """Options of the list's filter selects (reference data is small)."""
    return FilterChoices(
        entities=list(session.exec(select(Entity).order_by(Entity.name))),
        functions=list(session.exec(select(BusinessFunction).order_by(BusinessFunction.name))),
        owners=list(
            session.exec(
                select(User)
                .where(User.is_active | User.id.in_(select(Vendor.owner_id)))
                .order_by(User.name)
            )
        ),
    )


@dataclass
class ServiceView:
    """A service as the vendor page shows it: links by name and the tiering domain scores."""

    service: Service
    entities: list[str] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    domains: tuple[DomainScore, ...] = ()


def service_intake(service: Service) -> Intake:
    """The stored intake profile of a service."""
    return Intake(**{name: getattr(service, name) for name in Intake.__dataclass_fields__})


def vendor_services(session: Session, *, vendor_id: int) -> list[ServiceView]:
    """The vendor's services, most critical first, with entity and function names."""
    services = session.exec(
        select(Service).where(Service.vendor_id == vendor_id).order_by(Service.tier, Service.name)
    ).all()
    views = {s.id: ServiceView(s, domains=domain_scores(service_intake(s))) for s in services}
    if not views:
        return []
    for service_id, name in session.exec(
        select(ServiceEntity.service_id, Entity.name)
        .join(Entity, Entity.id == ServiceEntity.entity_id)
        .where(ServiceEntity.service_id.in_(views))
        .order_by(Entity.name)
    ):
        views[service_id].entities.append(name)
    for service_id, name in session.exec(
        select(ServiceFunction.service_id, BusinessFunction.name)
        .join(BusinessFunction, BusinessFunction.id == ServiceFunction.function_id)
        .where(ServiceFunction.service_id.in_(views))
        .order_by(BusinessFunction.name)
    ):
        views[service_id].functions.append(name)
    return list(views.values())


def total_spend(services: list[ServiceView]) -> Decimal | None:
    """Sum of the known annual spends, or None when no service has one."""
    spends = [v.service.annual_spend for v in services if v.service.annual_spend is not None]
    return sum(spends, Decimal(0)) if spends else None


@dataclass(frozen=True)
class HistoryEntry:
    event: AuditEvent
    title: str
    changes: list[Change]


def vendor_history(session: Session, *, vendor_id: int, number: int, size: int) -> Page:
    """The vendor's audit events, newest first, with changes in readable form."""
    statement = (
        select(AuditEvent).where(AuditEvent.vendor_id == vendor_id).order_by(AuditEvent.seq.desc())
    )
    page = paginate(session, statement, number=number, size=size)
    owner_ids = {
        value
        for event in page.items
        for value in event.changes.get("owner_id", [])
        if isinstance(value, int)
    }
    names = dict(session.exec(select(User.id, User.name).where(User.id.in_(owner_ids))).all())
    entries = [
        HistoryEntry(
            event, ACTION_LABELS.get(event.action, event.action), describe_changes(event, names)
        )
        for event in page.items
    ]
    return Page(entries, page.number, page.pages, page.total)


def vendor_contacts(session: Session, *, vendor_id: int) -> list[Contact]:
    """The vendor's contacts by name."""
    return list(
        session.exec(
            select(Contact).where(Contact.vendor_id == vendor_id).order_by(Contact.name, Contact.id)
        )
    )


def active_users(session: Session, *, keep_id: int | None = None) -> list[User]:
    """Users who can own a vendor: the active ones, plus the current owner if deactivated."""
    return list(
        session.exec(select(User).where(User.is_active | (User.id == keep_id)).order_by(User.name))
    )


def usable_reference(session: Session, model, *, keep_ids: Iterable[int] = ()) -> list:
    """Active entities or business functions, plus inactive ones still linked (kept on edit)."""
    return list(
        session.exec(
            select(model).where(model.is_active | model.id.in_(list(keep_ids))).order_by(model.name)
        )
    )


def reference_list(session: Session, model) -> list:
    """Entities or business functions for their admin page: active first, then by name."""
    return list(session.exec(select(model).order_by(model.is_active.desc(), model.name)))


def usage_counts(session: Session, link_model, column) -> dict[int, int]:
    """How many services use each entity or business function."""
    rows = session.exec(select(column, func.count()).group_by(column)).all()
    return dict(rows)
