"""An assessment's scope: what about the vendor decides which questions apply and how they score.

The vendor's services are combined worst case first: the vendor's tier (its highest-risk
service), every regime of every entity that uses one of its services, the most sensitive data
class, the riskiest use case, and whether any service supports a critical or important function.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, select

from vendordd.vendors.intake import DATA_CLASSES, REGIMES, USE_CASES
from vendordd.vendors.models import Entity, Service, ServiceEntity

# Vocabularies are listed from least to most sensitive or risky.
DATA_CLASS_RANK = {code: rank for rank, code in enumerate(DATA_CLASSES)}
USE_CASE_RANK = {code: rank for rank, code in enumerate(USE_CASES)}


@dataclass(frozen=True)
class Scope:
    tier: str
    regimes: tuple[str, ...]
    data_class: str
    use_case: str
    is_critical: bool


def combine_scope(services: Iterable[Service], regimes: Iterable[str]) -> Scope | None:
    """The worst case across a vendor's services; None when it has no service yet."""
    services = list(services)
    if not services:
        return None
    return Scope(
        tier=f"T{min(service.tier for service in services)}",
        regimes=tuple(regime for regime in REGIMES if regime in set(regimes)),
        data_class=max((s.data_class for s in services), key=DATA_CLASS_RANK.__getitem__),
        use_case=max((s.use_case for s in services), key=USE_CASE_RANK.__getitem__),
        is_critical=any(service.critical_function == "yes" for service in services),
    )


def vendor_scope(session: Session, *, vendor_id: int) -> Scope | None:
    """The scope an assessment issued to this vendor now would have."""
    services = session.exec(select(Service).where(Service.vendor_id == vendor_id)).all()
    entity_regimes = session.exec(
        select(Entity.regimes)
        .join(ServiceEntity, ServiceEntity.entity_id == Entity.id)
        .join(Service, Service.id == ServiceEntity.service_id)
        .where(Service.vendor_id == vendor_id)
    ).all()
    return combine_scope(services, {regime for regimes in entity_regimes for regime in regimes})
