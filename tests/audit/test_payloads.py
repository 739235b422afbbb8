"""Audit payloads: `jsonable` turns values into plain JSON, `diff` keeps only what changed."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from tests.conftest import NOW, SYSTEM
from vendordd.audit.services import diff, jsonable, record_event
from vendordd.auth.models import Role


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1250000.50"), "1250000.50"),
        (datetime(2026, 11, 2, 9, 30, tzinfo=UTC), "2026-11-02T09:30:00+00:00"),
        (date(2026, 11, 2), "2026-11-02"),
        (Role.RISK, "risk"),
        ({"SFC", "HKMA", "MAS"}, ["HKMA", "MAS", "SFC"]),
        (frozenset({3, 1, 2}), [1, 2, 3]),
        ((1, "a"), [1, "a"]),
        (
            {1: Decimal("2"), "nested": {"at": date(2026, 1, 1)}},
            {"1": "2", "nested": {"at": "2026-01-01"}},
        ),
        ([{"x"}, None, True, 1.5], [["x"], None, True, 1.5]),
        ("plain", "plain"),
    ],
)
def test_jsonable(value, expected):
    assert jsonable(value) == expected
    json.dumps(jsonable(value))  # plain JSON, nothing left to convert


def test_diff_keeps_changed_fields_as_before_after_pairs():
    before = {"name": "Quilon", "tier": 3, "spend": Decimal("10.00"), "regimes": {"MAS"}}
    after = {"name": "Quillon", "tier": 3, "spend": Decimal("12.50"), "regimes": {"MAS", "SFC"}}
    assert diff(before, after) == {
        "name": ["Quilon", "Quillon"],
        "regimes": [["MAS"], ["MAS", "SFC"]],
        "spend": ["10.00", "12.50"],
    }


def test_diff_reports_added_and_removed_fields_against_none():
    assert diff({"old": 1}, {"new": 2}) == {"new": [None, 2], "old": [1, None]}


def test_diff_of_equal_states_is_empty():
    state = {"at": NOW, "regimes": {"SFC", "HKMA"}}
    assert diff(state, dict(state, regimes={"HKMA", "SFC"})) == {}


def test_recorded_changes_are_stored_as_plain_json(db):
    event = record_event(
        db,
        actor=SYSTEM,
        action="service.updated",
        object_type="service",
        object_id=1,
        now=NOW,
        changes=diff({"spend": None, "at": None}, {"spend": Decimal("9.90"), "at": NOW}),
    )
    db.commit()
    db.expire_all()
    assert event.changes == {"at": [None, "2026-11-02T09:30:00+00:00"], "spend": [None, "9.90"]}
