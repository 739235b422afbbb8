"""book_risk: each vendor's impact and likelihood per scope and tier, by hand and kept in step;
the risk grid read from it equals the grid worked out from the services themselves."""

from __future__ import annotations

from itertools import product

import pytest
from sqlalchemy import func, update
from sqlmodel import select

from tests.assessments.helpers import scored_assessment
from tests.concentration import book
from tests.concentration.test_exposures import assert_fresh, table_rows
from tests.vendors.test_services import make_service
from vendordd.assessments.models import Assessment
from vendordd.concentration import riskgrid
from vendordd.concentration.aggregates import Filters
from vendordd.concentration.models import GROUP_SCOPE
from vendordd.concentration.risklevels import ANY_TIER, BookRisk
from vendordd.vendors.models import VENDOR_STATUSES, ServiceEntity, Vendor


@pytest.fixture
def objects(db, tmp_path):
    return book.build(db, tmp_path)


def levels(db, vendor, scope=GROUP_SCOPE) -> dict[int, tuple]:
    """tier -> (impact, likelihood, services, status) of a vendor's rows in one scope."""
    return {
        r.tier: (r.impact, r.likelihood, r.services, r.status)
        for r in table_rows(db, BookRisk, vendor_id=vendor.id, scope=scope)
    }


def test_the_levels_of_the_small_book_by_hand(db, objects):
    o = objects
    assert_fresh(db)
    # Alpha: Advisor T1 (impact 5 - 1 = 4), Search T4 (impact 1); scored 90 % (likelihood 1).
    assert levels(db, o["alpha"]) == {
        ANY_TIER: (4, 1, 2, "active"),
        1: (4, 1, 1, "active"),
        4: (1, 1, 1, "active"),
    }
    # In SG, Alpha has Search only.
    assert levels(db, o["alpha"], o["sg"].id) == {
        ANY_TIER: (1, 1, 1, "active"),
        4: (1, 1, 1, "active"),
    }
    # Beta: Chat T3 (impact 2), Notes T4 (impact 1); not scored.
    assert levels(db, o["beta"]) == {
        ANY_TIER: (2, None, 2, "onboarding"), 3: (2, None, 1, "onboarding"),
        4: (1, None, 1, "onboarding"),
    }  # fmt: skip


def test_the_stored_grid_equals_the_grid_from_the_services_under_every_filter(db, objects):
    o = objects
    entities, tiers = (None, o["hk"].id, o["sg"].id), (None, 1, 2, 3, 4)
    for entity, tier, status in product(entities, tiers, ("", *VENDOR_STATUSES)):
        filters = Filters(entity=entity, tier=tier, status=status)
        stored = riskgrid._stored_levels(filters)
        live = riskgrid._vendor_levels(filters)
        assert _grid(db, stored) == _grid(db, live), filters


def _grid(db, levels) -> list[tuple]:
    columns = (levels.c.impact, levels.c.likelihood)
    counts = select(*columns, func.count(), func.sum(levels.c.services)).group_by(*columns)
    return sorted(db.exec(counts).all(), key=repr)


def test_scoring_a_vendor_plots_it_and_a_later_score_moves_it(db, objects):
    o = objects
    assessment = scored_assessment(db, o["beta"], {"EG-01": "yes", "DR-01": "HK"})
    assessment.score_percent = 50.0  # 40-60 %: likelihood 4
    db.add(assessment)
    db.commit()
    assert levels(db, o["beta"])[ANY_TIER] == (2, 4, 2, "onboarding")
    grid = riskgrid.risk_grid(db, filters=Filters())
    assert {(c.row, c.col, c.services) for c in grid.cells} == {("4", "1", 1), ("2", "4", 1)}
    assert (grid.unscored, grid.services) == (0, 4)
    # A bulk statement (as a rescoring of the book runs) is seen by the next read.
    db.execute(
        update(Assessment).where(Assessment.vendor_id == o["beta"].id).values(score_percent=30.0)
    )
    assert levels(db, o["beta"])[ANY_TIER] == (2, 5, 2, "onboarding")
    db.commit()
    assert_fresh(db)


def test_services_links_and_statuses_move_the_vendors_rows(db, objects):
    o = objects
    pricing = make_service(db, o["beta"], "Pricing", tier=2, entity_ids=[o["hk"].id])
    assert levels(db, o["beta"], o["hk"].id) == {
        ANY_TIER: (3, None, 1, "onboarding"),
        2: (3, None, 1, "onboarding"),
    }
    assert levels(db, o["beta"])[ANY_TIER] == (3, None, 3, "onboarding")
    # Search leaves SG: Alpha has no service there any more.
    link = db.get(ServiceEntity, (o["s2"].id, o["sg"].id))
    db.delete(link)
    db.commit()
    assert levels(db, o["alpha"], o["sg"].id) == {}
    vendor = db.get(Vendor, o["alpha"].id)
    vendor.status = "offboarded"
    db.add(vendor)
    db.commit()
    assert {row[3] for row in levels(db, o["alpha"]).values()} == {"offboarded"}
    db.delete(db.get(ServiceEntity, (pricing.id, o["hk"].id)))
    db.commit()
    assert levels(db, o["beta"], o["hk"].id) == {}
    assert_fresh(db)


def test_a_rollback_leaves_the_rows_as_they_were(db, objects):
    before = table_rows(db, BookRisk)
    db.execute(update(Assessment).values(score_percent=None))
    assert all(r.likelihood is None for r in table_rows(db, BookRisk))
    db.rollback()
    assert table_rows(db, BookRisk) == before
