"""Settings as JSON values under a key, each change audited by the service that makes it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from vendordd.dbtypes import UTCDateTime


class Setting(SQLModel, table=True):
    key: str = Field(max_length=60, primary_key=True)
    value: object = Field(sa_type=JSON)
    updated_at: datetime = Field(sa_type=UTCDateTime)
