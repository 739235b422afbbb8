"""An assessment of the every-type questionnaire, issued to two contacts of one vendor."""

from __future__ import annotations

from dataclasses import dataclass

from tests.conftest import NOW, SYSTEM
from tests.portal.helpers import portal_client_for
from tests.questionnaires.sample_definitions import publish
from tests.questionnaires.xlsx_samples import every_type
from tests.vendors.test_services import make_service, make_vendor
from vendordd.assessments.models import Answer, Assessment
from vendordd.assessments.services import start_assessment
from vendordd.assessments.workflow import SENT
from vendordd.questionnaires.services import find_version
from vendordd.vendors.models import Contact, Vendor
from vendordd.vendors.services import add_contact


@dataclass
class Portal:
    vendor: Vendor
    assessment: Assessment
    contact: Contact
    colleague: Contact


def every_type_data() -> dict:
    """The every-type definition as the YAML a questionnaire file holds."""
    return every_type().model_dump(mode="json", by_alias=True, exclude_none=True)


def issued(db, tmp_path, name: str = "Acme AI Ltd", publish_it: bool = True) -> Portal:
    """A vendor with two contacts and a sent assessment of the every-type questionnaire."""
    if publish_it:
        publish(db, tmp_path / "questionnaires", every_type_data())
    vendor = make_vendor(db, name)
    make_service(db, vendor, tier=1)
    slug = name.split()[0].lower()
    contacts = [
        add_contact(
            db,
            vendor=vendor,
            name=person,
            email=f"{person.split()[0].lower()}@{slug}.example",
            role_title="Security lead",
            actor=SYSTEM,
            now=NOW,
        )
        for person in ("Vera Vendor", "Colin Colleague")
    ]
    version = find_version(db, key="every-type", version="2.1.0")
    assessment = start_assessment(db, vendor=vendor, version=version, now=NOW, actor=SYSTEM)
    assessment.status = SENT
    db.add(assessment)
    db.commit()
    return Portal(vendor, assessment, *contacts)


def sign_in(app, db, portal: Portal, contact: Contact | None = None):
    """A fresh test client in the portal as a contact (the first one by default)."""
    return portal_client_for(app.test_client(), db, contact or portal.contact, portal.assessment)


def stored(db, assessment: Assessment) -> dict:
    """The stored JSON answers, read fresh from the database."""
    db.expire_all()
    rows = db.exec(Answer.__table__.select().where(Answer.assessment_id == assessment.id))
    return {row.question_key: row.value for row in rows}
