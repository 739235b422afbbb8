"""Issuing an assessment: pinned, scoped, one open per vendor, invitations that work."""

from __future__ import annotations

import re
import threading
import time
from datetime import date

import pytest
from sqlmodel import Session, select

from tests.conftest import NOW
from tests.issuing.conftest import BASE_URL, DUE, LATER, contact, issue, tokens
from tests.vendors.test_services import events, make_vendor
from vendordd.alerts.models import OutboxMessage
from vendordd.assessments import issuing
from vendordd.assessments.models import Assessment, AssessmentContact
from vendordd.assessments.services import CREATED_ACTION, AssessmentError
from vendordd.audit.services import verify_chain
from vendordd.auth.magic_links import REVOKED, LinkRefused, exchange_link, portal_session_for
from vendordd.questionnaires.models import QuestionnaireVersion
from vendordd.vendors.models import Vendor


def outbox(db) -> list[OutboxMessage]:
    return list(db.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_issuing_sends_a_pinned_scoped_assessment_with_a_working_link_per_contact(db, book):
    assessment = issue(db, book)
    db.commit()

    assert (assessment.status, assessment.due_on) == ("sent", DUE)
    assert (assessment.issued_at, assessment.issued_by_id) == (NOW, book.user_id)
    assert assessment.questionnaire_version_id == book.version.id
    assert (assessment.tier, assessment.regimes, assessment.data_class) == ("T4", [], "public")
    invited = db.exec(select(AssessmentContact.contact_id)).all()
    assert sorted(invited) == sorted([book.mei.id, book.raj.id])
    messages = outbox(db)
    assert [m.subject for m in messages] == ["Due diligence questionnaire for Acme"] * 2
    assert {m.object_id for m in messages} == {str(assessment.id)}
    for message in messages:
        assert "Please submit it by 02 December 2026." in message.body
    for token in tokens(messages).values():
        assert exchange_link(db, token=token, now=NOW, hours=1)
    [issued] = events(db, issuing.ISSUED_ACTION)
    assert issued.changes["contacts"] == ["mei@acme.example", "raj@acme.example"]
    assert issued.changes["status"] == ["draft", "sent"]
    assert len(events(db, CREATED_ACTION)) == 1
    assert verify_chain(db).ok


def _nothing_written(db) -> None:
    assert db.exec(select(Assessment)).all() == []
    assert outbox(db) == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"version": None}, "version_id", "Choose a published questionnaire version."),
        ({"due_on": None}, "due_on", "Enter the date the vendor must submit by."),
        ({"due_on": date(2026, 11, 2)}, "due_on", "must be after today (2 Nov 2026)"),
        ({"due_on": date(2026, 10, 1)}, "due_on", "must be after today"),
        ({"contact_ids": []}, "contact_ids", "Choose at least one contact to invite."),
        ({"contact_ids": [10**6]}, "contact_ids", "Only Acme's own contacts can be invited"),
    ],
)
def test_refusals_name_the_field_and_write_nothing(db, book, changes, field, message):
    with pytest.raises(issuing.IssueError, match=re.escape(message)) as refused:
        issue(db, book, **changes)
    assert refused.value.field == field
    _nothing_written(db)


def test_another_vendors_contact_cannot_be_invited(db, book):
    with pytest.raises(issuing.IssueError, match="Only Acme's own contacts"):
        issue(db, book, contacts=[book.mei, book.stranger])
    _nothing_written(db)


def test_a_vendor_without_services_has_no_scope_to_issue_in(db, book):
    bare = make_vendor(db, "Bare Ltd")
    with pytest.raises(AssessmentError, match="Bare has no services yet: add a service"):
        issue(db, book, vendor=bare, contacts=[contact(db, bare, "Bo", "bo@bare.example")])
    _nothing_written(db)


def test_an_open_assessment_is_offered_for_superseding_not_silently_replaced(db, book):
    first = issue(db, book)
    db.commit()

    with pytest.raises(issuing.OpenAssessmentExists) as refused:
        issue(db, book, now=LATER, due_on=date(2026, 12, 20))
    assert str(refused.value).startswith(
        "Acme has an open assessment (sent 2 Nov 2026, not started yet)."
    )
    assert refused.value.assessment.id == first.id
    assert refused.value.field == "supersede"
    assert len(db.exec(select(Assessment)).all()) == 1


def test_superseding_cancels_the_open_one_and_ends_its_links_and_sessions(db, book):
    first = issue(db, book)
    old = tokens(outbox(db))
    portal = exchange_link(db, token=old["mei@acme.example"], now=NOW, hours=24)
    db.commit()

    second = issue(db, book, now=LATER, due_on=date(2026, 12, 20), supersede=True)
    db.commit()

    db.refresh(first)
    assert (first.status, first.cancelled_at, first.superseded_by_id) == (
        "cancelled",
        LATER,
        second.id,
    )
    assert (second.status, second.due_on) == ("sent", date(2026, 12, 20))
    assert portal_session_for(db, token=portal, now=LATER) is None
    with pytest.raises(LinkRefused) as refused:
        exchange_link(db, token=old["raj@acme.example"], now=LATER, hours=1)
    assert refused.value.reason == REVOKED
    fresh = tokens(outbox(db)[2:])
    assert exchange_link(db, token=fresh["raj@acme.example"], now=LATER, hours=1)
    [superseded] = events(db, issuing.SUPERSEDED_ACTION)
    assert superseded.object_id == str(first.id)
    assert superseded.changes["superseded_by"] == [None, second.id]
    assert events(db, issuing.ISSUED_ACTION)[-1].changes["supersedes"] == first.id


