"""Submitting a questionnaire: what is still missing, the attestation, and the receipt's hash.

The receipt's hash is the SHA-256 (hex) of the UTF-8 bytes of the answers as stored — a JSON
object of question key -> stored value — serialised with sorted keys, no spaces
(separators "," and ":") and non-ASCII characters kept as they are:
`hashlib.sha256(json.dumps(answers, sort_keys=True, separators=(",", ":"),
ensure_ascii=False).encode()).hexdigest()`. The same answers always give the same hash, so a
vendor (or an auditor) can recompute it from an export of the submitted answers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel import Session

from vendordd.alerts.outbox import queue_email
from vendordd.assessments.models import Assessment
from vendordd.assessments.scoring import score_assessment
from vendordd.assessments.services import stored_answers
from vendordd.assessments.workflow import SUBMITTED, check_transition
from vendordd.audit.services import Actor, record_event
from vendordd.auth.magic_links import revoke_links
from vendordd.auth.models import User
from vendordd.concentration.derivation import derive_dependencies
from vendordd.portal.answering import answer_state
from vendordd.portal.progress import Progress
from vendordd.vendors.models import Vendor

SUBMITTED_ACTION = "assessment.submitted"


class SubmissionRefused(ValueError):
    """A submission refused while answers or evidence are missing; `progress` says which."""

    def __init__(self, missing: Progress) -> None:
        count = sum(len(d.missing_answers) + len(d.missing_evidence) for d in missing.domains)
        super().__init__(f"{count} required item(s) are still missing.")
        self.progress = missing


def answers_hash(answers: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of stored answers (see the module docstring)."""
    canonical = json.dumps(answers, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def submit_assessment(
    session: Session,
    *,
    assessment: Assessment,
    attested_name: str,
    attested_title: str,
    statement: str,
    base_url: str,
    now: datetime,
    actor: Actor,
) -> str:
    """Submit the answers under the contact's attestation; returns the receipt's hash.

    Refused (WorkflowError) unless the assessment is with the vendor, and (SubmissionRefused)
    while anything required is missing. Rescores, derives the fourth-party map again, revokes
    every link to the assessment (the submitter's portal session stays, to show the receipt)
    and tells the issuer.
    """
    check_transition(assessment, SUBMITTED)
    found = answer_state(session, assessment=assessment, today=now.date()).progress
    if not found.is_complete:
        raise SubmissionRefused(found)
    digest = answers_hash(stored_answers(session, assessment_id=assessment.id))
    before = assessment.status
    assessment.status, assessment.submitted_at = SUBMITTED, now
    assessment.submission_round += 1
    assessment.submission_hash = digest
    assessment.attested_name, assessment.attested_title = attested_name, attested_title
    assessment.attestation_text = statement
    session.add(assessment)
    session.flush()
    revoke_links(session, assessment_id=assessment.id, now=now)
    vendor = session.get(Vendor, assessment.vendor_id)
    record_event(
        session,
        actor=actor,
        action=SUBMITTED_ACTION,
        object_type="assessment",
        object_id=assessment.id,
        object_label=f"Assessment {assessment.id}",
        vendor_id=vendor.id,
        now=now,
        changes={
            "status": [before, SUBMITTED],
            "submission_round": [assessment.submission_round - 1, assessment.submission_round],
            "submission_hash": digest,
            "attested_by": f"{attested_name}, {attested_title}",
        },
    )
    score_assessment(session, assessment=assessment, now=now, actor=actor)
    derive_dependencies(session, assessment=assessment, now=now, actor=actor)
    _tell_issuer(session, assessment=assessment, vendor=vendor, base_url=base_url, now=now)
    return digest


def _tell_issuer(
    session: Session, *, assessment: Assessment, vendor: Vendor, base_url: str, now: datetime
) -> None:
    issuer = session.get(User, assessment.issued_by_id) if assessment.issued_by_id else None
    if issuer is None:
        return
    again = " again, after clarifications" if assessment.submission_round > 1 else ""
    queue_email(
        session,
        to=issuer.email,
        subject=f"{vendor.display_name} submitted its due diligence questionnaire",
        body="\n".join(
            [
                f"Dear {issuer.name},",
                "",
                f"{vendor.display_name} submitted assessment {assessment.id}{again} on "
                f"{now:%d %B %Y at %H:%M} UTC (round {assessment.submission_round}), attested "
                f"by {assessment.attested_name}, {assessment.attested_title}.",
                "",
                f"Review it at {base_url}/assessments/{assessment.id}",
            ]
        ),
        now=now,
        object_type="assessment",
        object_id=assessment.id,
    )
