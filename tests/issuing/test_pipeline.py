"""The pipeline: each vendor's latest assessment with the derived overdue status, in SQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.conftest import NOW
from tests.questionnaires.sample_definitions import mini, publish
from tests.vendors.test_services import make_vendor
from vendordd.assessments import workflow
from vendordd.assessments.models import Assessment
from vendordd.assessments.pipeline import PipelineFilters, pipeline, status_counts
from vendordd.questionnaires.models import QuestionnaireVersion

TODAY = NOW.date()
PAST, FUTURE = TODAY - timedelta(days=5), TODAY + timedelta(days=9)
# vendor -> its assessments oldest first (status, due date); the last one is its latest.
BOOK = {
    "Acme": [("cancelled", PAST), ("in_progress", PAST)],
    "Beta": [("sent", FUTURE)],
    "Gamma": [("submitted", PAST)],
    "Delta": [("decided", PAST)],
    "Epsilon": [("clarification", date(2026, 10, 1))],
    "Zeta": [("draft", None)],
    "Eta": [("sent", TODAY)],  # due today: not overdue yet
    "Theta": [("in_progress", FUTURE), ("cancelled", FUTURE)],
}


@pytest.fixture
def pipeline_book(db, tmp_path):
    publish(db, tmp_path / "questionnaires", mini())
    version_id = db.exec(select(QuestionnaireVersion.id)).one()
    make_vendor(db, "Unassessed Ltd")
    for name, assessments in BOOK.items():
        vendor = make_vendor(db, f"{name} Ltd")
        for status, due_on in assessments:
            db.add(
                Assessment(
                    vendor_id=vendor.id,
                    questionnaire_version_id=version_id,
                    status=status,
                    due_on=due_on,
                    tier="T3",
                    data_class="internal",
                    use_case="internal_productivity",
                    created_at=NOW,
                )
            )
            db.flush()
    db.commit()


def rows(db, size: int = 50, **filters) -> dict[str, tuple[str, int | None]]:
    page = pipeline(db, filters=PipelineFilters(**filters), today=TODAY, size=size).page
    return {row.vendor_name: (row.status, row.days_overdue) for row in page.items}


def test_each_vendor_shows_its_latest_assessment_overdue_derived(db, pipeline_book):
    assert rows(db) == {
        "Epsilon": ("overdue", 32),
        "Acme": ("overdue", 5),
        "Gamma": ("submitted", None),
        "Beta": ("sent", None),
        "Eta": ("sent", None),
        "Zeta": ("draft", None),
        "Delta": ("decided", None),
        "Theta": ("cancelled", None),
    }
    assert list(rows(db)) == ["Epsilon", "Acme", "Gamma", "Eta", "Beta", "Zeta", "Delta", "Theta"]


def test_the_sql_status_agrees_with_the_workflow(db, pipeline_book):
    page = pipeline(db, filters=PipelineFilters(), today=TODAY, size=50).page
    for row in page.items:
        assessment = db.get(Assessment, row.assessment_id)
        assert row.status == workflow.pipeline_status(assessment, today=TODAY)


def test_counts_per_status_follow_the_search(db, pipeline_book):
    counts = status_counts(db, q="", today=TODAY)
    assert counts == {
        "overdue": 2,
        "clarification": 0,
        "submitted": 1,
        "in_progress": 0,
        "sent": 2,
        "draft": 1,
        "decided": 1,
        "cancelled": 1,
    }
    assert status_counts(db, q="acme", today=TODAY)["overdue"] == 1


def test_filters_by_status_and_name(db, pipeline_book):
    assert list(rows(db, status="overdue")) == ["Epsilon", "Acme"]
    assert list(rows(db, status="sent")) == ["Eta", "Beta"]
    assert list(rows(db, q="ETA")) == ["Eta", "Beta", "Zeta", "Theta"]
    assert list(rows(db, q="eta", status="draft")) == ["Zeta"]
    assert rows(db, q="nobody") == {}


def test_the_pipeline_pages(db, pipeline_book):
    found = pipeline(db, filters=PipelineFilters(page=3, status="sent"), today=TODAY, size=1)
    assert (found.page.number, found.page.pages, found.page.total) == (2, 2, 2)  # clamped
    assert [row.vendor_name for row in found.page.items] == ["Beta"]
    assert found.counts["sent"] == 2
    page = pipeline(db, filters=PipelineFilters(page=3), today=TODAY, size=3).page
    assert (page.number, page.pages, page.total) == (3, 3, 8)
    assert [row.vendor_name for row in page.items] == ["Delta", "Theta"]


def test_query_arguments_are_checked_not_trusted():
    filters = PipelineFilters.from_args({"status": "bogus", "page": "-2", "q": "  a   b "})
    assert filters == PipelineFilters(q="a b", status="", page=1)
    assert PipelineFilters.from_args({"status": "overdue"}).is_filtered
