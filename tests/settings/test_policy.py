"""The data-location policy service: stored as a setting, validated, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.conftest import NOW, SYSTEM
from vendordd.audit.models import AuditEvent
from vendordd.settings.models import Setting
from vendordd.settings.services import (
    POLICY_KEY,
    PolicyError,
    data_location_policy,
    set_data_location_policy,
)


def events(db) -> list[AuditEvent]:
    return db.exec(select(AuditEvent).where(AuditEvent.action == "setting.updated")).all()


def test_no_policy_means_no_restriction(db):
    assert data_location_policy(db) == {}


def test_policy_round_trip_normalises_codes(db):
    changed = set_data_location_policy(
        db,
        policy={"customer_personal": ["hk", " SG", "sg"], "regulated": ["HK"], "public": []},
        actor=SYSTEM,
        now=NOW,
    )
    db.commit()
    db.expire_all()

    assert changed is True
    assert data_location_policy(db) == {
        "customer_personal": frozenset({"HK", "SG"}),
        "regulated": frozenset({"HK"}),
    }
    assert db.get(Setting, POLICY_KEY).updated_at == NOW


def test_a_change_is_audited_with_before_and_after(db):
    set_data_location_policy(db, policy={"regulated": ["HK"]}, actor=SYSTEM, now=NOW)
    later = NOW + timedelta(days=1)
    set_data_location_policy(
        db,
        policy={"regulated": ["HK", "SG"], "confidential": ["GB"]},
        actor=SYSTEM,
        now=later,
    )
    db.commit()

    first, second = events(db)
    assert (first.object_type, first.object_id) == ("setting", POLICY_KEY)
    assert first.changes == {"regulated": [None, ["HK"]]}
    assert second.changes == {"confidential": [None, ["GB"]], "regulated": [["HK"], ["HK", "SG"]]}
    assert (second.actor_label, second.occurred_at) == ("test", later)


def test_the_same_policy_again_changes_nothing(db):
    set_data_location_policy(db, policy={"regulated": ["SG", "HK"]}, actor=SYSTEM, now=NOW)
    later = NOW + timedelta(days=1)
    again = set_data_location_policy(
        db, policy={"regulated": ["hk", "sg"]}, actor=SYSTEM, now=later
    )
    db.commit()

    assert again is False
    assert len(events(db)) == 1
    assert db.get(Setting, POLICY_KEY).updated_at == NOW


def test_a_blank_class_lifts_its_restriction(db):
    set_data_location_policy(db, policy={"regulated": ["HK"]}, actor=SYSTEM, now=NOW)
    set_data_location_policy(db, policy={"regulated": []}, actor=SYSTEM, now=NOW)
    db.commit()

    assert data_location_policy(db) == {}
    assert events(db)[-1].changes == {"regulated": [["HK"], None]}


@pytest.mark.parametrize(
    ("policy", "data_class", "message"),
    [
        (
            {"secret": ["HK"]},
            "secret",
            "'secret' is not a data class (known: public, internal, confidential,",
        ),
        (
            {"regulated": ["HK", "XX"]},
            "regulated",
            "XX is not an ISO 3166-1 alpha-2 country code; use two-letter codes",
        ),
        (
            {"confidential": ["UK", "ZZ"]},
            "confidential",
            "UK (use GB), ZZ are not ISO 3166-1 alpha-2 country codes",
        ),
    ],
)
def test_a_bad_policy_is_refused_and_nothing_is_stored(db, policy, data_class, message):
    set_data_location_policy(db, policy={"public": ["SG"]}, actor=SYSTEM, now=NOW)
    db.commit()

    with pytest.raises(PolicyError) as refused:
        set_data_location_policy(db, policy={"public": ["HK"], **policy}, actor=SYSTEM, now=NOW)
    db.rollback()

    assert list(refused.value.problems) == [data_class]
    assert refused.value.problems[data_class].startswith(message)
    assert data_location_policy(db) == {"public": frozenset({"SG"})}
    assert len(events(db)) == 1


def test_every_problem_is_reported_at_once(db):
    with pytest.raises(PolicyError) as refused:
        set_data_location_policy(
            db, policy={"regulated": ["XX"], "internal": ["QQ"]}, actor=SYSTEM, now=NOW
        )
    assert set(refused.value.problems) == {"regulated", "internal"}
    assert "regulated: XX is not" in str(refused.value)
