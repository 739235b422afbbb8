"""`vendordd demo` loads a realistic book once; a second run changes nothing."""

from collections import Counter

from sqlalchemy import func
from sqlmodel import select

from tests.conftest import sign_in
from vendordd.alerts.models import OutboxMessage
from vendordd.assessments.models import (
    AnswerRevision,
    Assessment,
    Decision,
    Evidence,
    Finding,
    RiskAcceptance,
)
from vendordd.assessments.review import message_threads, open_clarifications
from vendordd.assessments.workflow import pipeline_status
from vendordd.audit.models import AuditEvent
from vendordd.auth.models import Role, User
from vendordd.dbtypes import utcnow
from vendordd.demo import DEMO_USERS, demo_password
from vendordd.vendors.models import Contact, Service, Vendor
from vendordd.vendors.validation import lei_problem


def _counts(db):
    return {
        model.__name__: db.exec(select(func.count()).select_from(model)).one()
        for model in (
            User,
            Vendor,
            Service,
            Contact,
            AuditEvent,
            Assessment,
            AnswerRevision,
            Evidence,
            OutboxMessage,
        )
    }


def test_demo_is_idempotent_and_prints_logins(runner, db):
    first = runner.invoke(args=["vendordd", "demo"])
    assert first.exit_code == 0, first.output
    for role, (email, _name) in DEMO_USERS.items():
        assert f"{email}  password: {demo_password(role)}" in first.output
    loaded = _counts(db)
    assert loaded["Vendor"] == 40
    assert loaded["User"] == 4
    assert loaded["Assessment"] == 15
    assert "40 vendors, 15 assessments)" in first.output

    second = runner.invoke(args=["vendordd", "demo"])
    assert second.exit_code == 0, second.output
    assert "nothing new" in second.output
    assert _counts(db) == loaded


def test_demo_book_spans_tiers_statuses_and_entities(runner, db):
    assert runner.invoke(args=["vendordd", "demo"]).exit_code == 0
    vendors = db.exec(select(Vendor)).all()
    assert Counter(v.tier for v in vendors).keys() == {1, 2, 3, 4, None}
    assert set(Counter(v.status for v in vendors)) == {
        "prospect",
        "onboarding",
        "active",
        "offboarded",
    }
    assert all(lei_problem(v.lei) is None for v in vendors if v.lei)
    assert all(v.lei.startswith("DEMO") for v in vendors if v.lei)


def test_demo_users_can_log_in(runner, auth):
    assert runner.invoke(args=["vendordd", "demo"]).exit_code == 0
    for role, (email, _name) in DEMO_USERS.items():
        assert auth.login(email, demo_password(role)).status_code == 302
        auth.logout()


