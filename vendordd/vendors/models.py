"""Vendors, their GenAI services with intake and tier, contacts, group entities, functions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Index, Numeric, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from vendordd.dbtypes import UTCDateTime

VENDOR_STATUSES = ("prospect", "onboarding", "active", "offboarded")
STATUS_TRANSITIONS = {
    "prospect": ("onboarding", "offboarded"),
    "onboarding": ("active", "offboarded"),
    "active": ("offboarded",),
    "offboarded": ("onboarding",),
}


class Entity(SQLModel, table=True):
    """A group entity of the institution (e.g. "HK bank — HKMA") and its regimes."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    regimes: list[str] = Field(default_factory=list, sa_type=JSON)
    is_active: bool = Field(default=True)


class BusinessFunction(SQLModel, table=True):
    __tablename__ = "business_function"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    is_active: bool = Field(default=True)


class Vendor(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    legal_name: str = Field(max_length=200)
    legal_name_key: str = Field(max_length=200, unique=True)
    display_name: str = Field(max_length=120, index=True)
    lei: str | None = Field(default=None, max_length=20, unique=True)
    hq_country: str = Field(max_length=2)
    website: str = Field(default="", max_length=300)
    trust_centre_url: str = Field(default="", max_length=300)
    subprocessor_list_url: str = Field(default="", max_length=300)
    status: str = Field(default="prospect", max_length=20, index=True)
    owner_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    notes: str = Field(default="", sa_type=Text)
    tier: int | None = Field(default=None, index=True)
    # Set by each review decision from the tier's cadence; the scheduler reissues from it.
    next_reassessment_on: date | None = Field(default=None, index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class Contact(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True)
    name: str = Field(max_length=120)
    email: str = Field(max_length=254)
    role_title: str = Field(default="", max_length=120)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Service(SQLModel, table=True):
    """A GenAI product or feature the institution uses, with its intake profile and tier."""

    __table_args__ = (
        UniqueConstraint("vendor_id", "name", name="uq_service_vendor_name"),
        # The residual-risk grid's impact per vendor reads this index only.
        Index("ix_service_vendor_impact", "vendor_id", "tier", "discontinuation_impact"),
    )

    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True)
    name: str = Field(max_length=160)
    description: str = Field(default="", sa_type=Text)
    annual_spend: Decimal | None = Field(default=None, sa_type=Numeric(16, 2))
    use_case: str = Field(max_length=40)
    data_class: str = Field(max_length=40)
    critical_function: str = Field(max_length=20)
    reliance: str = Field(max_length=20)
    integration: str = Field(max_length=40)
    autonomy: str = Field(max_length=40)
    users_affected: int = Field(default=0)
    is_public_facing: bool = Field(default=False)
    discontinuation_impact: str = Field(max_length=10)
    rto_hours: int | None = Field(default=None)
    inherent_risk: int
    tier: int = Field(index=True)
    tier_reason: str = Field(max_length=400)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class ServiceEntity(SQLModel, table=True):
    __tablename__ = "service_entity"

    service_id: int = Field(foreign_key="service.id", primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", primary_key=True, index=True)


class ServiceFunction(SQLModel, table=True):
    __tablename__ = "service_function"

    service_id: int = Field(foreign_key="service.id", primary_key=True)
    function_id: int = Field(foreign_key="business_function.id", primary_key=True, index=True)
