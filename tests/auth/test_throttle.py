"""Failed logins: backoff, lockout and its one-hour cap, audit, and no account enumeration."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from tests.conftest import NOW, PASSWORD
from vendordd.audit.models import AuditEvent
from vendordd.auth import login as login_module
from vendordd.auth.login import authenticate, lockout_seconds_after
from vendordd.auth.models import LoginThrottle
from vendordd.auth.passwords import verify_password

KNOWN = "risk@bank.example"
UNKNOWN = "nobody@bank.example"
WRONG = "not the password at all"
LIMITS = {"max_failures": 5, "lockout_seconds": 60}


@pytest.fixture(autouse=True)
def fast_password_check(monkeypatch):
    """Argon2 is slow by design; these tests are about counting, so compare in plain text."""
    monkeypatch.setattr(
        login_module, "verify_password", lambda hashed, given: bool(hashed) and given == PASSWORD
    )


def attempt(db, email: str, password: str = WRONG, at=NOW):
    outcome = authenticate(db, email=email, password=password, now=at, **LIMITS)
    db.commit()
    return outcome


def events(db, action: str | None = None) -> list[AuditEvent]:
    db.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.seq)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.exec(query))


def throttle(db, email: str) -> LoginThrottle | None:
    db.expire_all()
    return db.get(LoginThrottle, email)


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (4, 0), (5, 60), (6, 120), (7, 240), (8, 480), (10, 1920), (11, 3600), (500, 3600)],
)
def test_lockout_doubles_from_the_threshold_up_to_an_hour(failures, seconds):
    assert lockout_seconds_after(failures, **LIMITS) == seconds


def test_backoff_sequence_with_a_controlled_clock(make_user, db):
    make_user("risk")
    at = NOW
    for _ in range(4):
        assert attempt(db, KNOWN, at=at).retry_after is None
    assert throttle(db, KNOWN).locked_until is None
    attempt(db, KNOWN, at=at)  # the fifth failure locks the address for a minute
    assert throttle(db, KNOWN).locked_until == at + timedelta(seconds=60)
    expected_lock = 60
    while expected_lock < 3600:
        blocked = attempt(db, KNOWN, PASSWORD, at=at + timedelta(seconds=expected_lock - 1))
        assert blocked.user is None and blocked.retry_after == 1
        at += timedelta(seconds=expected_lock)  # the lock has just run out
        expected_lock = min(expected_lock * 2, 3600)
        attempt(db, KNOWN, at=at)
        assert throttle(db, KNOWN).locked_until == at + timedelta(seconds=expected_lock)
    attempt(db, KNOWN, at=at + timedelta(hours=1))
    assert throttle(db, KNOWN).locked_until == at + timedelta(hours=2)  # capped at one hour


def test_the_right_password_is_refused_while_locked_out(make_user, db):
    make_user("risk")
    for _ in range(5):
        attempt(db, KNOWN)
    outcome = attempt(db, KNOWN, PASSWORD, at=NOW + timedelta(seconds=30))
    assert outcome.user is None
    assert outcome.message == "Too many failed attempts. Try again in 30 seconds."
    assert outcome.retry_after == 30
    assert attempt(db, KNOWN, PASSWORD, at=NOW + timedelta(seconds=60)).user is not None


def test_unknown_address_is_answered_exactly_like_a_wrong_password(make_user, db):
    make_user("risk")
    clock = [NOW + timedelta(seconds=s) for s in (0, 0, 0, 0, 0, 30, 59, 60, 100, 180)]
    known = [attempt(db, KNOWN, at=at) for at in clock]
    unknown = [attempt(db, UNKNOWN, at=at) for at in clock]
    assert [(o.message, o.retry_after) for o in known] == [
        (o.message, o.retry_after) for o in unknown
    ]
    wrong = "Email or password is not correct."
    assert [o.message for o in known] == [
        *[wrong] * 5,
        "Too many failed attempts. Try again in 30 seconds.",
        "Too many failed attempts. Try again in 1 second.",
        wrong,
        "Too many failed attempts. Try again in 80 seconds.",
        wrong,
    ]
    assert throttle(db, KNOWN).failures == throttle(db, UNKNOWN).failures == 7


def test_unknown_addresses_still_pay_for_a_password_check(db, monkeypatch):
    """The real check runs for unknown addresses too (against a decoy hash)."""
    checked = []
    monkeypatch.setattr(
        login_module, "verify_password", lambda h, p: checked.append((h, p)) or False
    )
    attempt(db, UNKNOWN)
    assert checked == [(None, WRONG)]
    assert verify_password(None, WRONG) is False


@pytest.mark.parametrize(
    "spellings",
    [
        ["Risk@Bank.Example", " risk@bank.example", "RISK@BANK.EXAMPLE ", "risk@bank.example"],
        ["Nobody@Bank.Example", "nobody@bank.example\t", " NOBODY@bank.example"],
    ],
)
def test_changing_case_or_spaces_does_not_escape_the_lockout(make_user, db, spellings):
    make_user("risk")
    for number in range(5):
        attempt(db, spellings[number % len(spellings)])
    for spelling in spellings:
        assert attempt(db, spelling, PASSWORD).retry_after == 60
    (row,) = db.exec(select(LoginThrottle)).all()
    assert row.failures == 5


def test_success_clears_the_count(make_user, db):
    make_user("risk")
    for _ in range(4):
        attempt(db, KNOWN)
    assert attempt(db, KNOWN, PASSWORD).user is not None
    assert throttle(db, KNOWN) is None
    for _ in range(4):
        attempt(db, KNOWN)
    assert attempt(db, KNOWN, PASSWORD).user is not None


def test_failures_are_forgotten_after_a_quiet_day(make_user, db):
    make_user("risk")
    for _ in range(4):
        attempt(db, KNOWN)
    attempt(db, KNOWN, at=NOW + timedelta(hours=25))
    assert throttle(db, KNOWN).failures == 1
    assert throttle(db, KNOWN).locked_until is None


def test_every_failure_and_the_lockout_are_audited(make_user, db):
    user = make_user("risk")
    for _ in range(5):
        attempt(db, KNOWN)
    attempt(db, KNOWN, PASSWORD, at=NOW + timedelta(seconds=10))
    attempt(db, UNKNOWN)
    trail = events(db)
    assert [e.action for e in trail] == [
        *["auth.login_failed"] * 5,
        "auth.lockout",
        "auth.login_blocked",
        "auth.login_failed",
    ]
    assert [e.changes["failures"] for e in trail[:5]] == [[n, n + 1] for n in range(5)]
    locked_until = (NOW + timedelta(seconds=60)).isoformat()
    assert trail[4].changes["locked_until"] == [None, locked_until]
    assert trail[5].changes == {"locked_until": [None, locked_until]}
    assert all(e.actor_type == "anonymous" for e in trail)
    assert {e.actor_label for e in trail[:7]} == {KNOWN}
    assert {(e.object_type, e.object_id) for e in trail[:7]} == {("user", str(user.id))}
    assert (trail[7].object_type, trail[7].object_id, trail[7].actor_label) == (
        "login",
        UNKNOWN,
        UNKNOWN,
    )


def test_a_successful_login_leaves_no_failure_trail(make_user, db):
    make_user("risk")
    assert attempt(db, KNOWN, PASSWORD).user is not None
    assert events(db) == []
    assert db.exec(select(LoginThrottle)).all() == []


@pytest.mark.parametrize("email", [KNOWN, UNKNOWN])
def test_login_page_answers_known_and_unknown_addresses_alike(make_user, auth, email):
    make_user("risk")
    responses = [auth.login(email, WRONG) for _ in range(6)]
    assert [r.status_code for r in responses] == [401, 401, 401, 401, 401, 429]
    assert all("Email or password is not correct." in r.text for r in responses[:5])
    assert "Too many failed attempts. Try again in" in responses[5].text
    assert 55 <= int(responses[5].headers["Retry-After"]) <= 60
    assert auth.login(email, PASSWORD).status_code == 429


def test_wrong_password_and_unknown_address_give_the_same_page(make_user, auth):
    make_user("risk")
    wrong = auth.login(KNOWN, WRONG)
    unknown = auth.login(UNKNOWN, WRONG)
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.text.replace(KNOWN, "EMAIL") == unknown.text.replace(UNKNOWN, "EMAIL")


def test_parallel_attempts_are_all_counted(app, db):
    """Attempts on one address queue on its throttle row, so none escapes the count."""
    engine = app.extensions["vendordd.engine"]
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers itself; row locks matter on PostgreSQL")
    workers, start, errors = 8, threading.Barrier(8), []

    def fail_once():
        try:
            with Session(engine) as session:
                start.wait()
                authenticate(
                    session,
                    email=UNKNOWN,
                    password=WRONG,
                    now=NOW,
                    max_failures=100,
                    lockout_seconds=60,
                )
                session.commit()
        except Exception as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=fail_once) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert throttle(db, UNKNOWN).failures == workers
    failures = events(db, "auth.login_failed")
    assert sorted(e.changes["failures"][1] for e in failures) == list(range(1, workers + 1))
