"""The attestation statement a vendor signs when submitting a questionnaire (admins word it)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from vendordd.audit.services import Actor
from vendordd.settings.models import Setting
from vendordd.settings.services import store_setting

ATTESTATION_KEY = "attestation_statement"
MAX_STATEMENT = 4000
DEFAULT_STATEMENT = (
    "I confirm that, to the best of my knowledge and after reasonable enquiry, the answers and "
    "evidence in this questionnaire are complete and accurate, and that every use of generative "
    "AI in the services described, including features embedded in other products and models "
    "supplied by third parties, has been disclosed. I am authorised to make this statement on "
    "behalf of the vendor. The vendor will tell the institution promptly of any material change "
    "to these answers, including changes of model, hosting, subprocessors or data location."
)


def attestation_statement(session: Session) -> str:
    """The statement vendors sign now (the default until an admin words one)."""
    setting = session.get(Setting, ATTESTATION_KEY)
    stored = setting.value if setting is not None else None
    return stored if isinstance(stored, str) and stored.strip() else DEFAULT_STATEMENT


def set_attestation_statement(
    session: Session, *, statement: str, actor: Actor, now: datetime
) -> bool:
    """Replace the statement (blank restores the default); True if it changed."""
    statement = statement.strip()
    before = attestation_statement(session)
    after = statement or DEFAULT_STATEMENT
    if before == after:
        return False
    store_setting(
        session,
        key=ATTESTATION_KEY,
        value=statement,
        label="Attestation statement",
        changes={"statement": [before, after]},
        actor=actor,
        now=now,
    )
    return True
