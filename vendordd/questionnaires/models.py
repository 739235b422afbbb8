"""Published questionnaire versions: immutable, identified by key, version and content hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel

from vendordd.dbtypes import UTCDateTime


class QuestionnaireVersion(SQLModel, table=True):
    """One published (key, version): its canonical content is kept, so pinned assessments can
    always be shown and scored against it even after the file moves on."""

    __tablename__ = "questionnaire_version"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=60, index=True)
    version: str = Field(max_length=20)
    major: int
    minor: int
    patch: int
    title: str = Field(max_length=200)
    content_hash: str = Field(max_length=64)
    definition: dict = Field(sa_type=JSON)
    question_count: int
    source_file: str = Field(max_length=200)
    published_at: datetime = Field(sa_type=UTCDateTime)
