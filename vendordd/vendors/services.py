"""Vendor, contact, service (intake and tier), entity and business-function use cases."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import literal, union_all
from sqlmodel import Session, select

from vendordd.assessments.models import AssessmentContact
from vendordd.audit.services import Actor, diff, record_event
from vendordd.vendors.models import (
    STATUS_TRANSITIONS,
    BusinessFunction,
    Contact,
    Entity,
    Service,
    ServiceEntity,
    ServiceFunction,
    Vendor,
)
from vendordd.vendors.tiering import Intake, tier_intake, vendor_tier

VENDOR_FIELDS = (
    "legal_name",
    "display_name",
    "lei",
    "hq_country",
    "website",
    "trust_centre_url",
    "subprocessor_list_url",
    "owner_id",
    "notes",
)
INTAKE_FIELDS = tuple(Intake.__dataclass_fields__)
CENTS = Decimal("0.01")


class VendorError(ValueError):
    """A change was refused; `field` names the input at fault when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class VendorData:
    legal_name: str
    display_name: str
    hq_country: str
    lei: str | None = None
    website: str = ""
    trust_centre_url: str = ""
    subprocessor_list_url: str = ""
    owner_id: int | None = None
    notes: str = ""


@dataclass
class ServiceData:
    name: str
    intake: Intake
    description: str = ""
    annual_spend: Decimal | None = None
    entity_ids: list[int] = field(default_factory=list)
    function_ids: list[int] = field(default_factory=list)


def legal_name_key(name: str) -> str:
    """Case- and spacing-insensitive key under which legal names must be unique."""
    return " ".join(name.split()).casefold()


def _normalised(data: VendorData) -> VendorData:
    """Trimmed text, an upper-case LEI, and no LEI at all rather than an empty one."""
    lei = "".join((data.lei or "").split()).upper()
    return replace(
        data,
        legal_name=" ".join(data.legal_name.split()),
        display_name=data.display_name.strip(),
        hq_country=data.hq_country.strip().upper(),
        lei=lei or None,
        website=data.website.strip(),
        trust_centre_url=data.trust_centre_url.strip(),
        subprocessor_list_url=data.subprocessor_list_url.strip(),
        notes=data.notes.strip(),
    )


def vendor_state(vendor: Vendor) -> dict[str, Any]:
    return {name: getattr(vendor, name) for name in (*VENDOR_FIELDS, "status", "tier")}


def _check_unique(session: Session, data: VendorData, vendor_id: int | None) -> None:
    same_name = session.exec(
        select(Vendor).where(Vendor.legal_name_key == legal_name_key(data.legal_name))
    ).first()
    if same_name and same_name.id != vendor_id:
        raise VendorError(
            f"Vendor {same_name.display_name} already has this legal name.", "legal_name"
        )
    if data.lei:
        same_lei = session.exec(select(Vendor).where(Vendor.lei == data.lei)).first()
        if same_lei and same_lei.id != vendor_id:
            raise VendorError(f"Vendor {same_lei.display_name} already has this LEI.", "lei")


def _audit_vendor(
    session: Session, vendor: Vendor, action: str, *, actor: Actor, now: datetime, changes: dict
) -> None:
    record_event(
        session,
        actor=actor,
        action=action,
        object_type="vendor",
        object_id=vendor.id,
        object_label=vendor.display_name,
        vendor_id=vendor.id,
        now=now,
        changes=changes,
    )


def create_vendor(session: Session, *, data: VendorData, actor: Actor, now: datetime) -> Vendor:
    """Onboard a vendor as a prospect."""
    data = _normalised(data)
    _check_unique(session, data, None)
    vendor = Vendor(
        **asdict(data),
        legal_name_key=legal_name_key(data.legal_name),
        status="prospect",
        created_at=now,
        updated_at=now,
    )
    session.add(vendor)
    session.flush()
    _audit_vendor(
        session,
        vendor,
        "vendor.created",
        actor=actor,
        now=now,
        changes=diff({}, vendor_state(vendor)),
    )
    return vendor


