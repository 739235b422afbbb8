"""Staff users, their login sessions and the login throttle."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from vendordd.dbtypes import UTCDateTime


class Role(StrEnum):
    ADMIN = "admin"
    PROCUREMENT = "procurement"
    RISK = "risk"
    AUDITOR = "auditor"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=120)
    role: str = Field(max_length=20)
    password_hash: str = Field(max_length=200)
    is_active: bool = Field(default=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    password_changed_at: datetime = Field(sa_type=UTCDateTime)


class LoginSession(SQLModel, table=True):
    """A staff login; the cookie carries a random token, only its SHA-256 is stored."""

    __tablename__ = "login_session"

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginThrottle(SQLModel, table=True):
    """Failed logins per email address, known or not, so lockout reveals no accounts."""

    __tablename__ = "login_throttle"

    email: str = Field(primary_key=True, max_length=254)
    failures: int = Field(default=0)
    last_failure_at: datetime = Field(sa_type=UTCDateTime)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class MagicLink(SQLModel, table=True):
    """A vendor contact's way into one assessment: 256 random bits, only the SHA-256 is stored.

    Exchanged once for a portal session. Issuing a new link for the same contact and assessment
    (a reminder, a reissue) revokes the older ones; submitting or cancelling revokes them all.
    """

    __tablename__ = "magic_link"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PortalSession(SQLModel, table=True):
    """A vendor contact's portal session, bound to one assessment; the cookie holds the token."""

    __tablename__ = "portal_session"

    token_hash: str = Field(primary_key=True, max_length=64)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LinkRequest(SQLModel, table=True):
    """ "Email me a new link" requests per address in the current window, known or not."""

    __tablename__ = "link_request"

    email: str = Field(primary_key=True, max_length=254)
    requests: int = Field(default=0)
    window_started_at: datetime = Field(sa_type=UTCDateTime)
