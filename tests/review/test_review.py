"""Question review: statuses, threads, returning to the vendor with emails, the vendor's side."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from tests.conftest import NOW
from tests.questionnaires.sample_definitions import mini, publish
from tests.review.helpers import contacts_of, submitted_assessment
from tests.vendors.test_services import events
from vendordd.alerts.models import OutboxMessage
from vendordd.assessments.answering import save_answers
from vendordd.assessments.models import ClarificationMessage, QuestionReview
from vendordd.assessments.returning import return_to_vendor
from vendordd.assessments.review import (
    ReviewError,
    accept_question,
    changed_since_request,
    open_clarifications,
    post_message,
    reply_to_clarification,
    request_clarification,
)
from vendordd.assessments.services import AssessmentError
from vendordd.assessments.workflow import WorkflowError, editable_keys
from vendordd.audit.services import Actor
from vendordd.auth.magic_links import exchange_link
from vendordd.auth.services import actor_for

LATER = NOW + timedelta(hours=2)


@pytest.fixture
def assessment(db, tmp_path):
    publish(db, tmp_path / "questionnaires", mini())
    return submitted_assessment(db)


@pytest.fixture
def reviewer(make_user):
    return actor_for(make_user("risk"))


def _return(db, assessment, reviewer, now=LATER):
    return return_to_vendor(
        db,
        assessment=assessment,
        base_url="https://dd.bank.example",
        days=14,
        now=now,
        actor=reviewer,
    )


def _contact(db, assessment):
    contact = contacts_of(db, assessment)[0]
    return Actor.contact(contact.id, f"{contact.name} <{contact.email}>")


def test_accepting_and_requesting_clarification_set_the_question_status(db, assessment, reviewer):
    accept_question(db, assessment=assessment, question_key="EG-01", now=NOW, actor=reviewer)
    request_clarification(
        db,
        assessment=assessment,
        question_key="DR-01",
        message="  Which HK data centre?  ",
        now=NOW,
        actor=reviewer,
    )

    statuses = {r.question_key: r.status for r in db.exec(select(QuestionReview))}
    assert statuses == {"EG-01": "accepted", "DR-01": "clarification"}
    [message] = db.exec(select(ClarificationMessage)).all()
    assert (message.question_key, message.body, message.author_type) == (
        "DR-01",
        "Which HK data centre?",
        "user",
    )
    assert [e.changes["status"] for e in events(db, "question.reviewed")] == [
        [None, "accepted"],
        [None, "clarification"],
    ]
    assert events(db, "clarification.message")[0].changes["question"] == "DR-01"


@pytest.mark.parametrize(
    ("key", "message", "refusal"),
    [
        ("DR-01", "   ", "Write a message"),
        ("XX-99", "Why?", "no question 'XX-99'"),
        ("DR-01", "x" * 4001, "at most 4000 characters"),
    ],
)
def test_a_clarification_request_needs_a_message_on_a_real_question(
    db, assessment, reviewer, key, message, refusal
):
    with pytest.raises(ReviewError, match=refusal):
        request_clarification(
            db, assessment=assessment, question_key=key, message=message, now=NOW, actor=reviewer
        )
    assert db.exec(select(QuestionReview)).all() == []


def test_questions_out_of_scope_cannot_be_reviewed(db, tmp_path, reviewer):
    publish(db, tmp_path / "questionnaires", mini())
    low = submitted_assessment(db, tier=4, knockout=False)  # EG-02 is asked at T1/T2 only
    with pytest.raises(ReviewError, match="EG-02 is not asked in this assessment's scope"):
        accept_question(db, assessment=low, question_key="EG-02", now=NOW, actor=reviewer)


@pytest.mark.parametrize("status", ["in_progress", "clarification", "decided", "cancelled"])
def test_review_actions_need_a_submitted_assessment(db, assessment, reviewer, status):
    assessment.status = status
    with pytest.raises(ReviewError, match="you cannot accept a question now"):
        accept_question(db, assessment=assessment, question_key="EG-01", now=NOW, actor=reviewer)
    with pytest.raises(ReviewError, match="you cannot request a clarification now"):
        request_clarification(
            db, assessment=assessment, question_key="EG-01", message="?", now=NOW, actor=reviewer
        )


def test_returning_needs_an_open_clarification(db, assessment, reviewer):
    accept_question(db, assessment=assessment, question_key="EG-01", now=NOW, actor=reviewer)
    with pytest.raises(ReviewError, match="Request a clarification on at least one question"):
        _return(db, assessment, reviewer)
    assert assessment.status == "submitted"
    assert db.exec(select(OutboxMessage)).all() == []


def test_returning_an_assessment_not_submitted_is_refused(db, assessment, reviewer):
    request_clarification(
        db, assessment=assessment, question_key="DR-01", message="?", now=NOW, actor=reviewer
    )
    _return(db, assessment, reviewer)
    with pytest.raises(WorkflowError, match="is clarification; it cannot become clarification"):
        _return(db, assessment, reviewer)


def test_returning_emails_every_invited_contact_the_open_clarifications(db, assessment, reviewer):
    request_clarification(
        db,
        assessment=assessment,
        question_key="DR-01",
        message="Which HK data centre?",
        now=NOW,
        actor=reviewer,
    )
    request_clarification(
        db,
        assessment=assessment,
        question_key="DR-02",
        message="Is 90 firm?",
        now=NOW,
        actor=reviewer,
    )
    accept_question(db, assessment=assessment, question_key="EG-01", now=NOW, actor=reviewer)

    sent = _return(db, assessment, reviewer)
    db.commit()

    assert assessment.status == "clarification"
    assert sorted(m.recipient for m in sent) == ["mei@acme.example", "raj@acme.example"]
    body = sent[0].body
    assert sent[0].subject == "Clarifications requested on the Acme questionnaire"
    assert "- DR-01 Where is customer data stored?\n  Reviewer: Which HK data centre?" in body
    assert "- DR-02 How many days' notice" in body and "Reviewer: Is 90 firm?" in body
    assert "EG-01" not in body
    token = re.search(r"/portal/enter/(\S+)", body).group(1)
    assert exchange_link(db, token=token, now=LATER, hours=1)
    [event] = events(db, "assessment.returned")
    assert event.changes["clarifications"] == ["DR-01", "DR-02"]
    assert event.changes["emailed"] == ["mei@acme.example", "raj@acme.example"]
    # The vendor may now change only the answers in question.
    assert editable_keys(db, assessment=assessment) == {"DR-01", "DR-02"}
    with pytest.raises(AssessmentError, match="not EG-01"):
        save_answers(
            db,
            assessment=assessment,
            answers={"EG-01": False},
            now=LATER,
            actor=_contact(db, assessment),
        )


def test_the_vendor_replies_only_on_open_clarifications_while_returned(db, assessment, reviewer):
    request_clarification(
        db, assessment=assessment, question_key="DR-01", message="Which?", now=NOW, actor=reviewer
    )
    vendor = _contact(db, assessment)
    with pytest.raises(ReviewError, match="only while clarifications are open"):
        reply_to_clarification(
            db,
            assessment=assessment,
            question_key="DR-01",
            message="Tseung Kwan O",
            now=NOW,
            actor=vendor,
        )
    _return(db, assessment, reviewer)
    with pytest.raises(ReviewError, match="No clarification is requested on question EG-01"):
        reply_to_clarification(
            db, assessment=assessment, question_key="EG-01", message="Hi", now=LATER, actor=vendor
        )
    reply_to_clarification(
        db,
        assessment=assessment,
        question_key="DR-01",
        message="Tseung Kwan O",
        now=LATER,
        actor=vendor,
    )
    post_message(
        db,
        assessment=assessment,
        question_key="DR-01",
        message="Thanks",
        now=LATER,
        actor=reviewer,
    )
    thread = db.exec(select(ClarificationMessage).order_by(ClarificationMessage.id)).all()
    assert [(m.author_type, m.body) for m in thread] == [
        ("user", "Which?"),
        ("contact", "Tseung Kwan O"),
        ("user", "Thanks"),
    ]


def test_the_reviewer_sees_which_clarified_answers_changed(db, assessment, reviewer):
    for key in ("DR-01", "DR-02"):
        request_clarification(
            db, assessment=assessment, question_key=key, message="?", now=NOW, actor=reviewer
        )
    _return(db, assessment, reviewer)
    assert changed_since_request(db, assessment_id=assessment.id) == set()

    save_answers(
        db,
        assessment=assessment,
        answers={"DR-01": ("SG",)},
        now=LATER,
        actor=_contact(db, assessment),
    )
    # Resubmitted (by the portal's submit): the questions stay open until accepted.
    assessment.status, assessment.submission_round = "submitted", 2

    assert changed_since_request(db, assessment_id=assessment.id) == {"DR-01"}
    assert open_clarifications(db, assessment_id=assessment.id) == ["DR-01", "DR-02"]
    accept_question(db, assessment=assessment, question_key="DR-01", now=LATER, actor=reviewer)
    assert open_clarifications(db, assessment_id=assessment.id) == ["DR-02"]


def test_returning_needs_an_invited_contact(db, tmp_path, reviewer):
    publish(db, tmp_path / "questionnaires", mini())
    alone = submitted_assessment(db, contacts=())
    request_clarification(
        db, assessment=alone, question_key="DR-01", message="?", now=NOW, actor=reviewer
    )
    with pytest.raises(ReviewError, match="No vendor contact is invited"):
        _return(db, alone, reviewer)
    assert alone.status == "submitted"
