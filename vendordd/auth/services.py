"""Staff users and their login sessions; logging in (with throttling) is in `login.py`."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, select, update

from vendordd.audit.services import USER, Actor, diff, record_event
from vendordd.auth.login import LoginOutcome, authenticate, normalise_email
from vendordd.auth.models import LoginSession, Role, User
from vendordd.auth.passwords import hash_password, password_problem

__all__ = [
    "LoginOutcome",
    "UserError",
    "actor_for",
    "authenticate",
    "create_user",
    "end_session",
    "normalise_email",
    "reset_password",
    "revoke_sessions",
    "start_session",
    "update_user",
    "user_for_token",
]


class UserError(ValueError):
    """A user change was refused; the message is shown to the admin, `field` names the input."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def actor_for(user: User) -> Actor:
    """The audit actor for a staff user."""
    return Actor(USER, user.id, f"{user.name} <{user.email}>")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user_state(user: User) -> dict:
    return {"email": user.email, "name": user.name, "role": user.role, "is_active": user.is_active}


def _check_role(role: str) -> None:
    if role not in {r.value for r in Role}:
        choices = ", ".join(r.value for r in Role)
        raise UserError(f"Unknown role {role!r}; choose one of {choices}.", "role")


def _check_password(password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise UserError(problem, "password")


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise UserError("Enter the user's name.", "name")
    return name


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
    """Create a staff user; refuses a duplicate email, an unknown role or a weak password."""
    email = normalise_email(email)
    name = _clean_name(name)
    _check_role(role)
    _check_password(password)
    if session.exec(select(User).where(User.email == email)).first():
        raise UserError(f"A user with email {email} already exists.", "email")
    user = User(
        email=email,
        name=name,
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
) -> dict[str, list]:
    """Change a user's name, role or active flag; returns the audited changes (empty if none).

    A role change or a deactivation ends the user's open sessions at once. Admins cannot
    demote or deactivate themselves, so there is always an admin left to undo a mistake.
    """
    name = _clean_name(name)
    _check_role(role)
    if actor.type == USER and actor.id == user.id:
        if role != user.role:
            raise UserError("You cannot change your own role; ask another admin.", "role")
        if not is_active:
            raise UserError("You cannot deactivate yourself; ask another admin.", "is_active")
    before = _user_state(user)
    user.name, user.role, user.is_active = name, role, is_active
    changes = diff(before, _user_state(user))
    if not changes:
        return changes
    user.updated_at = now
    session.add(user)
    if "role" in changes or not is_active:
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
    return changes


def reset_password(
    session: Session, *, user: User, password: str, actor: Actor, now: datetime
) -> None:
    """Set a new password and end every session of the user."""
    _check_password(password)
    before = user.password_changed_at
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
        changes=diff({"password_changed_at": before}, {"password_changed_at": now}),
    )


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
    """Revoke one login session (logout); an unknown or already ended one is left alone."""
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
    session.exec(
        update(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    )


def user_for_token(session: Session, *, token: str, now: datetime) -> User | None:
    """The active user behind a session token, if the session is open and unexpired."""
    login = session.get(LoginSession, _token_hash(token))
    if login is None or login.revoked_at is not None or login.expires_at <= now:
        return None
    user = session.get(User, login.user_id)
    return user if user and user.is_active else None
