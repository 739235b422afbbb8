"""Single points of failure: per tier, the most severe first, and the full list page by page."""

from __future__ import annotations

import pytest

from tests.concentration.book import depend, provider
from tests.vendors.test_services import make_service, make_vendor
from vendordd.concentration import single_points
from vendordd.concentration.aggregates import Filters

# (service, tier, model developers, substitutability, failover tested) -> a single point?
SERVICES = [
    ("Both", 2, 1, "not_substitutable", False),  # yes, both reasons
    ("Hard", 1, 1, "highly_complex", True),  # yes, hard to substitute
    ("Untested", 1, 1, "easily_substitutable", None),  # yes, failover not tested
    ("Worst", 1, 1, "not_substitutable", False),  # yes, both reasons
    ("Two paths", 1, 2, "not_substitutable", False),  # no: two model developers
    ("Fine", 2, 1, "medium_complexity", True),  # no: substitutable, tested
    ("Low tier", 3, 1, "not_substitutable", False),  # no: T3 is out of the test
]


@pytest.fixture
def book(db):
    first = provider(db, "dev-a", "Developer A", "model_developer")
    second = provider(db, "dev-b", "Developer B", "model_developer")
    vendor = make_vendor(db, "Zeta AI Ltd")
    for name, tier, paths, substitutability, tested in SERVICES:
        service = make_service(db, vendor, name, tier=tier)
        for developer in (first, second)[:paths]:
            depend(db, service, "model_developer", developer,
                   substitutability=substitutability, is_failover_tested=tested)  # fmt: skip
    db.commit()
    return vendor


def test_the_summary_counts_per_tier_and_puts_the_most_severe_first(db, book):
    result = single_points.summary(db, filters=Filters())

    assert result.by_tier == {1: 3, 2: 1}
    assert result.total == 4
    assert [p.service_name for p in result.worst] == ["Worst", "Hard", "Untested", "Both"]
    assert result.worst[0].reasons == (
        "one model path, not substitutable",
        "one model path, failover not tested",
    )
    assert result.worst[2].reasons == ("one model path, failover not tested",)


def test_a_tier_beyond_the_few_shown_is_still_counted(db, book, monkeypatch):
    monkeypatch.setattr(single_points, "SHOWN_ON_PAGE", 2)

    result = single_points.summary(db, filters=Filters())

    assert result.by_tier == {1: 3, 2: 1}  # T2's only point is not among the two shown
    assert [p.service_name for p in result.worst] == ["Worst", "Hard"]


def test_filters_apply(db, book):
    assert single_points.summary(db, filters=Filters(tier=2)).by_tier == {2: 1}
    assert single_points.summary(db, filters=Filters(status="active")).total == 0


def test_the_full_list_is_by_tier_then_name_a_page_at_a_time(db, book):
    first = single_points.listing(db, filters=Filters(), number=1, size=3)
    second = single_points.listing(db, filters=Filters(), number=2, size=3)

    assert (first.total, first.pages) == (4, 2)
    assert [p.service_name for p in first.items] == ["Hard", "Untested", "Worst"]
    assert [p.service_name for p in second.items] == ["Both"]


def test_the_pages_show_the_summary_and_link_to_the_list(client, login_as, book):
    login_as("auditor")

    page = client.get("/concentration/?tier=1").text
    section = page[page.index('id="spof-head"') :]
    assert "<strong>3</strong> (T1: 3)" in section
    assert section.count('class="single-point"') == 3
    assert 'href="/concentration/single-points?tier=1"' in section
    listing = client.get("/concentration/single-points?tier=1").text
    assert listing.count('class="single-point"') == 3
    assert 'href="/concentration/?tier=1"' in listing  # back, with the filters


def test_an_empty_book_says_there_are_none(client, login_as):
    login_as("risk")

    assert "No single points of failure" in client.get("/concentration/single-points").text
