"""Adding and removing evidence: what is stored, what is refused, and what stays."""

from __future__ import annotations

import hashlib
import io
from datetime import date

import pytest
from sqlmodel import select

from tests.conftest import NOW, SYSTEM
from tests.evidence import files
from tests.evidence.conftest import stored_files, upload
from tests.vendors.test_services import events
from vendordd.assessments.answering import save_answers
from vendordd.assessments.evidence import (
    REMOVED_ACTION,
    UPLOADED_ACTION,
    EvidenceError,
    add_evidence,
    evidence_of,
    remove_evidence,
)
from vendordd.assessments.models import Answer, Evidence, QuestionReview
from vendordd.assessments.scoring import score_assessment
from vendordd.assessments.workflow import CLARIFICATION, CLARIFICATION_REQUESTED, SUBMITTED


def answer_of(db, world, key: str = "EV-01"):
    db.expire_all()
    row = db.exec(
        select(Answer).where(
            Answer.assessment_id == world.assessment.id, Answer.question_key == key
        )
    ).first()
    return row.value if row else None


@pytest.mark.parametrize("name", sorted(files.ACCEPTED))
def test_every_accepted_type_is_stored_with_its_fingerprint(db, world, name):
    build, mimetype = files.ACCEPTED[name]
    content = build()
    evidence = upload(db, world, f"C:\\Users\\vera\\{name}", content)
    assert (evidence.filename, evidence.content_type) == (name, mimetype)
    assert evidence.size_bytes == len(content)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.storage_key != name and stored_files(world) == [evidence.storage_key]
    with world.storage.open(evidence.storage_key) as saved:
        assert saved.read() == content


def test_an_upload_is_audited_with_its_fingerprint(db, world):
    evidence = upload(
        db,
        world,
        "soc2.pdf",
        files.pdf(),
        effective_on=date(2026, 1, 1),
        expires_on=date(2026, 12, 31),
    )
    (event,) = events(db, UPLOADED_ACTION)
    assert event.object_id == str(evidence.id) and event.vendor_id == world.vendor.id
    assert event.changes == {
        "question": [None, "EV-01"],
        "filename": [None, "soc2.pdf"],
        "content_type": [None, "application/pdf"],
        "size_bytes": [None, len(files.pdf())],
        "sha256": [None, hashlib.sha256(files.pdf()).hexdigest()],
        "effective_on": [None, "2026-01-01"],
        "expires_on": [None, "2026-12-31"],
    }


def test_an_evidence_question_is_answered_by_its_files_and_scores(db, world):
    first = upload(db, world, "soc2.pdf", files.pdf())
    second = upload(db, world, "bridge.pdf", files.pdf())
    assert answer_of(db, world) == [str(first.id), str(second.id)]
    scored = score_assessment(db, assessment=world.assessment, now=NOW, actor=SYSTEM)
    ev = next(q for q in scored.questions if q.key == "EV-01")
    assert (ev.state, ev.points) == ("answered", 100)


def test_a_question_that_only_asks_for_evidence_keeps_its_own_answer(db, world):
    save_answers(db, assessment=world.assessment, answers={"DR-01": ("HK",)}, now=NOW, actor=SYSTEM)
    upload(db, world, "flows.png", files.png(), key="DR-01")
    assert answer_of(db, world, "DR-01") == ["HK"]
    assert [e.filename for e in evidence_of(db, assessment_id=world.assessment.id)["DR-01"]] == [
        "flows.png"
    ]


def test_removal_hides_the_file_but_keeps_it_and_its_record(db, world):
    kept = upload(db, world, "old.pdf", files.pdf())
    gone = upload(db, world, "wrong.pdf", files.pdf())
    remove_evidence(db, assessment=world.assessment, evidence_id=gone.id, now=NOW, actor=SYSTEM)
    db.commit()
    assert [e.id for e in evidence_of(db, assessment_id=world.assessment.id)["EV-01"]] == [kept.id]
    assert answer_of(db, world) == [str(kept.id)]
    assert db.get(Evidence, gone.id).removed_at is not None
    assert gone.storage_key in stored_files(world)
    (event,) = events(db, REMOVED_ACTION)
    assert event.changes["filename"] == ["wrong.pdf", None]
    remove_evidence(db, assessment=world.assessment, evidence_id=kept.id, now=NOW, actor=SYSTEM)
    assert answer_of(db, world) is None  # no file left: unanswered again
    with pytest.raises(LookupError):
        remove_evidence(db, assessment=world.assessment, evidence_id=gone.id, now=NOW, actor=SYSTEM)


