"""`vendordd demo`: load the demo book; running it again changes nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, select

from vendordd.assessments.demo import load_demo_assessments
from vendordd.audit.services import Actor
from vendordd.auth.models import Role, User
from vendordd.auth.services import create_user
from vendordd.concentration.services import seed_providers
from vendordd.config import Config
from vendordd.questionnaires.services import PUBLISHED, publish_all
from vendordd.vendors import demo as book
from vendordd.vendors import reference, services
from vendordd.vendors.models import BusinessFunction, Entity, Vendor

DEMO_USERS = {
    Role.ADMIN: ("admin@demo.vendordd.test", "Ada Admin"),
    Role.PROCUREMENT: ("procurement@demo.vendordd.test", "Priya Procurement"),
    Role.RISK: ("risk@demo.vendordd.test", "Rafael Risk"),
    Role.AUDITOR: ("auditor@demo.vendordd.test", "Aiko Auditor"),
}
BOOK_AGE = timedelta(days=120)
STATUS_PATH = {
    "prospect": [],
    "onboarding": ["onboarding"],
    "active": ["onboarding", "active"],
    "offboarded": ["onboarding", "active", "offboarded"],
}


def demo_password(role: Role) -> str:
    return f"demo-{role.value}-2026"


@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        self.add(kind, 1)

    def add(self, kind: str, number: int) -> None:
        if number:
            self.created[kind] = self.created.get(kind, 0) + number

    def summary(self) -> str:
        made = ", ".join(f"{n} {kind}" for kind, n in self.created.items()) or "nothing new"
        logins = "\n".join(
            f"  {role.value:<12} {email}  password: {demo_password(role)}"
            for role, (email, _name) in DEMO_USERS.items()
        )
        return f"Demo data loaded ({made}).\nDemo logins:\n{logins}"


def has_users(session: Session) -> bool:
    """Whether anyone has been set up yet (`make run` loads the demo only when not)."""
    return session.exec(select(User.id).limit(1)).first() is not None


def load_demo(session: Session, *, settings: Config, now: datetime) -> DemoReport:
    """Create whatever part of the demo book is missing; never changes existing rows.

    `settings` are the app's: issuing and the portal need the base URL, link lifetime and
    evidence store (the demo's emails stay in the outbox; nothing here delivers them).
    """
    actor, report = Actor.system("demo"), DemoReport()
    since = now - BOOK_AGE  # the book was set up before the assessments' timeline starts
    report.add("providers", seed_providers(session, now=since, actor=actor))
    report.add(
        "questionnaire versions", publish_all(session, now=since, actor=actor).count(PUBLISHED)
    )
    users = _users(session, actor, since, report)
    entities = _entities(session, actor, since, report)
    functions = _functions(session, actor, since, report)
    owners = [users[Role.PROCUREMENT], users[Role.RISK]]
    for index, (legal, display, country, status, offered) in enumerate(book.VENDORS):
        key = services.legal_name_key(legal)
        if session.exec(select(Vendor).where(Vendor.legal_name_key == key)).first():
            continue
        slug = re.sub(r"[^a-z0-9]+", "", display.lower())
        vendor = services.create_vendor(
            session,
            data=services.VendorData(
                legal_name=legal,
                display_name=display,
                hq_country=country,
                lei=book.demo_lei(legal) if index % 4 else None,
                website=f"https://{slug}.example",
                trust_centre_url=f"https://trust.{slug}.example",
                owner_id=owners[index % 2].id,
            ),
            actor=actor,
            now=since,
        )
        for name, profile, entity_idx, function_idx, spend in offered:
            services.save_service(
                session,
                vendor=vendor,
                actor=actor,
                now=since,
                data=services.ServiceData(
                    name=name,
                    intake=book.PROFILES[profile],
                    description=f"{name}, provided by {display}.",
                    annual_spend=book.spend(spend),
                    entity_ids=[entities[i].id for i in entity_idx],
                    function_ids=[functions[i].id for i in function_idx],
                ),
            )
        services.add_contact(
            session,
            vendor=vendor,
            name=f"{display} Account Team",
            email=f"accounts@{slug}.example",
            role_title="Account manager",
            actor=actor,
            now=since,
        )
        services.add_contact(
            session,
            vendor=vendor,
            name=f"{display} Security Office",
            email=f"security@{slug}.example",
            role_title="CISO office",
            actor=actor,
            now=since,
        )
        for step in STATUS_PATH[status]:
            services.change_status(session, vendor=vendor, status=step, actor=actor, now=since)
        report.count("vendors")
    report.add(
        "assessments",  # issued, answered and decided over the weeks up to now
        load_demo_assessments(session, users=users, settings=settings, now=now),
    )
    return report


def _users(session, actor, now, report) -> dict[Role, User]:
    users = {}
    for role, (email, name) in DEMO_USERS.items():
        user = session.exec(select(User).where(User.email == email)).first()
        if user is None:
            user = create_user(
                session,
                email=email,
                name=name,
                role=role.value,
                password=demo_password(role),
                actor=actor,
                now=now,
            )
            report.count("users")
        users[role] = user
    return users


def _entities(session, actor, now, report) -> list[Entity]:
    rows = []
    for name, regimes in book.ENTITIES.items():
        entity = session.exec(select(Entity).where(Entity.name == name)).first()
        if entity is None:
            entity = reference.save_entity(
                session, name=name, regimes=regimes, is_active=True, actor=actor, now=now
            )
            report.count("entities")
        rows.append(entity)
    return rows


def _functions(session, actor, now, report) -> list[BusinessFunction]:
    rows = []
    for name in book.FUNCTIONS:
        function = session.exec(
            select(BusinessFunction).where(BusinessFunction.name == name)
        ).first()
        if function is None:
            function = reference.save_function(
                session, name=name, is_active=True, actor=actor, now=now
            )
            report.count("business functions")
        rows.append(function)
    return rows