def test_if_empty_leaves_a_database_with_users_alone(runner, make_user, db):
    make_user("admin")
    result = runner.invoke(args=["vendordd", "demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "demo data not loaded" in result.output
    assert db.exec(select(func.count()).select_from(Vendor)).one() == 0


def test_if_empty_loads_a_fresh_database(runner, db):
    result = runner.invoke(args=["vendordd", "demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert db.exec(select(func.count()).select_from(Vendor)).one() == 40


def _latest(db):
    """Each demo vendor's latest assessment, by display name."""
    rows = db.exec(
        select(Assessment, Vendor)
        .join(Vendor, Vendor.id == Assessment.vendor_id)
        .order_by(Assessment.id)
    )
    return {vendor.display_name: assessment for assessment, vendor in rows}


def test_demo_assessments_stand_at_every_step_of_the_workflow(runner, db):
    assert runner.invoke(args=["vendordd", "demo"]).exit_code == 0
    found = _latest(db)
    today = utcnow().date()

    shown = {name: pipeline_status(a, today=today) for name, a in found.items()}
    assert shown == {
        "Quartzline": "draft",
        "Lumenforge": "sent",
        "Quillstone": "in_progress",
        "Veridian Loop": "overdue",
        "Cobaltreed": "submitted",
        "Saffron Ledger": "clarification",
        "Harbourlight": "decided",
        "Northwind Prose": "decided",
        "Kestrel Harbor": "decided",
        "Brightmoor": "decided",
        "Tessellate": "decided",
        "Jadeite RPA": "submitted",
        "Orchid Lattice": "sent",
        "Nimbus Thicket": "cancelled",
    }
    decisions = {d.assessment_id: d for d in db.exec(select(Decision)).all()}
    outcomes = {name: decisions[a.id].outcome for name, a in found.items() if a.id in decisions}
    assert outcomes == {
        "Harbourlight": "approved",
        "Northwind Prose": "approved",
        "Kestrel Harbor": "approved_with_conditions",
        "Brightmoor": "rejected",
        "Tessellate": "approved",
    }
    for name in outcomes:
        vendor = db.get(Vendor, found[name].vendor_id)
        assert vendor.next_reassessment_on == decisions[found[name].id].next_reassessment_on
        assert vendor.next_reassessment_on > today
    # Every step happened in order, before now.
    for assessment in found.values():
        steps = [assessment.created_at, assessment.issued_at, assessment.submitted_at]
        steps += [assessment.decided_at]
        dated = [step for step in steps if step is not None]
        assert dated == sorted(dated) and dated[-1] < utcnow()


def test_demo_scores_show_knockouts_red_flags_and_a_clean_pass(runner, db):
    assert runner.invoke(args=["vendordd", "demo"]).exit_code == 0
    found = _latest(db)

    strong, weak = found["Harbourlight"].score, found["Cobaltreed"].score
    assert found["Harbourlight"].outcome == "clear"
    assert strong["knockouts"] == [] and strong["red_flags"] == []
    assert found["Harbourlight"].score_percent > 90
    assert weak["knockouts"] == [] and len(weak["red_flags"]) >= 20
    assert found["Tessellate"].outcome == found["Jadeite RPA"].outcome == "blocked"
    assert any(question == "TR-01" for question, _ in found["Tessellate"].score["knockouts"])
    # Submitted answers carry their evidence files, kept in the evidence store.
    files = db.exec(select(Evidence).where(Evidence.assessment_id == found["Harbourlight"].id))
    assert {"SC-01-certificates.pdf"} <= {row.filename for row in files}


def test_demo_knockouts_are_accepted_by_four_eyes(runner, db):
    assert runner.invoke(args=["vendordd", "demo"]).exit_code == 0
    found = _latest(db)
    users = {
        role: db.exec(select(User).where(User.email == email)).one()
        for role, (email, _name) in DEMO_USERS.items()
    }

    approved = db.exec(
        select(RiskAcceptance).where(RiskAcceptance.assessment_id == found["Tessellate"].id)
    ).one()
    assert approved.requested_by_id == users[Role.RISK].id
    assert approved.approved_by_id == users[Role.ADMIN].id
    decision = db.exec(select(Decision).where(Decision.assessment_id == approved.assessment_id))
    assert decision.one().risk_acceptance_id == approved.id
    pending = db.exec(
        select(RiskAcceptance).where(RiskAcceptance.assessment_id == found["Jadeite RPA"].id)
    ).one()
    assert pending.approved_at is None


def test_demo_clarifications_findings_and_superseding(runner, db):
    assert runner.invoke(args=["vendordd", "demo"]).exit_code == 0
    found = _latest(db)

    returned = found["Saffron Ledger"]
    assert open_clarifications(db, assessment_id=returned.id) == ["DR-02", "SP-01"]
    threads = message_threads(db, assessment_id=returned.id)
    assert [m.author_type for m in threads["SP-01"]] == ["user", "contact"]
    finding = db.exec(select(Finding).where(Finding.assessment_id == found["Kestrel Harbor"].id))
    finding = finding.one()
    assert finding.status == "open" and finding.due_on > utcnow().date()
    replaced = db.exec(
        select(Assessment).where(Assessment.superseded_by_id == found["Orchid Lattice"].id)
    ).one()
    assert replaced.status == "cancelled"


def test_demo_shows_overdue_in_the_pipeline_and_leaves_mail_in_the_outbox(
    runner, db, client, make_user
):
    assert runner.invoke(args=["vendordd", "demo"]).exit_code == 0
    sign_in(client, db, make_user("risk"))

    page = client.get("/assessments/pipeline?status=overdue").text
    assert "Veridian Loop" in page and "Lumenforge" not in page
    queue = client.get("/assessments/review").text
    assert "Cobaltreed" in queue and "Jadeite RPA" in queue
    mail = db.exec(select(OutboxMessage)).all()
    assert {m.recipient for m in mail} >= {
        "security@cobaltreed.example",
        "procurement@demo.vendordd.test",
    }
    assert all(m.sent_at is None for m in mail)
    verified = runner.invoke(args=["vendordd", "audit", "verify"])
    assert verified.exit_code == 0 and "chain intact" in verified.output
