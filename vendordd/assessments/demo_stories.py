"""One story per demo vendor: how far its assessment got, told through the real services.

Each story takes the demo kit and the vendor and returns how many assessments it made. Days
are counted back from when the demo runs, so due dates and overdue work out the same each time.
"""

from __future__ import annotations

from vendordd.assessments.decisions import (
    APPROVED,
    REJECTED,
    WITH_CONDITIONS,
    approve_acceptance,
    record_acceptance,
)
from vendordd.assessments.demo_steps import DemoKit, Issued, answer, decided, issue, submit
from vendordd.assessments.findings import raise_finding
from vendordd.assessments.issuing import cancel_assessment, send_reminders
from vendordd.assessments.returning import return_to_vendor
from vendordd.assessments.review import (
    accept_question,
    reply_to_clarification,
    request_clarification,
)
from vendordd.assessments.services import start_assessment
from vendordd.vendors.models import Vendor

# Required answers the weak and no-GenAI files leave blank, as those vendors give them when
# the portal insists before submission (for the weak vendors, mostly more red flags; each
# is asked only where the vendor's scope asks it).
WEAK_GAPS = {
    "IP-07": "no",
    "EX-03": "no",
    "BC-04": "no",
    "RG-01a": "transparency",
    "RG-02": "no",
    "RG-06": "no",
    "DR-08": "no",
    "RG-05": "no",
}
NO_GENAI_GAPS = {"RG-04": "yes"}


def draft(kit: DemoKit, vendor: Vendor) -> int:
    """Procurement prepared the questionnaire but has not sent it."""
    start_assessment(
        kit.session, vendor=vendor, version=kit.version, now=kit.ago(1), actor=kit.procurement
    )
    return 1


def sent(kit: DemoKit, vendor: Vendor) -> int:
    """Sent two days ago; nobody at the vendor has opened it yet."""
    issue(kit, vendor, days_ago=2, due_in=28)
    return 1


def in_progress(kit: DemoKit, vendor: Vendor) -> int:
    """The vendor has answered the first part and is working on the rest."""
    issued = issue(kit, vendor, days_ago=12, due_in=30)
    answer(kit, issued, _part(kit.answers("strong"), 25), days_ago=3)
    return 1


def overdue(kit: DemoKit, vendor: Vendor) -> int:
    """Sent eight weeks ago, due three weeks ago, a third answered; reminded yesterday."""
    issued = issue(kit, vendor, days_ago=56, due_in=35)
    answer(kit, issued, _part(kit.answers("strong"), 30), days_ago=40)
    _remind(kit, issued, days_ago=1)
    return 1


def awaiting_review(kit: DemoKit, vendor: Vendor) -> int:
    """Weak answers submitted four days ago: many red flags wait in the review queue."""
    issued = issue(kit, vendor, days_ago=25, due_in=28)
    answer(kit, issued, kit.answers("weak") | kit.parsed(WEAK_GAPS), days_ago=6)
    submit(kit, issued, days_ago=4)
    return 1


def clarification(kit: DemoKit, vendor: Vendor) -> int:
    """Returned with two clarifications; the vendor has replied in one thread."""
    issued = issue(kit, vendor, days_ago=30, due_in=40)
    answer(kit, issued, kit.answers("strong"), days_ago=16)
    submit(kit, issued, days_ago=14)
    asks = {
        "SP-01": "Your list names the model providers but not their hosting regions. "
        "Please add where each subprocessor processes our data.",
        "DR-02": "Please confirm whether support staff outside these countries can see "
        "prompts or outputs, and under which controls.",
    }
    for key, message in asks.items():
        request_clarification(
            kit.session,
            assessment=issued.assessment,
            question_key=key,
            message=message,
            now=kit.ago(10),
            actor=kit.risk,
        )
    return_to_vendor(
        kit.session,
        assessment=issued.assessment,
        base_url=kit.settings.base_url,
        days=kit.settings.magic_link_days,
        now=kit.ago(10),
        actor=kit.risk,
    )
    reply_to_clarification(
        kit.session,
        assessment=issued.assessment,
        question_key="SP-01",
        message="Understood: our DPO is adding the hosting regions; an updated list follows "
        "this week.",
        now=kit.ago(3),
        actor=issued.actor,
    )
    return 1


