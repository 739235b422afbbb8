"""The steps the demo's stories are made of: each is a real service, called as its real actor.

Issuing is done by the demo procurement user, answering, uploading and submitting by the
vendor's contact, reviewing and deciding by the demo risk user (the admin is the second pair of
eyes). Each step takes the moment it happens, so the demo book has a believable timeline.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from vendordd.assessments.answering import save_answers
from vendordd.assessments.decisions import decide
from vendordd.assessments.evidence import MB, add_evidence
from vendordd.assessments.issuing import issue_assessment
from vendordd.assessments.models import Assessment, Decision
from vendordd.audit.services import Actor
from vendordd.concentration.services import provider_lookup
from vendordd.config import Config
from vendordd.portal.access import actor_of
from vendordd.portal.answering import answer_state
from vendordd.portal.submission import submit_assessment
from vendordd.questionnaires.answer_files import load_answer_file
from vendordd.questionnaires.answers import parse_answers
from vendordd.questionnaires.models import QuestionnaireVersion
from vendordd.questionnaires.schema import Definition, Question
from vendordd.resources import resource_dir
from vendordd.settings.attestation import attestation_statement
from vendordd.storage import LocalStorage, storage_for
from vendordd.vendors.models import Contact, Vendor
from vendordd.vendors.services import add_contact


@dataclass
class DemoKit:
    """What every story needs: the session, settings, questionnaire, staff and the present."""

    session: Session
    settings: Config
    version: QuestionnaireVersion
    definition: Definition
    procurement: Actor
    risk: Actor
    admin: Actor
    now: datetime
    _files: dict[str, dict[str, Any]] = field(default_factory=dict, init=False, repr=False)

    @property
    def storage(self) -> LocalStorage:
        return storage_for(self.settings)

    def ago(self, days: float) -> datetime:
        """The moment `days` before now (the demo's timeline is relative to when it runs)."""
        return self.now - timedelta(days=days)

    def day(self, days: int) -> date:
        """The date `days` from today (negative: in the past)."""
        return self.now.date() + timedelta(days=days)

    def answers(self, name: str) -> dict[str, Any]:
        """The checked answers of questionnaires/demo/<name>.yaml (read once)."""
        if name not in self._files:
            path = resource_dir("questionnaires") / "demo" / f"{name}.yaml"
            loaded = load_answer_file(path, self.definition, provider_lookup(self.session))
            if loaded.errors:  # the shipped files are tested to load cleanly
                raise ValueError(f"{path.name}: {loaded.errors}")
            self._files[name] = loaded.answers
        return self._files[name]

    def parsed(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Answers written as in an answer file, checked against the questionnaire."""
        answers, errors = parse_answers(self.definition, raw, provider_lookup(self.session))
        if errors:
            raise ValueError(f"demo answers: {errors}")
        return answers


@dataclass
class Issued:
    """An issued assessment and the vendor contact who answers it."""

    assessment: Assessment
    vendor: Vendor
    contact: Contact

    @property
    def actor(self) -> Actor:
        return actor_of(self.contact, self.vendor)


def issue(
    kit: DemoKit, vendor: Vendor, *, days_ago: float, due_in: int, supersede: bool = False
) -> Issued:
    """Issue the questionnaire to every contact of the vendor (adding one if it has none)."""
    contacts = kit.session.exec(
        select(Contact).where(Contact.vendor_id == vendor.id).order_by(Contact.id)
    ).all() or [_add_contact(kit, vendor)]
    at = kit.ago(days_ago)
    assessment = issue_assessment(
        kit.session,
        vendor=vendor,
        version=kit.version,
        due_on=at.date() + timedelta(days=due_in),
        contact_ids=[contact.id for contact in contacts],
        now=at,
        actor=kit.procurement,
        base_url=kit.settings.base_url,
        link_days=kit.settings.magic_link_days,
        supersede=supersede,
    )
    return Issued(assessment, vendor, contacts[-1])


def answer(kit: DemoKit, issued: Issued, answers: dict[str, Any], *, days_ago: float) -> None:
    """The contact saves answers in the portal."""
    save_answers(
        kit.session,
        assessment=issued.assessment,
        answers=answers,
        now=kit.ago(days_ago),
        actor=issued.actor,
    )


def submit(kit: DemoKit, issued: Issued, *, days_ago: float) -> None:
    """Upload a file wherever evidence is still missing, then submit under attestation."""
    at = kit.ago(days_ago)
    found = answer_state(kit.session, assessment=issued.assessment, today=at.date()).progress
    for domain in found.domains:
        unanswered = [q for q in domain.missing_answers if q.type != "evidence"]
        if unanswered:  # a demo story must answer everything it submits
            raise ValueError(f"demo answers miss {[q.key for q in unanswered]}")
        needing = [q for q in domain.missing_answers if q.type == "evidence"]
        for question in needing + list(domain.missing_evidence):
            _upload(kit, issued, question, at)
    submit_assessment(
        kit.session,
        assessment=issued.assessment,
        attested_name=issued.contact.name,
        attested_title=issued.contact.role_title or "Authorised signatory",
        statement=attestation_statement(kit.session),
        base_url=kit.settings.base_url,
        now=at,
        actor=issued.actor,
    )


def decided(
    kit: DemoKit, issued: Issued, outcome: str, rationale: str, *, days_ago: float
) -> Decision:
    """The risk user closes the review (which sets the vendor's next reassessment date)."""
    return decide(
        kit.session,
        assessment=issued.assessment,
        outcome=outcome,
        rationale=rationale,
        now=kit.ago(days_ago),
        actor=kit.risk,
    )


def _upload(kit: DemoKit, issued: Issued, question: Question, at: datetime) -> None:
    what = question.evidence.description if question.evidence else question.text
    name = f"{issued.vendor.display_name} {what}"
    if question.key.startswith("SC-"):  # certificates come as PDF, the rest as text
        filename, content = f"{question.key}-certificates.pdf", _pdf(name)
    else:
        filename = f"{question.key}-{what.lower().replace(' ', '-')[:40]}.txt"
        content = f"{name}\n\nDemo evidence for {question.key}, made by `vendordd demo`.\n"
        content = content.encode()
    add_evidence(
        kit.session,
        storage=kit.storage,
        assessment=issued.assessment,
        question_key=question.key,
        filename=filename,
        stream=io.BytesIO(content),
        effective_on=at.date() - timedelta(days=90),
        expires_on=at.date() + timedelta(days=275),
        max_bytes=kit.settings.evidence_max_mb * MB,
        now=at,
        actor=issued.actor,
    )


def _pdf(title: str) -> bytes:
    """A one-page PDF showing `title` (ASCII), with a correct cross-reference table."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _add_contact(kit: DemoKit, vendor: Vendor) -> Contact:
    slug = "".join(ch for ch in vendor.display_name.lower() if ch.isalnum())
    return add_contact(
        kit.session,
        vendor=vendor,
        name=f"{vendor.display_name} Due Diligence Desk",
        email=f"duediligence@{slug}.example",
        role_title="Vendor risk lead",
        actor=kit.procurement,
        now=kit.ago(120),
    )