def refused(db, world, name: str, content: bytes, key: str = "EV-01", **dates) -> str:
    with pytest.raises(EvidenceError) as caught:
        upload(db, world, name, content, key, **dates)
    db.rollback()
    assert stored_files(world) == []
    assert db.exec(select(Evidence)).all() == []
    assert events(db, UPLOADED_ACTION) == []
    return str(caught.value)


def test_an_oversized_upload_is_refused_and_nothing_is_stored(db, world):
    message = refused(db, world, "big.pdf", files.pdf() + b"0" * (1024 * 1024))
    assert message == (
        "'big.pdf' is larger than 1 MB, the largest evidence file accepted. Nothing was stored."
    )


def test_a_file_of_exactly_the_limit_is_accepted(db, world):
    content = files.pdf() + b"0" * (1024 * 1024 - len(files.pdf()))
    assert upload(db, world, "full.pdf", content).size_bytes == 1024 * 1024


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", files.EXECUTABLE, "'report.pdf' is not a PDF: its content is not one of"),
        ("report.pdf", files.HTML, "'report.pdf' is not a PDF"),
        ("empty.pdf", b"", "'empty.pdf' is empty. Nothing was stored."),
    ],
)
def test_a_disguised_or_empty_upload_is_refused_and_nothing_is_stored(
    db, world, name, content, message
):
    assert message in refused(db, world, name, content)


def test_dates_out_of_order_are_refused(db, world):
    message = refused(
        db,
        world,
        "soc2.pdf",
        files.pdf(),
        effective_on=date(2026, 6, 1),
        expires_on=date(2026, 1, 1),
    )
    assert message == "The expiry date must be after the effective date."


def test_a_question_that_asks_for_no_evidence_is_unknown_here(db, world):
    with pytest.raises(LookupError):
        upload(db, world, "soc2.pdf", files.pdf(), key="EG-01")
    with pytest.raises(LookupError):
        upload(db, world, "soc2.pdf", files.pdf(), key="NOPE")
    assert stored_files(world) == []


def test_a_submitted_assessment_refuses_uploads_and_removals(db, world):
    evidence = upload(db, world, "soc2.pdf", files.pdf())
    world.assessment.status = SUBMITTED
    db.commit()
    message = refused_with_existing(db, world, "late.pdf")
    assert message == "The assessment is submitted; its evidence can no longer change."
    with pytest.raises(EvidenceError):
        remove_evidence(
            db, assessment=world.assessment, evidence_id=evidence.id, now=NOW, actor=SYSTEM
        )


def test_in_clarification_only_the_questions_asked_about_change(db, world, make_user):
    reviewer = make_user("risk")
    world.assessment.status = CLARIFICATION
    db.add(
        QuestionReview(
            assessment_id=world.assessment.id,
            question_key="DR-01",
            status=CLARIFICATION_REQUESTED,
            updated_at=NOW,
            updated_by_id=reviewer.id,
        )
    )
    db.commit()
    message = refused_with_existing(db, world, "soc2.pdf", key="EV-01")
    assert message == "Only the questions with a clarification requested can change now; not EV-01."
    assert upload(db, world, "flows.png", files.png(), key="DR-01").question_key == "DR-01"


def refused_with_existing(db, world, name: str, key: str = "EV-01") -> str:
    """An upload refused for the assessment's state: no file added to the store, no row."""
    before, rows = stored_files(world), len(db.exec(select(Evidence)).all())
    with pytest.raises(EvidenceError) as caught:
        add_evidence(
            db,
            storage=world.storage,
            assessment=world.assessment,
            question_key=key,
            filename=name,
            stream=io.BytesIO(files.pdf()),
            effective_on=None,
            expires_on=None,
            max_bytes=1024 * 1024,
            now=NOW,
            actor=SYSTEM,
        )
    db.rollback()
    assert stored_files(world) == before and len(db.exec(select(Evidence)).all()) == rows
    return str(caught.value)
