"""Checking a password under a per-address throttle: backoff, temporary lockout, audit."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from vendordd.audit.services import Actor, diff, record_event
from vendordd.auth.models import LoginThrottle, User
from vendordd.auth.passwords import hash_password, needs_rehash, verify_password

MAX_LOCKOUT_SECONDS = 3600
# Failures older than this are forgotten, so an occasional typo never adds up to a lockout.
FAILURE_MEMORY = timedelta(hours=24)
WRONG_CREDENTIALS = "Email or password is not correct."
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@dataclass(frozen=True)
class LoginOutcome:
    """The user when the password was right; else the message to show (and, when locked out,
    the seconds until another attempt is allowed).
    """

    user: User | None
    message: str = ""
    retry_after: int | None = None


def normalise_email(email: str) -> str:
    """The form under which emails are stored, looked up and throttled."""
    return email.strip().lower()


def lockout_seconds_after(failures: int, *, max_failures: int, lockout_seconds: int) -> int:
    """How long an address is locked after its n-th consecutive failure (0: not locked).

    The first lockout comes at `max_failures`; each further failure doubles it, up to an hour.
    """
    if failures < max_failures:
        return 0
    doublings = min(failures - max_failures, MAX_LOCKOUT_SECONDS.bit_length())
    return min(lockout_seconds * 2**doublings, MAX_LOCKOUT_SECONDS)


def authenticate(
    session: Session,
    *,
    email: str,
    password: str,
    now: datetime,
    max_failures: int,
    lockout_seconds: int,
) -> LoginOutcome:
    """Check a password under the address's throttle; every refusal is audited.

    Unknown addresses are throttled, locked out and answered exactly like known ones, so the
    login form reveals nothing about which accounts exist.
    """
    email = normalise_email(email)[:254]
    throttle = _locked_throttle(session, email=email, now=now)
    user = session.exec(select(User).where(User.email == email)).first()
    if throttle.locked_until and throttle.locked_until > now:
        wait = math.ceil((throttle.locked_until - now).total_seconds())
        _audit(session, "auth.login_blocked", email=email, user=user, now=now)
        message = f"Too many failed attempts. Try again in {_duration(wait)}."
        return LoginOutcome(None, message, retry_after=wait)
    active_hash = user.password_hash if user and user.is_active else None
    if verify_password(active_hash, password):
        session.delete(throttle)
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
            session.add(user)
        return LoginOutcome(user)
    if throttle.last_failure_at < now - FAILURE_MEMORY:
        throttle.failures, throttle.locked_until = 0, None
    before = {"failures": throttle.failures, "locked_until": throttle.locked_until}
    throttle.failures += 1
    throttle.last_failure_at = now
    seconds = lockout_seconds_after(
        throttle.failures, max_failures=max_failures, lockout_seconds=lockout_seconds
    )
    if seconds:
        throttle.locked_until = now + timedelta(seconds=seconds)
    session.add(throttle)
    after = {"failures": throttle.failures, "locked_until": throttle.locked_until}
    _audit(
        session, "auth.login_failed", email=email, user=user, now=now, changes=diff(before, after)
    )
    if seconds:
        changes = diff(
            {"locked_until": before["locked_until"]}, {"locked_until": after["locked_until"]}
        )
        _audit(session, "auth.lockout", email=email, user=user, now=now, changes=changes)
    return LoginOutcome(None, WRONG_CREDENTIALS)


def _locked_throttle(session: Session, *, email: str, now: datetime) -> LoginThrottle:
    """The address's throttle row, created when missing and locked until the commit.

    The lock makes parallel attempts on one address queue up, so none escapes the count.
    """
    insert = _INSERTS[session.get_bind().dialect.name]
    session.exec(
        insert(LoginThrottle)
        .values(email=email, failures=0, last_failure_at=now)
        .on_conflict_do_nothing(index_elements=["email"])
    )
    return session.exec(
        select(LoginThrottle)
        .where(LoginThrottle.email == email)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _audit(
    session: Session,
    action: str,
    *,
    email: str,
    user: User | None,
    now: datetime,
    changes: dict | None = None,
) -> None:
    record_event(
        session,
        actor=Actor.anonymous(email),
        action=action,
        object_type="user" if user else "login",
        object_id=user.id if user else email,
        object_label=email,
        now=now,
        changes=changes,
    )


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"
