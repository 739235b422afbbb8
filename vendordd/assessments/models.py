"""An assessment pins a questionnaire version for one vendor; answers are one row per question."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel

from vendordd.dbtypes import UTCDateTime


class Assessment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True)
    questionnaire_version_id: int = Field(foreign_key="questionnaire_version.id", index=True)
    status: str = Field(default="open", max_length=20, index=True)
    # The scoring context as issued: the vendor's tier, regimes, most sensitive data class,
    # riskiest use case and whether a critical or important function depends on it.
    tier: str = Field(max_length=2)
    regimes: list[str] = Field(default_factory=list, sa_type=JSON)
    data_class: str = Field(max_length=30)
    use_case: str = Field(max_length=30)
    is_critical: bool = Field(default=False)
    created_at: datetime = Field(sa_type=UTCDateTime)
    score: dict | None = Field(default=None, sa_type=JSON)
    score_percent: float | None = Field(default=None)
    outcome: str | None = Field(default=None, max_length=20)
    scored_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Answer(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("assessment_id", "question_key"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    question_key: str = Field(max_length=40)
    # The checked value as plain JSON (questionnaires.answers.dump_answer); "n/a" where allowed.
    value: object = Field(sa_type=JSON)
    revision: int = Field(default=1)
    updated_at: datetime = Field(sa_type=UTCDateTime)
