"""Assessments in the database: started in the vendor's scope, answered, scored, rescored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.assessments.helpers import scored_assessment
from tests.conftest import NOW, SYSTEM
from tests.questionnaires.sample_definitions import mini, publish
from tests.vendors.test_services import events, make_service, make_vendor
from vendordd.assessments.answering import ANSWERED_ACTION, save_answers
from vendordd.assessments.models import Answer, Assessment
from vendordd.assessments.rescoring import RESCORED_ACTION, rescore_all
from vendordd.assessments.scoring import SCORED_ACTION, score_again, score_assessment
from vendordd.assessments.services import (
    CREATED_ACTION,
    AssessmentError,
    start_assessment,
    stored_answers,
    vendor_assessments,
)
from vendordd.audit.services import verify_chain
from vendordd.questionnaires.answers import NA
from vendordd.questionnaires.services import find_version
from vendordd.scoring.explain import TIMES
from vendordd.settings.services import set_data_location_policy

LATER = NOW + timedelta(days=3)


@pytest.fixture
def version(db, tmp_path):
    publish(db, tmp_path / "questionnaires", mini())
    return find_version(db, key="mini", version="1.0.0")


@pytest.fixture
def vendor(db):
    vendor = make_vendor(db)
    make_service(db, vendor, tier=4)  # public data, no entity: tier T4, no regimes
    return vendor


def test_an_assessment_pins_the_version_and_the_vendors_scope(db, version, vendor):
    assessment = start_assessment(db, vendor=vendor, version=version, now=NOW, actor=SYSTEM)

    assert assessment.questionnaire_version_id == version.id
    assert (assessment.tier, assessment.regimes, assessment.data_class) == ("T4", [], "public")
    assert assessment.status == "draft" and assessment.score is None
    [event] = events(db, CREATED_ACTION)
    assert event.vendor_id == vendor.id
    assert event.changes["questionnaire"] == [None, "mini 1.0.0"]


def test_a_vendor_without_services_cannot_be_assessed(db, version):
    vendor = make_vendor(db, "Bare Co")
    with pytest.raises(AssessmentError, match="has no services yet"):
        start_assessment(db, vendor=vendor, version=version, now=NOW, actor=SYSTEM)
    assert db.exec(select(Assessment)).all() == []


def test_saving_answers_keeps_every_earlier_value_in_the_audit_trail(db, version, vendor):
    assessment = start_assessment(db, vendor=vendor, version=version, now=NOW, actor=SYSTEM)
    first = save_answers(
        db, assessment=assessment, answers={"EG-01": True, "DR-02": 30}, now=NOW, actor=SYSTEM
    )
    again = save_answers(
        db, assessment=assessment, answers={"EG-01": True, "DR-02": NA}, now=LATER, actor=SYSTEM
    )

    assert (first, again) == (["DR-02", "EG-01"], ["DR-02"])
    assert stored_answers(db, assessment_id=assessment.id) == {"EG-01": True, "DR-02": "n/a"}
    row = db.exec(select(Answer).where(Answer.question_key == "DR-02")).one()
    assert (row.revision, row.updated_at) == (2, LATER)
    changed = [event.changes for event in events(db, ANSWERED_ACTION)]
    assert changed == [{"EG-01": [None, True], "DR-02": [None, 30]}, {"DR-02": [30, "n/a"]}]
    # Saving the same answers again writes nothing.
    unchanged = save_answers(
        db, assessment=assessment, answers={"EG-01": True}, now=LATER, actor=SYSTEM
    )
    assert unchanged == []
    assert len(events(db, ANSWERED_ACTION)) == 2


def test_answers_of_a_closed_assessment_are_final(db, version, vendor):
    assessment = start_assessment(db, vendor=vendor, version=version, now=NOW, actor=SYSTEM)
    assessment.status = "submitted"
    with pytest.raises(AssessmentError, match="submitted"):
        save_answers(db, assessment=assessment, answers={"EG-01": True}, now=NOW, actor=SYSTEM)


def test_scoring_stores_figures_anyone_can_recompute(db, version, vendor):
    # T4: EG-02 is out of scope. EG-01 yes: 3 of 3. DR-01 HK, no policy: 4 of 4. DR-02 30
    # days: band 30-89, 50 points: 1 of 2. Embedded 3/3 = 100 %, residency 5/6 = 83.33 %.
    # Overall (100 x 40 + 83.33 x 60) / 100 = 90 %; T4 is level 1 and stays 1 (the floor).
    assessment = scored_assessment(db, vendor, {"EG-01": "yes", "DR-01": "HK", "DR-02": "30"})

    assert assessment.score_percent == pytest.approx(90.0)
    assert (assessment.outcome, assessment.scored_at) == ("clear", NOW)
    rescored = score_again(db, assessment=assessment)
    assert rescored.is_current
    assert rescored.stored.residual_rating == "low"
    assert [d.percent for d in rescored.stored.domains] == pytest.approx([100.0, 500 / 6])
    assert f"Overall = (100.00 {TIMES} 40 + 83.33 {TIMES} 60) / (40 + 60) = 90.00%" in (
        rescored.again.explanation
    )
    [event] = events(db, SCORED_ACTION)
    assert event.changes["score_percent"] == [None, pytest.approx(90.0)]


def test_the_stored_score_reports_answers_changed_since(db, version, vendor):
    assessment = scored_assessment(db, vendor, {"EG-01": "yes", "DR-01": "HK", "DR-02": "30"})
    save_answers(db, assessment=assessment, answers={"DR-02": 120}, now=LATER, actor=SYSTEM)

    rescored = score_again(db, assessment=assessment)
    assert not rescored.is_current
    assert rescored.stored.overall == pytest.approx(90.0)
    assert rescored.again.overall == pytest.approx(100.0)  # 6 of 6 in residency now


def test_scoring_uses_the_data_location_policy_of_the_day(db, version, vendor):
    assessment = scored_assessment(db, vendor, {"EG-01": "yes", "DR-01": "HK", "DR-02": "30"})
    set_data_location_policy(db, policy={"public": ["SG"]}, actor=SYSTEM, now=LATER)

    result = score_assessment(db, assessment=assessment, now=LATER, actor=SYSTEM)

    # DR-01 HK is outside {SG}: 0 of 4; residency 1/6 = 16.67 %; overall
    # (100 x 40 + 16.67 x 60) / 100 = 50 %, below 60 %: level 1 + 1 = 2 (medium).
    assert result.overall == pytest.approx(50.0)
    assert result.residual_rating == "medium"
    dr01 = next(q for q in result.questions if q.key == "DR-01")
    assert dr01.note == "outside the data-location policy for public: HK"
    # The stored context keeps the policy it was scored with, so it explains itself later.
    set_data_location_policy(db, policy={"public": []}, actor=SYSTEM, now=LATER)
    assert score_again(db, assessment=assessment).is_current


@pytest.mark.parametrize("workers", [1, 2], ids=["in-process", "worker-processes"])
def test_rescoring_the_book_updates_every_assessment_in_batches(db, version, vendor, workers):
    other = make_vendor(db, "Other AI Ltd")
    make_service(db, other, tier=4)
    first = scored_assessment(db, vendor, {"EG-01": "yes", "DR-01": "HK", "DR-02": "30"})
    second = scored_assessment(db, other, {"EG-01": "no", "DR-01": "SG"})

    count = rescore_all(
        db,
        now=LATER,
        actor=SYSTEM,
        allowed_countries={"public": frozenset({"SG"})},
        batch=1,
        workers=workers,
    )
    db.commit()

    assert count == 2
    # The batches let go of the rows they loaded (`first` among them): read them again.
    first, second = db.get(Assessment, first.id), db.get(Assessment, second.id)
    assert (first.score_percent, first.scored_at) == (pytest.approx(50.0), LATER)
    # EG-01 no: 0 of 3; DR-01 SG allowed: 4 of 4; DR-02 required, unanswered: 0 of 2.
    # (0 x 40 + 66.67 x 60) / 100 = 40 %.
    assert second.score_percent == pytest.approx(40.0)
    assert score_again(db, assessment=first).is_current
    [event] = events(db, RESCORED_ACTION)
    assert event.changes["assessments"] == 2
    assert event.changes["blocked"] == 0
    assert verify_chain(db).ok


def test_a_vendors_assessments_are_listed_newest_first(db, version, vendor):
    older = start_assessment(db, vendor=vendor, version=version, now=NOW, actor=SYSTEM)
    newer = start_assessment(db, vendor=vendor, version=version, now=LATER, actor=SYSTEM)

    listed = vendor_assessments(db, vendor_id=vendor.id)

    assert [(a.id, label) for a, label in listed] == [
        (newer.id, "mini 1.0.0"),
        (older.id, "mini 1.0.0"),
    ]
