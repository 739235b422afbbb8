"""The provider registry: model developers, model hosting platforms, clouds and other services."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from vendordd.dbtypes import UTCDateTime

PROVIDER_KINDS = {
    "model_developer": "Model developer",
    "hosting_platform": "Model hosting platform",
    "cloud": "Cloud provider",
    "other": "Other service (vector store, guardrail, embedding, …)",
    "parent_company": "Ultimate parent company",
}


class Provider(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=60, unique=True)
    name: str = Field(max_length=120, unique=True)
    kind: str = Field(max_length=20, index=True)
    # Connected providers (e.g. a cloud and its parent) count together in concentration.
    parent_id: int | None = Field(default=None, foreign_key="provider.id", index=True)
    hq_country: str = Field(max_length=2)
    lei: str | None = Field(default=None, max_length=20, unique=True)
    is_designated_critical: bool = Field(default=False)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