def update_vendor(
    session: Session, *, vendor: Vendor, data: VendorData, actor: Actor, now: datetime
) -> dict[str, list]:
    """Change a vendor's details; returns the audited field changes (empty if none)."""
    data = _normalised(data)
    _check_unique(session, data, vendor.id)
    before = vendor_state(vendor)
    for name, value in asdict(data).items():
        setattr(vendor, name, value)
    vendor.legal_name_key = legal_name_key(data.legal_name)
    changes = diff(before, vendor_state(vendor))
    if changes:
        vendor.updated_at = now
        session.add(vendor)
        _audit_vendor(session, vendor, "vendor.updated", actor=actor, now=now, changes=changes)
    return changes


def change_status(
    session: Session, *, vendor: Vendor, status: str, actor: Actor, now: datetime
) -> None:
    """Move a vendor along its lifecycle; only the allowed transitions are accepted."""
    allowed = STATUS_TRANSITIONS.get(vendor.status, ())
    if status not in allowed:
        options = ", ".join(allowed) or "none"
        raise VendorError(
            f"A vendor cannot go from {vendor.status} to {status}; allowed next: {options}.",
            "status",
        )
    before, vendor.status, vendor.updated_at = vendor.status, status, now
    session.add(vendor)
    _audit_vendor(
        session,
        vendor,
        "vendor.status_changed",
        actor=actor,
        now=now,
        changes={"status": [before, status]},
    )


def add_contact(
    session: Session,
    *,
    vendor: Vendor,
    name: str,
    email: str,
    role_title: str,
    actor: Actor,
    now: datetime,
) -> Contact:
    """Add a person at the vendor who can later receive questionnaires."""
    email = email.strip().lower()
    exists = session.exec(
        select(Contact).where(Contact.vendor_id == vendor.id, Contact.email == email)
    ).first()
    if exists:
        raise VendorError(f"{email} is already a contact of this vendor.", "email")
    contact = Contact(
        vendor_id=vendor.id,
        name=name.strip(),
        email=email,
        role_title=role_title.strip(),
        created_at=now,
    )
    session.add(contact)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="contact.created",
        object_type="contact",
        object_id=contact.id,
        object_label=f"{contact.name} <{email}>",
        vendor_id=vendor.id,
        now=now,
        changes=diff({}, {"name": contact.name, "email": email, "role_title": contact.role_title}),
    )
    return contact


def remove_contact(session: Session, *, contact: Contact, actor: Actor, now: datetime) -> None:
    """Remove a contact (the audit trail keeps who it was); one invited to an assessment stays."""
    invited = select(AssessmentContact.assessment_id).where(
        AssessmentContact.contact_id == contact.id
    )
    if session.exec(invited).first() is not None:
        raise VendorError(
            f"{contact.name} was invited to an assessment, so the contact is kept with its "
            "record of who answered; just leave them out of the next assessment's invitations."
        )
    record_event(
        session,
        actor=actor,
        action="contact.removed",
        object_type="contact",
        object_id=contact.id,
        object_label=f"{contact.name} <{contact.email}>",
        vendor_id=contact.vendor_id,
        now=now,
        changes=diff({"name": contact.name, "email": contact.email}, {}),
    )
    session.delete(contact)
    session.flush()


@dataclass(frozen=True)
class ServiceLinks:
    """The entities and business functions a service is linked to, by id."""

    entity_ids: frozenset[int] = frozenset()
    function_ids: frozenset[int] = frozenset()

    @classmethod
    def stored(cls, session: Session, service_id: int) -> ServiceLinks:
        entities = select(ServiceEntity.entity_id).where(ServiceEntity.service_id == service_id)
        functions = select(ServiceFunction.function_id).where(
            ServiceFunction.service_id == service_id
        )
        return cls(frozenset(session.exec(entities)), frozenset(session.exec(functions)))


