"""The outbox: every message the product sends, kept after delivery."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from vendordd.dbtypes import UTCDateTime


class OutboxMessage(SQLModel, table=True):
    """An email written in the transaction that caused it and delivered after the commit."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(default="email", max_length=20)
    recipient: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    body: str = Field(sa_type=Text)
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)
    # What it is about, for the outbox page (e.g. "assessment", 12).
    object_type: str = Field(default="", max_length=40)
    object_id: str = Field(default="", max_length=40)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    attempts: int = Field(default=0)
    last_error: str = Field(default="", sa_type=Text)
