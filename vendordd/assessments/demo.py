"""Demo assessments: demo vendors at every step of the workflow, made by the real services.

Every audit event, answer revision, magic link, email (left in the outbox), score and decision
is what the product itself produces; the stories are in demo_stories.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session, select

from vendordd.assessments import demo_stories as story
from vendordd.assessments.demo_steps import DemoKit
from vendordd.assessments.models import Assessment
from vendordd.auth.models import Role, User
from vendordd.auth.services import actor_for
from vendordd.config import Config
from vendordd.questionnaires.services import definition_of, latest_version
from vendordd.vendors.models import Vendor
from vendordd.vendors.services import legal_name_key

STANDARD = "genai-due-diligence"
# Demo vendor -> its story. The four answer files: strong (Harbourlight), weak (Cobaltreed),
# knockouts (Tessellate) and no-genai (Northwind Prose).
STORIES: dict[str, Callable[[DemoKit, Vendor], int]] = {
    "Quartzline Advisory Tech Ltd": story.draft,
    "Lumenforge AI Limited": story.sent,
    "Quillstone Analytics Pte. Ltd.": story.in_progress,
    "Veridian Loop GmbH": story.overdue,
    "Cobaltreed Systems Inc.": story.awaiting_review,
    "Saffron Ledger Technologies Pte. Ltd.": story.clarification,
    "Harbourlight Intelligence Ltd": story.approved("strong", days_ago=44),
    "Northwind Prose Ltd": story.approved("no-genai", story.NO_GENAI_GAPS, days_ago=26),
    "Kestrel Harbor AI Corp.": story.with_conditions,
    "Brightmoor Compliance AI BV": story.rejected,
    "Tessellate Claims AI Ltd": story.knockouts(approve=True),
    "Jadeite Robotics Process Ltd": story.knockouts(approve=False),
    "Orchid Lattice Co., Ltd.": story.superseded,
    "Nimbus Thicket Ltd": story.cancelled,
}


def load_demo_assessments(
    session: Session, *, users: dict[Role, User], settings: Config, now: datetime
) -> int:
    """Tell each story above whose vendor has no assessment yet; returns how many were made."""
    version = latest_version(session, STANDARD)
    if version is None:
        raise LookupError(f"{STANDARD} is not published; publish the questionnaires first")
    vendors = session.exec(
        select(Vendor).where(Vendor.legal_name_key.in_([legal_name_key(n) for n in STORIES]))
    ).all()
    assessed = set(session.exec(select(Assessment.vendor_id).distinct()).all())
    kit = DemoKit(
        session=session,
        settings=settings,
        version=version,
        definition=definition_of(version),
        procurement=actor_for(users[Role.PROCUREMENT]),
        risk=actor_for(users[Role.RISK]),
        admin=actor_for(users[Role.ADMIN]),
        now=now,
    )
    by_key = {vendor.legal_name_key: vendor for vendor in vendors}
    made = 0
    for name, tell in STORIES.items():
        vendor = by_key.get(legal_name_key(name))
        if vendor is not None and vendor.id not in assessed:
            made += tell(kit, vendor)
    return made
