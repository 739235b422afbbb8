"""The review pages through the client: risk acts, auditors read, procurement is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.auth.apps import app_variant
from tests.conftest import NOW, sign_in
from tests.questionnaires.sample_definitions import mini, publish
from tests.review.helpers import submitted_assessment
from tests.vendors.test_services import events
from vendordd.alerts.models import OutboxMessage
from vendordd.assessments.answering import save_answers
from vendordd.assessments.decisions import record_acceptance
from vendordd.assessments.models import (
    Decision,
    Evidence,
    Finding,
    QuestionReview,
    RiskAcceptance,
)
from vendordd.assessments.review import request_clarification
from vendordd.audit.services import Actor
from vendordd.auth.services import actor_for
from vendordd.dbtypes import utcnow
from vendordd.vendors.models import Vendor

FUTURE = (utcnow() + timedelta(days=200)).date().isoformat()


@pytest.fixture
def blocked(db, tmp_path):
    publish(db, tmp_path / "questionnaires", mini())
    return submitted_assessment(db)


def _url(assessment, path: str = "") -> str:
    return f"/assessments/{assessment.id}/{path}"


def test_the_queue_lists_submitted_assessments_oldest_first(client, db, blocked, login_as):
    later = submitted_assessment(db, name="Beta Labs", tier=4, knockout=False)
    later.submitted_at = NOW
    db.add(later)
    db.commit()
    login_as("risk")

    page = client.get("/assessments/review").text

    assert page.index("Acme") < page.index("Beta")
    row = page[page.index("Acme") : page.index("Beta")]
    assert '<strong class="ko">1</strong>' in row  # the DR-01 knockout
    assert f"{blocked.score_percent:.1f}%" in row
    assert f'<td class="num">{(utcnow().date() - blocked.submitted_at.date()).days}</td>' in row
    assert 'href="/assessments/review"' in page  # the nav link


def test_the_queue_says_when_nothing_waits(client, login_as):
    login_as("auditor")
    assert "Nothing to review" in client.get("/assessments/review").text


def test_procurement_may_not_review(client, blocked, login_as):
    login_as("procurement")
    assert client.get("/assessments/review").status_code == 403
    assert client.get(_url(blocked, "review")).status_code == 403
    response = client.post(_url(blocked, "review/clarify"), data={"question": "DR-01"})
    assert response.status_code == 403
    assert "Review</a>" not in client.get("/vendors/").text


def test_the_review_page_shows_answers_scores_flags_evidence_and_history(
    client, db, blocked, login_as
):
    db.add(
        Evidence(
            assessment_id=blocked.id,
            question_key="DR-01",
            storage_key="k1",
            filename="dataflow.pdf",
            content_type="application/pdf",
            size_bytes=10,
            sha256="ab" * 32,
            effective_on=date(2026, 1, 1),
            expires_on=date(2027, 1, 1),
            uploaded_at=NOW,
            uploaded_by="Mei",
        )
    )
    blocked.status = "draft"  # an earlier version of DR-02, saved by the vendor
    save_answers(db, assessment=blocked, answers={"DR-02": 45}, now=NOW, actor=Actor.system("v"))
    blocked.status = "submitted"
    db.commit()
    login_as("auditor")

    page = client.get(_url(blocked, "review")).text

    article = page[page.index('id="q-DR-01"') : page.index('id="q-DR-02"')]
    assert "Where is customer data stored?" in article and ">HK<" in article
    assert "Knockout: Data is stored outside the allowed countries." in article
    assert "EU-DORA 30(2)(b)" in article
    assert "dataflow.pdf" in article and "ab" * 32 in article and "2027-01-01" in article
    history = page[page.index('id="q-DR-02"') :]
    assert "Earlier versions (1)" in history
    assert "Revision 1" in history and ': <span class="prewrap">90</span>' in history
    assert f'href="/assessments/{blocked.id}#explanation"' in page
    # Auditors read; they get no forms to act with.
    assert "Return to vendor" not in page and "Raise finding" not in page


def test_risk_requests_a_clarification_and_returns_the_assessment(client, db, blocked, login_as):
    login_as("risk")
    empty = client.post(_url(blocked, "review/clarify"), data={"question": "DR-01"})
    assert empty.status_code == 302 and empty.location.endswith("#q-DR-01")
    assert "Question DR-01: Write a message" in client.get(empty.location).text
    refused = client.post(_url(blocked, "review/return"), follow_redirects=True)
    assert "Request a clarification on at least one question" in refused.text

    client.post(
        _url(blocked, "review/clarify"), data={"question": "DR-01", "message": "Which site?"}
    )
    page = client.post(_url(blocked, "review/return"), follow_redirects=True).text

    assert "2 contacts emailed a new link" in page
    db.refresh(blocked)
    assert blocked.status == "clarification"
    outbox = db.exec(select(OutboxMessage).order_by(OutboxMessage.recipient)).all()
    assert [m.recipient for m in outbox] == ["mei@acme.example", "raj@acme.example"]
    assert all("Reviewer: Which site?" in m.body for m in outbox)
    assert "http://127.0.0.1:5000/portal/enter/" in outbox[0].body
    again = client.post(_url(blocked, "review/accept"), data={"question": "DR-01"})
    assert "you cannot accept a question now" in client.get(again.location).text


def test_risk_accepts_a_question(client, db, blocked, login_as):
    login_as("risk")
    client.post(_url(blocked, "review/accept"), data={"question": "EG-01"})
    assert db.get(QuestionReview, (blocked.id, "EG-01")).status == "accepted"
    assert "Accepted</span>" in client.get(_url(blocked, "review")).text


def test_a_finding_is_raised_from_a_question(client, db, blocked, login_as):
    user = login_as("risk")
    bad = client.post(_url(blocked, "findings"), data={"question": "DR-01", "severity": "high"})
    assert bad.status_code == 422
    assert 'id="finding-DR-01-description-error">Describe the finding.' in bad.text

    client.post(
        _url(blocked, "findings"),
        data={
            "question": "DR-01",
            "severity": "high",
            "description": "HK only",
            "remediation": "Add SG",
            "owner": str(user.id),
            "due_on": FUTURE,
        },
    )
    finding = db.exec(select(Finding)).one()
    assert (finding.question_key, finding.owner_id, finding.due_on.isoformat()) == (
        "DR-01",
        user.id,
        FUTURE,
    )
    client.post(
        _url(blocked, f"findings/{finding.id}"),
        data={"status": "vendor_committed", "owner": str(user.id), "due_on": FUTURE},
    )
    db.refresh(finding)
    assert finding.status == "vendor_committed"
    assert len(events(db, "finding.updated")) == 1


def test_four_eyes_through_the_pages(client, db, blocked, make_user):
    ann = make_user("risk", email="ann@bank.example", name="Ann")
    bo = make_user("risk", email="bo@bank.example", name="Bo")
    sign_in(client, db, ann)
    missing = client.post(_url(blocked, "acceptance"), data={"justification": "Pilot"})
    assert missing.status_code == 422
    assert "Write the compensating controls." in missing.text
    client.post(
        _url(blocked, "acceptance"),
        data={"justification": "Pilot", "compensating_controls": "Keys", "expires_on": FUTURE},
    )
    page = client.get(_url(blocked, "review")).text
    assert "awaiting approval by another risk or admin user" in page
    assert "Approve this risk acceptance" not in page
    acceptance_id = db.exec(select(RiskAcceptance.id)).one()
    self_approval = client.post(
        _url(blocked, f"acceptance/{acceptance_id}/approve"), follow_redirects=True
    )
    assert "Four eyes" in self_approval.text
    blocked_decision = client.post(
        _url(blocked, "decision"), data={"outcome": "approved", "rationale": "OK"}
    )
    assert blocked_decision.status_code == 422
    assert "Blocked by 1 knockout" in blocked_decision.text

    sign_in(client, db, bo)
    assert "Approve this risk acceptance" in client.get(_url(blocked, "review")).text
    client.post(_url(blocked, f"acceptance/{acceptance_id}/approve"))
    done = client.post(
        _url(blocked, "decision"),
        data={"outcome": "approved", "rationale": "Accepted risk"},
        follow_redirects=True,
    )
    assert "Approved. Next reassessment due" in done.text
    decision = db.exec(select(Decision)).one()
    assert decision.decided_by_id == bo.id and decision.risk_acceptance_id == acceptance_id
    assert db.get(Vendor, blocked.vendor_id).next_reassessment_on == decision.next_reassessment_on


def test_an_acceptance_of_another_assessment_is_not_found(client, db, blocked, make_user):
    ann = make_user("risk", email="ann@bank.example")
    acceptance = record_acceptance(
        db,
        assessment=blocked,
        justification="J",
        compensating_controls="C",
        expires_on=date(2027, 6, 1),
        now=NOW,
        actor=actor_for(ann),
    )
    request_clarification(
        db, assessment=blocked, question_key="DR-01", message="?", now=NOW, actor=actor_for(ann)
    )
    db.commit()
    other = submitted_assessment(db, name="Beta Labs", tier=4, knockout=False)
    sign_in(client, db, ann)
    response = client.post(_url(other, f"acceptance/{acceptance.id}/approve"))
    assert response.status_code == 404
    assert client.get("/assessments/999999/review").status_code == 404


def test_auditors_read_but_cannot_act(client, db, blocked, login_as):
    login_as("auditor")
    assert client.get(_url(blocked, "review")).status_code == 200
    for path, data in (
        ("review/accept", {"question": "EG-01"}),
        ("review/return", {}),
        ("decision", {"outcome": "rejected", "rationale": "No"}),
    ):
        assert client.post(_url(blocked, path), data=data).status_code == 403
    assert db.exec(select(QuestionReview)).all() == []


def test_the_page_marks_clarified_answers_that_changed(client, db, blocked, make_user):
    reviewer = make_user("risk")
    request_clarification(
        db,
        assessment=blocked,
        question_key="DR-01",
        message="?",
        now=NOW,
        actor=actor_for(reviewer),
    )
    request_clarification(
        db,
        assessment=blocked,
        question_key="DR-02",
        message="?",
        now=NOW,
        actor=actor_for(reviewer),
    )
    blocked.status = "clarification"
    save_answers(
        db, assessment=blocked, answers={"DR-01": ("SG",)}, now=utcnow(), actor=Actor.system("v")
    )
    blocked.status = "submitted"
    db.commit()
    sign_in(client, db, reviewer)

    page = client.get(_url(blocked, "review")).text

    changed = "Answer changed since the request"
    assert changed in page[page.index('id="q-DR-01"') : page.index('id="q-DR-02"')]
    assert changed not in page[page.index('id="q-DR-02"') :]


def test_the_queue_pages(app, db, blocked, make_user):
    for name in ("Beta Labs", "Gamma Models"):
        submitted_assessment(db, name=name, tier=4, knockout=False)
    with app_variant(app, page_size=2) as small:
        client = small.test_client()
        sign_in(client, db, make_user("risk"))
        first = client.get("/assessments/review").text
        second = client.get("/assessments/review?page=2").text
    assert "Page 1 of 2 · 3 in all" in first and "Gamma" not in first
    assert "Gamma" in second and "Acme" not in second


def test_the_page_can_show_only_the_questions_needing_attention(client, blocked, login_as):
    login_as("risk")

    everything = client.get(_url(blocked, "review")).text
    attention = client.get(_url(blocked, "review?show=attention")).text

    assert 'id="q-EG-01"' in everything and 'id="q-DR-02"' in everything
    assert 'id="q-DR-01"' in attention  # its answer knocks out
    assert 'id="q-EG-01"' not in attention and 'id="q-DR-02"' not in attention
    assert "Showing the 1 needing attention" in attention
