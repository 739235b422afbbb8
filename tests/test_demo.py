"""`vendordd demo` loads a realistic book once; a second run changes nothing."""

from collections import Counter

from sqlalchemy import func
from sqlmodel import select

from vendordd.audit.models import AuditEvent
from vendordd.auth.models import User
from vendordd.demo import DEMO_USERS, demo_password
from vendordd.vendors.models import Contact, Service, Vendor
from vendordd.vendors.validation import lei_problem


def _counts(db):
    return {
        model.__name__: db.exec(select(func.count()).select_from(model)).one()
        for model in (User, Vendor, Service, Contact, AuditEvent)
    }


def test_demo_is_idempotent_and_prints_logins(runner, db):
    first = runner.invoke(args=["vendordd", "demo"])
    assert first.exit_code == 0, first.output
    for role, (email, _name) in DEMO_USERS.items():
        assert f"{email}  password: {demo_password(role)}" in first.output
    loaded = _counts(db)
    assert loaded["Vendor"] == 40
    assert loaded["User"] == 4

    second = runner.invoke(args=["vendordd", "demo"])
    assert second.exit_code == 0, second.output
    assert "nothing new" in second.output
    assert _counts(db) == loaded


def test_demo_book_spans_tiers_statuses_and_entities(runner, db):
    assert runner.invoke(args=["vendordd", "demo"]).exit_code == 0
    vendors = db.exec(select(Vendor)).all()
    assert Counter(v.tier for v in vendors).keys() == {1, 2, 3, 4, None}
    assert set(Counter(v.status for v in vendors)) == {
        "prospect",
        "onboarding",
        "active",
        "offboarded",
    }
    assert all(lei_problem(v.lei) is None for v in vendors if v.lei)
    assert all(v.lei.startswith("DEMO") for v in vendors if v.lei)


def test_demo_users_can_log_in(runner, auth):
    assert runner.invoke(args=["vendordd", "demo"]).exit_code == 0
    for role, (email, _name) in DEMO_USERS.items():
        assert auth.login(email, demo_password(role)).status_code == 302
        auth.logout()


def test_if_empty_leaves_a_database_with_users_alone(runner, make_user, db):
    make_user("admin")
    result = runner.invoke(args=["vendordd", "demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "demo data not loaded" in result.output
    assert db.exec(select(func.count()).select_from(Vendor)).one() == 0


def test_if_empty_loads_a_fresh_database(runner, db):
    result = runner.invoke(args=["vendordd", "demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert db.exec(select(func.count()).select_from(Vendor)).one() == 40