def service_state(session: Session, service: Service, links: ServiceLinks) -> dict[str, Any]:
    """The audited fields of a service, with its entities and functions by name."""
    state = {
        name: getattr(service, name)
        for name in ("name", "description", "annual_spend", *INTAKE_FIELDS, "inherent_risk", "tier")
    }
    names = {"entities": [], "business_functions": []}
    if links.entity_ids or links.function_ids:
        # One query for both lists: this runs for every service of a bulk import.
        rows = session.exec(
            union_all(
                select(literal("entities"), Entity.name).where(Entity.id.in_(links.entity_ids)),
                select(literal("business_functions"), BusinessFunction.name).where(
                    BusinessFunction.id.in_(links.function_ids)
                ),
            )
        )
        for key, name in rows:
            names[key].append(name)
    return state | {key: sorted(values) for key, values in names.items()}


def _apply_service(
    session: Session, service: Service, data: ServiceData, stored: ServiceLinks
) -> ServiceLinks:
    result = tier_intake(data.intake)
    service.name, service.description = data.name.strip(), data.description
    # Stored to the cent, so an unchanged amount never shows as a change (1200 vs 1200.00).
    service.annual_spend = None if data.annual_spend is None else data.annual_spend.quantize(CENTS)
    for name, value in asdict(data.intake).items():
        setattr(service, name, value)
    service.inherent_risk, service.tier, service.tier_reason = (
        result.inherent_risk,
        result.tier,
        result.reason,
    )
    session.add(service)
    session.flush()
    wanted = ServiceLinks(frozenset(data.entity_ids), frozenset(data.function_ids))
    _replace_links(
        session, ServiceEntity, "entity_id", service.id, stored.entity_ids, wanted.entity_ids
    )
    _replace_links(
        session,
        ServiceFunction,
        "function_id",
        service.id,
        stored.function_ids,
        wanted.function_ids,
    )
    return wanted


def _replace_links(
    session: Session, model, column: str, service_id: int, stored: frozenset, wanted: frozenset
) -> None:
    for stale in stored - wanted:
        session.delete(session.get(model, (service_id, stale)))
    for new in sorted(wanted - stored):
        session.add(model(service_id=service_id, **{column: new}))
    session.flush()


def save_service(
    session: Session,
    *,
    vendor: Vendor,
    data: ServiceData,
    actor: Actor,
    now: datetime,
    service: Service | None = None,
) -> Service:
    """Create or change a service; its intake is re-tiered and the vendor's tier follows."""
    clash = session.exec(
        select(Service).where(Service.vendor_id == vendor.id, Service.name == data.name.strip())
    ).first()
    if clash and (service is None or clash.id != service.id):
        raise VendorError(f"This vendor already has a service named {data.name!r}.", "name")
    is_new = service is None
    if is_new:
        service = Service(
            vendor_id=vendor.id,
            created_at=now,
            updated_at=now,
            inherent_risk=0,
            tier=0,
            tier_reason="",
            **asdict(data.intake),
            name=data.name,
        )
        stored, before = ServiceLinks(), {}
    else:
        stored = ServiceLinks.stored(session, service.id)
        before = service_state(session, service, stored)
    links = _apply_service(session, service, data, stored)
    changes = diff(before, service_state(session, service, links))
    if changes:
        service.updated_at = now
        session.add(service)
        record_event(
            session,
            actor=actor,
            action="service.created" if is_new else "service.updated",
            object_type="service",
            object_id=service.id,
            object_label=f"{vendor.display_name} / {service.name}",
            vendor_id=vendor.id,
            now=now,
            changes=changes,
        )
    refresh_vendor_tier(session, vendor=vendor, actor=actor, now=now)
    return service


def refresh_vendor_tier(session: Session, *, vendor: Vendor, actor: Actor, now: datetime) -> None:
    """Set the vendor's tier to the highest tier among its services (audited when it moves)."""
    tiers = list(session.exec(select(Service.tier).where(Service.vendor_id == vendor.id)))
    tier = vendor_tier(tiers)
    if tier == vendor.tier:
        return
    before, vendor.tier, vendor.updated_at = vendor.tier, tier, now
    session.add(vendor)
    _audit_vendor(
        session, vendor, "vendor.retiered", actor=actor, now=now, changes={"tier": [before, tier]}
    )
