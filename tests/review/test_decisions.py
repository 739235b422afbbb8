"""Findings, four-eyes risk acceptance and decisions, with the next reassessment date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.conftest import NOW
from tests.questionnaires.sample_definitions import mini, publish
from tests.review.helpers import submitted_assessment
from tests.vendors.test_services import events
from vendordd.assessments.cadence import REASSESSMENT_MONTHS, next_reassessment
from vendordd.assessments.decisions import (
    APPROVED,
    REJECTED,
    WITH_CONDITIONS,
    approve_acceptance,
    decide,
    record_acceptance,
)
from vendordd.assessments.findings import raise_finding, update_finding
from vendordd.assessments.models import Decision, Finding
from vendordd.assessments.review import ReviewError
from vendordd.assessments.workflow import WorkflowError
from vendordd.auth.services import actor_for
from vendordd.vendors.models import Vendor

LATER = NOW + timedelta(days=1)
NEXT_YEAR = date(2027, 6, 30)


@pytest.fixture
def questionnaire(db, tmp_path):
    publish(db, tmp_path / "questionnaires", mini())


@pytest.fixture
def blocked(db, questionnaire):
    assessment = submitted_assessment(db)
    assert [hit[0] for hit in assessment.score["knockouts"]] == ["DR-01"]
    return assessment


@pytest.fixture
def clear(db, questionnaire):
    assessment = submitted_assessment(db, knockout=False)
    assert assessment.score["knockouts"] == []
    return assessment


@pytest.fixture
def people(make_user):
    first = make_user("risk", email="ann@bank.example", name="Ann")
    second = make_user("risk", email="bo@bank.example", name="Bo")
    admin = make_user("admin", email="cy@bank.example", name="Cy")
    return actor_for(first), actor_for(second), actor_for(admin)


def _accept(db, assessment, actor, expires_on=NEXT_YEAR, now=NOW):
    return record_acceptance(
        db,
        assessment=assessment,
        justification="Only test data in HK for a pilot.",
        compensating_controls="Encryption with bank-held keys.",
        expires_on=expires_on,
        now=now,
        actor=actor,
    )


def _finding(db, assessment, actor, due_on=NEXT_YEAR, **changes):
    values = {
        "severity": "high",
        "description": "Data held in HK only.",
        "remediation": "Add an SG region.",
        "owner_id": actor.id,
        "due_on": due_on,
    } | changes
    return raise_finding(
        db, assessment=assessment, question_key="DR-01", now=NOW, actor=actor, **values
    )


def test_a_knockout_blocks_approval_without_an_acceptance(db, blocked, people):
    for outcome in (APPROVED, WITH_CONDITIONS):
        with pytest.raises(ReviewError, match="Blocked by 1 knockout: approval needs a risk"):
            decide(
                db, assessment=blocked, outcome=outcome, rationale="OK", now=NOW, actor=people[0]
            )
    assert blocked.status == "submitted"
    assert db.exec(select(Decision)).all() == []


def test_self_approval_of_a_risk_acceptance_is_refused(db, blocked, people):
    ann = people[0]
    acceptance = _accept(db, blocked, ann)
    with pytest.raises(ReviewError, match="Four eyes: a risk acceptance must be approved by"):
        approve_acceptance(db, acceptance=acceptance, now=NOW, actor=ann)
    assert acceptance.approved_at is None
    with pytest.raises(ReviewError, match="Blocked by 1 knockout"):
        decide(db, assessment=blocked, outcome=APPROVED, rationale="OK", now=NOW, actor=ann)


def test_an_approved_acceptance_unblocks_approval_and_is_linked(db, blocked, people):
    ann, bo, _admin = people
    acceptance = _accept(db, blocked, ann)
    approve_acceptance(db, acceptance=acceptance, now=NOW, actor=bo)

    decision = decide(
        db, assessment=blocked, outcome=APPROVED, rationale="Accepted risk.", now=LATER, actor=ann
    )

    assert decision.risk_acceptance_id == acceptance.id
    assert acceptance.knockouts == [["DR-01", "Data is stored outside the allowed countries."]]
    assert (acceptance.requested_by_id, acceptance.approved_by_id) == (ann.id, bo.id)
    [recorded] = events(db, "risk_acceptance.recorded")
    assert recorded.changes["knockouts"] == acceptance.knockouts
    [approved] = events(db, "risk_acceptance.approved")
    assert approved.actor_id == bo.id


def test_an_admin_may_approve_as_the_second_pair_of_eyes(db, blocked, people):
    ann, _bo, admin = people
    acceptance = approve_acceptance(db, acceptance=_accept(db, blocked, ann), now=NOW, actor=admin)
    assert acceptance.approved_by_id == admin.id


def test_an_expired_acceptance_no_longer_unblocks(db, blocked, people):
    ann, bo, _admin = people
    approve_acceptance(db, acceptance=_accept(db, blocked, ann, LATER.date()), now=NOW, actor=bo)
    with pytest.raises(ReviewError, match="Blocked by 1 knockout"):
        decide(db, assessment=blocked, outcome=APPROVED, rationale="OK", now=LATER, actor=ann)


@pytest.mark.parametrize(
    ("changes", "refusal"),
    [
        ({"expires_on": NOW.date()}, "expiry date in the future"),
        ({"expires_on": None}, "expiry date in the future"),
        ({"justification": " "}, "Write the justification"),
        ({"compensating_controls": ""}, "Write the compensating controls"),
    ],
)
def test_an_acceptance_needs_justification_controls_and_a_future_expiry(
    db, blocked, people, changes, refusal
):
    values = {
        "justification": "Pilot.",
        "compensating_controls": "Keys.",
        "expires_on": NEXT_YEAR,
    } | changes
    with pytest.raises(ReviewError, match=refusal):
        record_acceptance(db, assessment=blocked, now=NOW, actor=people[0], **values)


def test_an_acceptance_needs_a_knockout(db, clear, people):
    with pytest.raises(ReviewError, match="no knockout to accept"):
        _accept(db, clear, people[0])


def test_an_acceptance_is_recorded_once(db, blocked, people):
    _accept(db, blocked, people[0])
    with pytest.raises(ReviewError, match="already recorded"):
        _accept(db, blocked, people[1])


def test_approve_with_conditions_needs_an_open_finding_with_a_due_date(db, clear, people):
    ann = people[0]
    with pytest.raises(ReviewError, match="needs at least one open finding with a due date"):
        decide(db, assessment=clear, outcome=WITH_CONDITIONS, rationale="OK", now=NOW, actor=ann)
    finding = _finding(db, clear, ann, due_on=None)
    with pytest.raises(ReviewError, match="needs at least one open finding with a due date"):
        decide(db, assessment=clear, outcome=WITH_CONDITIONS, rationale="OK", now=NOW, actor=ann)
    update_finding(
        db,
        finding=finding,
        status="resolved",
        owner_id=ann.id,
        due_on=NEXT_YEAR,
        now=NOW,
        actor=ann,
    )
    with pytest.raises(ReviewError, match="needs at least one open finding with a due date"):
        decide(db, assessment=clear, outcome=WITH_CONDITIONS, rationale="OK", now=NOW, actor=ann)
    update_finding(
        db,
        finding=finding,
        status="vendor_committed",
        owner_id=ann.id,
        due_on=NEXT_YEAR,
        now=NOW,
        actor=ann,
    )

    decision = decide(
        db, assessment=clear, outcome=WITH_CONDITIONS, rationale="Fix DR-01.", now=NOW, actor=ann
    )
    assert decision.outcome == "approved_with_conditions"
    assert [e.changes["status"] for e in events(db, "finding.updated")] == [
        ["open", "resolved"],
        ["resolved", "vendor_committed"],
    ]


def test_a_decision_stores_the_score_and_sets_the_next_reassessment(db, clear, people):
    decision = decide(
        db, assessment=clear, outcome=REJECTED, rationale="Not for us.", now=NOW, actor=people[0]
    )
    db.commit()

    vendor = db.get(Vendor, clear.vendor_id)
    assert (clear.status, clear.decided_at) == ("decided", NOW)
    assert decision.score_snapshot == clear.score
    assert decision.score_percent == clear.score_percent
    assert decision.residual_rating == clear.score["residual_rating"]
    assert decision.next_reassessment_on == vendor.next_reassessment_on == date(2027, 11, 2)
    [event] = events(db, "assessment.decided")
    assert event.changes["outcome"] == "rejected"
    assert event.changes["next_reassessment_on"] == [None, "2027-11-02"]


def test_a_rejection_needs_no_acceptance_but_a_rationale(db, blocked, people):
    with pytest.raises(ReviewError, match="Write the rationale"):
        decide(db, assessment=blocked, outcome=REJECTED, rationale=" ", now=NOW, actor=people[0])
    decision = decide(
        db, assessment=blocked, outcome=REJECTED, rationale="KO.", now=NOW, actor=people[0]
    )
    assert decision.risk_acceptance_id is None


@pytest.mark.parametrize("status", ["in_progress", "clarification", "decided", "cancelled"])
def test_deciding_needs_a_submitted_assessment(db, clear, people, status):
    clear.status = status
    with pytest.raises(WorkflowError, match="it cannot become decided"):
        decide(db, assessment=clear, outcome=REJECTED, rationale="No.", now=NOW, actor=people[0])


@pytest.mark.parametrize(
    ("tier", "expected"),
    [(1, "2027-11-02"), (2, "2027-11-02"), (3, "2028-11-02"), (4, "2029-11-02")],
)
def test_the_next_reassessment_follows_the_vendors_tier(db, questionnaire, people, tier, expected):
    assessment = submitted_assessment(db, tier=tier, knockout=False)
    decide(db, assessment=assessment, outcome=REJECTED, rationale="No.", now=NOW, actor=people[0])
    assert db.get(Vendor, assessment.vendor_id).next_reassessment_on.isoformat() == expected


def test_cadence_months_and_month_ends():
    assert REASSESSMENT_MONTHS == {"T1": 12, "T2": 12, "T3": 24, "T4": 36}
    assert next_reassessment(tier="T1", decided_on=date(2028, 2, 29)) == date(2029, 2, 28)
    assert next_reassessment(tier="T3", decided_on=date(2026, 12, 31)) == date(2028, 12, 31)


def test_findings_are_raised_audited_and_checked(db, clear, people, make_user):
    ann = people[0]
    finding = _finding(db, clear, ann)
    assert (finding.status, finding.vendor_id, finding.created_by_id) == (
        "open",
        clear.vendor_id,
        ann.id,
    )
    [event] = events(db, "finding.raised")
    assert event.changes["severity"] == [None, "high"]
    procurement = make_user("procurement")
    for changes, refusal in (
        ({"severity": "grave"}, "Choose a severity"),
        ({"description": " "}, "Describe the finding"),
        ({"owner_id": procurement.id}, "owner must be an active risk or admin user"),
        ({"due_on": NOW.date() - timedelta(days=1)}, "is in the past"),
    ):
        with pytest.raises(ReviewError, match=refusal):
            _finding(db, clear, ann, **changes)
    assert len(db.exec(select(Finding)).all()) == 1


def test_findings_are_raised_only_during_review(db, clear, people):
    clear.status = "decided"
    with pytest.raises(ReviewError, match="findings are raised during review"):
        _finding(db, clear, people[0])


def test_an_acceptance_must_cover_the_knockouts_of_today(db, blocked, people):
    ann, bo, _admin = people
    earlier = approve_acceptance(db, acceptance=_accept(db, blocked, ann), now=NOW, actor=bo)
    earlier.knockouts = [["EG-01", "A knockout that a resubmission cleared."]]

    with pytest.raises(ReviewError, match="does not cover the knockouts on DR-01"):
        decide(db, assessment=blocked, outcome=APPROVED, rationale="OK", now=NOW, actor=ann)
    renewed = _accept(db, blocked, ann, now=LATER)
    assert earlier.withdrawn_at == LATER and renewed.approved_at is None
    [event] = events(db, "risk_acceptance.recorded")[1:]
    assert event.changes["withdrawn_id"] == earlier.id
