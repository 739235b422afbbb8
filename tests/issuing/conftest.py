"""A vendor in scope (tier T4) with two contacts, another vendor's contact, and a version."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from tests.conftest import NOW
from tests.questionnaires.sample_definitions import mini, publish
from tests.vendors.test_services import make_service, make_vendor
from vendordd.alerts.models import OutboxMessage
from vendordd.assessments import issuing
from vendordd.assessments.models import Assessment
from vendordd.audit.services import Actor
from vendordd.auth.services import actor_for
from vendordd.questionnaires.models import QuestionnaireVersion
from vendordd.questionnaires.services import find_version
from vendordd.vendors.models import Contact, Vendor
from vendordd.vendors.services import add_contact

BASE_URL = "https://dd.bank.example"
DUE = date(2026, 12, 2)
LINK = re.compile(r"https://dd\.bank\.example/portal/enter/(\S+)")


@dataclass
class Book:
    vendor: Vendor
    mei: Contact
    raj: Contact
    stranger: Contact  # a contact of another vendor
    version: QuestionnaireVersion
    actor: Actor
    user_id: int


def contact(db, vendor: Vendor, name: str, email: str) -> Contact:
    return add_contact(
        db, vendor=vendor, name=name, email=email, role_title="", actor=Actor.system(), now=NOW
    )


@pytest.fixture
def book(db, tmp_path, make_user) -> Book:
    publish(db, tmp_path / "questionnaires", mini())
    vendor = make_vendor(db)
    make_service(db, vendor, tier=4)
    other = make_vendor(db, "Other Corp")
    user = make_user("procurement")
    found = Book(
        vendor=vendor,
        mei=contact(db, vendor, "Mei Chan", "mei@acme.example"),
        raj=contact(db, vendor, "Raj Patel", "raj@acme.example"),
        stranger=contact(db, other, "Olga Other", "olga@other.example"),
        version=find_version(db, key="mini", version="1.0.0"),
        actor=actor_for(user),
        user_id=user.id,
    )
    db.commit()
    return found


def issue(db, book: Book, *, now=NOW, contacts=None, **changes) -> Assessment:
    """Issue to the book's vendor (both its contacts, due DUE) with any argument changed."""
    arguments = {
        "vendor": book.vendor,
        "version": book.version,
        "due_on": DUE,
        "contact_ids": [c.id for c in contacts or (book.mei, book.raj)],
        "now": now,
        "actor": book.actor,
        "base_url": BASE_URL,
        "link_days": 14,
    } | changes
    return issuing.issue_assessment(db, **arguments)


def tokens(messages: list[OutboxMessage]) -> dict[str, str]:
    """The magic-link token in each message, by recipient."""
    return {m.recipient: LINK.search(m.body).group(1) for m in messages}


LATER = NOW + timedelta(days=3)