def test_a_decided_assessment_does_not_block_a_new_one(db, book):
    first = issue(db, book)
    first.status = "decided"
    db.commit()

    second = issue(db, book, now=LATER)
    assert second.status == "sent"
    assert first.status == "decided"


def test_a_reminder_rotates_every_invited_contacts_link(db, book):
    assessment = issue(db, book)
    old = tokens(outbox(db))

    reminded = issuing.send_reminders(
        db, assessment=assessment, now=LATER, actor=book.actor, base_url=BASE_URL, link_days=14
    )
    db.commit()

    assert [c.name for c in reminded] == ["Mei Chan", "Raj Patel"]
    reminders = outbox(db)[2:]
    assert [m.subject for m in reminders] == ["Reminder: due diligence questionnaire for Acme"] * 2
    with pytest.raises(LinkRefused) as refused:
        exchange_link(db, token=old["mei@acme.example"], now=LATER, hours=1)
    assert refused.value.reason == REVOKED
    assert exchange_link(db, token=tokens(reminders)["mei@acme.example"], now=LATER, hours=1)
    [event] = events(db, issuing.REMINDED_ACTION)
    assert event.changes["contacts"] == ["mei@acme.example", "raj@acme.example"]


@pytest.mark.parametrize("status", ["draft", "submitted", "decided", "cancelled"])
def test_reminders_only_while_the_vendor_has_it(db, book, status):
    assessment = issue(db, book)
    assessment.status = status
    with pytest.raises(issuing.IssueError, match=f"is {status}; you can only send reminders"):
        issuing.send_reminders(
            db, assessment=assessment, now=LATER, actor=book.actor, base_url=BASE_URL, link_days=1
        )
    assert len(outbox(db)) == 2


def test_cancelling_revokes_links_and_portal_sessions(db, book):
    assessment = issue(db, book)
    links = tokens(outbox(db))
    portal = exchange_link(db, token=links["mei@acme.example"], now=NOW, hours=24)

    issuing.cancel_assessment(
        db, assessment=assessment, reason="  Vendor  replaced ", now=LATER, actor=book.actor
    )
    db.commit()

    assert (assessment.status, assessment.cancelled_at) == ("cancelled", LATER)
    assert portal_session_for(db, token=portal, now=LATER) is None
    with pytest.raises(LinkRefused) as refused:
        exchange_link(db, token=links["raj@acme.example"], now=LATER, hours=1)
    assert refused.value.reason == REVOKED
    [event] = events(db, issuing.CANCELLED_ACTION)
    assert event.changes == {"status": ["sent", "cancelled"], "reason": "Vendor replaced"}


def test_cancelling_needs_a_reason_and_an_undecided_assessment(db, book):
    assessment = issue(db, book)

    def cancel(reason):
        issuing.cancel_assessment(
            db, assessment=assessment, reason=reason, now=LATER, actor=book.actor
        )

    with pytest.raises(issuing.IssueError, match="Say why") as refused:
        cancel(" ")
    assert refused.value.field == "reason"
    assessment.status = "decided"
    with pytest.raises(issuing.IssueError, match="is decided; it cannot become cancelled"):
        cancel("No longer needed")
    assert events(db, issuing.CANCELLED_ACTION) == []


def test_adding_a_contact_invites_only_them(db, book):
    assessment = issue(db, book, contacts=[book.mei])

    added = issuing.add_contacts(
        db,
        assessment=assessment,
        contact_ids=[book.raj.id],
        now=LATER,
        actor=book.actor,
        base_url=BASE_URL,
        link_days=14,
    )

    assert [c.name for c in added] == ["Raj Patel"]
    assert [m.recipient for m in outbox(db)] == ["mei@acme.example", "raj@acme.example"]
    assert [c.name for c in issuing.invited_contacts(db, assessment_id=assessment.id)] == [
        "Mei Chan",
        "Raj Patel",
    ]
    with pytest.raises(issuing.IssueError, match="Already invited: Mei Chan"):
        issuing.add_contacts(
            db,
            assessment=assessment,
            contact_ids=[book.mei.id],
            now=LATER,
            actor=book.actor,
            base_url=BASE_URL,
            link_days=14,
        )
    assert len(events(db, issuing.CONTACTS_ADDED_ACTION)) == 1


def test_two_people_issuing_at_once_cannot_both_open_one(db, book):
    """The vendor row is locked while issuing: the second waits, then finds the first open."""
    engine = db.get_bind()
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite has one writer")
    first_flushed = threading.Event()
    outcomes: dict[str, object] = {}

    def issuer(name: str) -> None:
        with Session(engine, expire_on_commit=False) as session:
            try:
                if name == "second":
                    first_flushed.wait(5)
                issue(
                    session,
                    book,
                    vendor=session.get(Vendor, book.vendor.id),
                    version=session.get(QuestionnaireVersion, book.version.id),
                )
                if name == "first":
                    first_flushed.set()
                    time.sleep(0.5)  # the second one is now waiting on the vendor row
                session.commit()
                outcomes[name] = "issued"
            except issuing.OpenAssessmentExists as exc:
                outcomes[name] = exc

    threads = [threading.Thread(target=issuer, args=(n,)) for n in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes["first"] == "issued"
    assert isinstance(outcomes["second"], issuing.OpenAssessmentExists)
    assert len(db.exec(select(Assessment)).all()) == 1
