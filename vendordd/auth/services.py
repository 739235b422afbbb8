"""Users, logins (with throttling) and login sessions."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from vendordd.audit.services import Actor, diff, record_event
from vendordd.auth.models import LoginSession, LoginThrottle, Role, User
from vendordd.auth.passwords import hash_password, needs_rehash, verify_password

MAX_LOCKOUT_SECONDS = 3600


class UserError(ValueError):
    """A user change was refused; the message is shown to the admin."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def actor_for(user: User) -> Actor:
    return Actor("user", user.id, f"{user.name} <{user.email}>")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user_state(user: User) -> dict:
    return {"email": user.email, "name": user.name, "role": user.role, "is_active": user.is_active}


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    actor: Actor,
    now: datetime,
) -> User:
    """Create a staff user; refuses a duplicate email or an unknown role."""
    email = normalise_email(email)
    if role not in {r.value for r in Role}:
        raise UserError(f"Unknown role {role!r}; choose one of {', '.join(r.value for r in Role)}.")
    if session.exec(select(User).where(User.email == email)).first():
        raise UserError(f"A user with email {email} already exists.")
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        password_hash=hash_password(password),
        created_at=now,
        updated_at=now,
        password_changed_at=now,
    )
    session.add(user)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="user.created",
        object_type="user",
        object_id=user.id,
        object_label=user.email,
        now=now,
        changes=diff({}, _user_state(user)),
    )
    return user


def update_user(
    session: Session,
    *,
    user: User,
    name: str,
    role: str,
    is_active: bool,
    actor: Actor,
    now: datetime,
) -> User:
    """Change a user's name, role or active flag; deactivating ends their sessions."""
    if actor.id == user.id and (not is_active or role != user.role):
        raise UserError("You cannot change your own role or deactivate yourself.")
    before = _user_state(user)
    user.name, user.role, user.is_active = name.strip(), role, is_active
    changes = diff(before, _user_state(user))
    if not changes:
        return user
    user.updated_at = now
    session.add(user)
    if not is_active or "role" in changes:
        revoke_sessions(session, user_id=user.id, now=now)
    record_event(
        session,
        actor=actor,
        action="user.updated",
        object_type="user",
        object_id=user.id,
        object_label=user.email,
        now=now,
        changes=changes,
    )
    return user


def reset_password(
    session: Session, *, user: User, password: str, actor: Actor, now: datetime
) -> None:
    """Set a new password and end every session of the user."""
    user.password_hash = hash_password(password)
    user.password_changed_at = user.updated_at = now
    session.add(user)
    revoke_sessions(session, user_id=user.id, now=now)
    record_event(
        session,
        actor=actor,
        action="user.password_reset",
        object_type="user",
        object_id=user.id,
        object_label=user.email,
        now=now,
    )


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    message: str


def authenticate(
    session: Session,
    *,
    email: str,
    password: str,
    now: datetime,
    max_failures: int,
    lockout_seconds: int,
) -> LoginOutcome:
    """Check a password under throttling; failures and lockouts are audited."""
    email = normalise_email(email)
    throttle = session.get(LoginThrottle, email)
    if throttle and throttle.locked_until and throttle.locked_until > now:
        wait = int((throttle.locked_until - now).total_seconds()) + 1
        return LoginOutcome(None, f"Too many failed attempts. Try again in {_duration(wait)}.")
    user = session.exec(select(User).where(User.email == email)).first()
    if user and user.is_active and verify_password(user.password_hash, password):
        if throttle:
            session.delete(throttle)
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
            session.add(user)
        return LoginOutcome(user, "")
    throttle = throttle or LoginThrottle(email=email, failures=0, last_failure_at=now)
    throttle.failures += 1
    throttle.last_failure_at = now
    changes = {"failures": throttle.failures}
    if throttle.failures >= max_failures:
        seconds = min(
            lockout_seconds * 2 ** (throttle.failures - max_failures), MAX_LOCKOUT_SECONDS
        )
        throttle.locked_until = now + timedelta(seconds=seconds)
        changes["locked_for_seconds"] = seconds
    session.add(throttle)
    record_event(
        session,
        actor=Actor.anonymous(email),
        action="auth.login_failed",
        object_type="user" if user else "login",
        object_id=user.id if user else email,
        object_label=email,
        now=now,
        changes=changes,
    )
    return LoginOutcome(None, "Email or password is not correct.")


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconds"
    return f"{(seconds + 59) // 60} minutes"


def start_session(session: Session, *, user: User, now: datetime, hours: int) -> str:
    """Open a login session and return its token (the cookie value; only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    record_event(
        session,
        actor=actor_for(user),
        action="auth.login",
        object_type="user",
        object_id=user.id,
        object_label=user.email,
        now=now,
    )
    return token


def end_session(session: Session, *, token: str, now: datetime) -> None:
    """Revoke one login session (logout)."""
    login = session.get(LoginSession, _token_hash(token))
    if login is None or login.revoked_at is not None:
        return
    login.revoked_at = now
    session.add(login)
    user = session.get(User, login.user_id)
    record_event(
        session,
        actor=actor_for(user),
        action="auth.logout",
        object_type="user",
        object_id=user.id,
        object_label=user.email,
        now=now,
    )


def revoke_sessions(session: Session, *, user_id: int, now: datetime) -> None:
    """End every open session of a user."""
    for login in session.exec(
        select(LoginSession).where(
            LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None)
        )
    ):
        login.revoked_at = now
        session.add(login)


def user_for_token(session: Session, *, token: str, now: datetime) -> User | None:
    """The active user behind a session token, if the session is open and unexpired."""
    login = session.get(LoginSession, _token_hash(token))
    if login is None or login.revoked_at is not None or login.expires_at <= now:
        return None
    user = session.get(User, login.user_id)
    return user if user and user.is_active else None