def approved(answers: str, gaps: dict[str, str] | None = None, *, days_ago: int):
    """A clean pass: submitted `days_ago`, its evidence accepted, approved a week later."""

    def story(kit: DemoKit, vendor: Vendor) -> int:
        issued = _submitted(kit, vendor, answers, gaps, days_ago=days_ago)
        for key in ("SP-01", "SC-01"):
            accept_question(
                kit.session,
                assessment=issued.assessment,
                question_key=key,
                now=kit.ago(days_ago - 6),
                actor=kit.risk,
            )
        rationale = "Controls meet our standard; no findings."
        decided(kit, issued, APPROVED, rationale, days_ago=days_ago - 7)
        return 1

    return story


def with_conditions(kit: DemoKit, vendor: Vendor) -> int:
    """Approved on condition that a finding is remediated by its due date."""
    issued = _submitted(kit, vendor, "strong", None, days_ago=35)
    raise_finding(
        kit.session,
        assessment=issued.assessment,
        question_key="SC-01",
        severity="medium",
        description="The ISO 42001 certificate does not cover the support bot's hosting region.",
        remediation="Extend the certificate's scope or give a bridge letter from the auditor.",
        owner_id=kit.risk.id,
        due_on=kit.day(60),
        now=kit.ago(30),
        actor=kit.risk,
    )
    decided(
        kit,
        issued,
        WITH_CONDITIONS,
        "Acceptable once the certification scope gap is closed (see the finding).",
        days_ago=29,
    )
    return 1


def rejected(kit: DemoKit, vendor: Vendor) -> int:
    """Weak answers, rejected."""
    issued = _submitted(kit, vendor, "weak", WEAK_GAPS, days_ago=60)
    decided(
        kit,
        issued,
        REJECTED,
        "No DORA contract clauses, partial subprocessor list, no resilience testing.",
        days_ago=52,
    )
    return 1


def knockouts(*, approve: bool):
    """Knockouts accepted under four eyes: approved then (or still awaiting the second pair)."""

    def story(kit: DemoKit, vendor: Vendor) -> int:
        submitted_ago, recorded_ago = (30, 24) if approve else (6, 2)
        issued = _submitted(kit, vendor, "knockouts", None, days_ago=submitted_ago)
        acceptance = record_acceptance(
            kit.session,
            assessment=issued.assessment,
            justification="Claims triage stays advisory: a handler decides every claim.",
            compensating_controls="Training on our data disabled by contract addendum; "
            "quarterly output sampling by the claims quality team.",
            expires_on=kit.day(335),
            now=kit.ago(recorded_ago),
            actor=kit.risk,
        )
        if approve:
            approve_acceptance(kit.session, acceptance=acceptance, now=kit.ago(23), actor=kit.admin)
            decided(kit, issued, APPROVED, "Approved under the risk acceptance.", days_ago=22)
        return 1

    return story


def superseded(kit: DemoKit, vendor: Vendor) -> int:
    """The first questionnaire was superseded by a new one, now with the vendor."""
    first = issue(kit, vendor, days_ago=30, due_in=30)
    answer(kit, first, _part(kit.answers("strong"), 10), days_ago=25)
    issue(kit, vendor, days_ago=9, due_in=30, supersede=True)
    return 2


def cancelled(kit: DemoKit, vendor: Vendor) -> int:
    """Cancelled when the service was offboarded."""
    issued = issue(kit, vendor, days_ago=80, due_in=30)
    cancel_assessment(
        kit.session,
        assessment=issued.assessment,
        reason="The chat widget was switched off; the service is being offboarded.",
        now=kit.ago(70),
        actor=kit.procurement,
    )
    return 1


def _submitted(kit, vendor, answers, gaps, *, days_ago: float) -> Issued:
    issued = issue(kit, vendor, days_ago=days_ago + 14, due_in=28)
    extra = kit.parsed(gaps) if gaps else {}
    answer(kit, issued, kit.answers(answers) | extra, days_ago=days_ago + 3)
    submit(kit, issued, days_ago=days_ago)
    return issued


def _part(answers: dict, count: int) -> dict:
    return dict(list(answers.items())[:count])


def _remind(kit: DemoKit, issued: Issued, *, days_ago: float) -> None:
    send_reminders(
        kit.session,
        assessment=issued.assessment,
        now=kit.ago(days_ago),
        actor=kit.procurement,
        base_url=kit.settings.base_url,
        link_days=kit.settings.magic_link_days,
    )
