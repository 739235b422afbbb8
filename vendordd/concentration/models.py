"""The provider registry, and each vendor service's fourth-party dependencies by layer."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Index, Text
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
    # A duplicate merged away: kept for the audit trail, its name resolving to the survivor.
    merged_into_id: int | None = Field(default=None, foreign_key="provider.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


# The vendor's chain, in the order the vendor page draws it.
LAYERS = {
    "model_developer": "Model developers",
    "hosting_platform": "Hosting platforms",
    "cloud": "Clouds",
    "processing_country": "Processing countries",
    "storage_country": "Storage countries",
    "other": "Other critical services",
}
COUNTRY_LAYERS = frozenset({"processing_country", "storage_country"})
# The layers measured for concentration (and given thresholds), in the order pages list them.
SUMMARY_LAYERS = (
    "model_developer",
    "hosting_platform",
    "cloud",
    "processing_country",
    "storage_country",
)
# The layers a business function matrix can show, and the columns of the model developer one.
# The scope of a derived table's rows over the whole group; an entity's rows have its id.
GROUP_SCOPE = 0
PROVIDER_LAYERS = ("model_developer", "hosting_platform", "cloud")
STACK_COLUMNS = ("cloud", "processing_country", "storage_country")
# One of a summary layer, as a matrix axis, a settings row or a message names it.
SINGULAR = {
    "model_developer": "Model developer",
    "hosting_platform": "Hosting platform",
    "cloud": "Cloud",
    "processing_country": "Processing country",
    "storage_country": "Storage country",
}
# DORA register of information, B_07.01.0050 (reference §4.4), from worst to best.
SUBSTITUTABILITY = {
    "not_substitutable": "Not substitutable",
    "highly_complex": "Highly complex",
    "medium_complexity": "Medium complexity",
    "easily_substitutable": "Easily substitutable",
}
DERIVED, MANUAL = "derived", "manual"


class Dependency(SQLModel, table=True):
    """One fourth party (or country) a vendor service rests on, in one layer of its chain.

    Derived rows name the assessment answer they came from; manual rows the person and reason.
    A removal keeps the row (removed_at), so a hand removal survives re-derivation.
    """

    __table_args__ = (
        # The book-level GROUP BY layer, provider (or country) over live rows; with the service
        # id the concentration page's per-service DISTINCT reads the index only.
        Index(
            "ix_dependency_layer_provider_service",
            "layer",
            "removed_at",
            "provider_id",
            "service_id",
        ),
        Index(
            "ix_dependency_layer_country_service", "layer", "removed_at", "country", "service_id"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True)
    service_id: int = Field(foreign_key="service.id", index=True)
    layer: str = Field(max_length=20)
    provider_id: int | None = Field(default=None, foreign_key="provider.id", index=True)
    # A provider named in an answer that the registry does not know (is_unregistered).
    provider_name: str | None = Field(default=None, max_length=200)
    is_unregistered: bool = Field(default=False)
    country: str | None = Field(default=None, max_length=2)
    model_family: str | None = Field(default=None, max_length=120)
    model_version: str | None = Field(default=None, max_length=80)
    source: str = Field(max_length=10)  # derived or manual
    assessment_id: int | None = Field(default=None, foreign_key="assessment.id", index=True)
    question_key: str | None = Field(default=None, max_length=40)
    added_by_id: int | None = Field(default=None, foreign_key="user.id")
    reason: str = Field(default="", sa_type=Text)
    substitutability: str | None = Field(default=None, max_length=30)
    has_alternative: bool | None = Field(default=None)
    has_exit_plan: bool | None = Field(default=None)
    is_failover_tested: bool | None = Field(default=None)
    failover_tested_on: date | None = Field(default=None)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    removed_by_id: int | None = Field(default=None, foreign_key="user.id")
    removal_reason: str = Field(default="", sa_type=Text)


class DependencyDerivation(SQLModel, table=True):
    """One derivation of a vendor's dependencies from an assessment, and what it changed."""

    __tablename__ = "dependency_derivation"

    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    previous_assessment_id: int | None = Field(default=None, foreign_key="assessment.id")
    # {"added"|"removed"|"changed": {layer: [labels]}} (derivation.DerivationChange.to_json).
    changes: dict = Field(default_factory=dict, sa_type=JSON)
    derived_at: datetime = Field(sa_type=UTCDateTime)
