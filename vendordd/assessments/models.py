"""Assessments and what hangs off one: answers and their revisions, invited contacts, evidence,
and the review (question statuses, clarification threads, findings, risk acceptances,
decisions)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from vendordd.dbtypes import UTCDateTime


class Assessment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True)
    questionnaire_version_id: int = Field(foreign_key="questionnaire_version.id", index=True)
    # assessments.workflow.STATUSES; "overdue" is derived from due_on, never stored.
    status: str = Field(default="draft", max_length=20, index=True)
    # The scoring context as issued: the vendor's tier, regimes, most sensitive data class,
    # riskiest use case and whether a critical or important function depends on it.
    tier: str = Field(max_length=2)
    regimes: list[str] = Field(default_factory=list, sa_type=JSON)
    data_class: str = Field(max_length=30)
    use_case: str = Field(max_length=30)
    is_critical: bool = Field(default=False)
    created_at: datetime = Field(sa_type=UTCDateTime)
    due_on: date | None = Field(default=None, index=True)
    issued_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    issued_by_id: int | None = Field(default=None, foreign_key="user.id")
    # Each submission (the first, and every resubmission after clarifications) counts a round.
    submission_round: int = Field(default=0)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # SHA-256 over the answers as submitted: the receipt the vendor keeps.
    submission_hash: str | None = Field(default=None, max_length=64)
    attested_name: str | None = Field(default=None, max_length=120)
    attested_title: str | None = Field(default=None, max_length=120)
    attestation_text: str | None = Field(default=None, sa_type=Text)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    superseded_by_id: int | None = Field(default=None, foreign_key="assessment.id")
    score: dict | None = Field(default=None, sa_type=JSON)
    score_percent: float | None = Field(default=None)
    outcome: str | None = Field(default=None, max_length=20)
    scored_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Answer(SQLModel, table=True):
    """The current answer to one question; every value it ever had is in AnswerRevision."""

    __table_args__ = (UniqueConstraint("assessment_id", "question_key"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    question_key: str = Field(max_length=40)
    # The checked value as plain JSON (questionnaires.answers.dump_answer); "n/a" where allowed.
    value: object = Field(sa_type=JSON)
    # Counts saves; a save names the revision it started from (optimistic concurrency).
    revision: int = Field(default=1)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    updated_by: str = Field(default="", max_length=200)


class AnswerRevision(SQLModel, table=True):
    """One value an answer had, kept for ever: the history a reviewer can read."""

    __tablename__ = "answer_revision"
    __table_args__ = (UniqueConstraint("assessment_id", "question_key", "revision"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    question_key: str = Field(max_length=40)
    revision: int
    value: object = Field(sa_type=JSON)
    submission_round: int = Field(default=0)
    author_type: str = Field(max_length=20)  # user, contact or system (audit.services.Actor)
    author_id: int | None = Field(default=None)
    author_label: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UTCDateTime)


class AssessmentContact(SQLModel, table=True):
    """A vendor contact invited to answer an assessment."""

    __tablename__ = "assessment_contact"

    assessment_id: int = Field(foreign_key="assessment.id", primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", primary_key=True, index=True)
    invited_at: datetime = Field(sa_type=UTCDateTime)
    invited_by: str = Field(max_length=200)


class Evidence(SQLModel, table=True):
    """A file uploaded for a question. The file lives in storage under a random name; the
    original name is for display only. Removal hides it from the answer but keeps the record."""

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    question_key: str = Field(max_length=40)
    storage_key: str = Field(max_length=80, unique=True)
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size_bytes: int
    sha256: str = Field(max_length=64)
    effective_on: date | None = Field(default=None)
    expires_on: date | None = Field(default=None, index=True)
    uploaded_at: datetime = Field(sa_type=UTCDateTime)
    uploaded_by: str = Field(max_length=200)
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class QuestionReview(SQLModel, table=True):
    """A reviewer's status for one question: accepted, or clarification requested."""

    __tablename__ = "question_review"

    assessment_id: int = Field(foreign_key="assessment.id", primary_key=True)
    question_key: str = Field(max_length=40, primary_key=True)
    status: str = Field(max_length=20)  # accepted, clarification
    updated_at: datetime = Field(sa_type=UTCDateTime)
    updated_by_id: int = Field(foreign_key="user.id")


class ClarificationMessage(SQLModel, table=True):
    """One message of a question's thread between the reviewers and the vendor."""

    __tablename__ = "clarification_message"

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    question_key: str = Field(max_length=40)
    author_type: str = Field(max_length=20)  # user or contact
    author_id: int | None = Field(default=None)
    author_label: str = Field(max_length=200)
    body: str = Field(sa_type=Text)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Finding(SQLModel, table=True):
    """A weakness raised from a question, with the remediation asked of the vendor."""

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True)
    question_key: str | None = Field(default=None, max_length=40)
    severity: str = Field(max_length=20)  # low, medium, high, critical
    description: str = Field(sa_type=Text)
    remediation: str = Field(default="", sa_type=Text)
    owner_id: int | None = Field(default=None, foreign_key="user.id")
    due_on: date | None = Field(default=None)
    status: str = Field(default="open", max_length=20, index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by_id: int = Field(foreign_key="user.id")
    updated_at: datetime = Field(sa_type=UTCDateTime)


class RiskAcceptance(SQLModel, table=True):
    """Acceptance of an assessment's knockouts: recorded by one risk user, approved by another."""

    __tablename__ = "risk_acceptance"

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    justification: str = Field(sa_type=Text)
    compensating_controls: str = Field(sa_type=Text)
    expires_on: date
    # The knockouts accepted, as [question key, message] pairs at the time of recording.
    knockouts: list = Field(default_factory=list, sa_type=JSON)
    requested_by_id: int = Field(foreign_key="user.id")
    requested_at: datetime = Field(sa_type=UTCDateTime)
    approved_by_id: int | None = Field(default=None, foreign_key="user.id")
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Decision(SQLModel, table=True):
    """The outcome of a review, with the score it was taken on."""

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", unique=True)
    vendor_id: int = Field(foreign_key="vendor.id", index=True)
    outcome: str = Field(max_length=30)  # approved, approved_with_conditions, rejected
    rationale: str = Field(default="", sa_type=Text)
    score_snapshot: dict = Field(sa_type=JSON)
    score_percent: float | None = Field(default=None)
    residual_rating: str = Field(max_length=20)
    risk_acceptance_id: int | None = Field(default=None, foreign_key="risk_acceptance.id")
    next_reassessment_on: date
    decided_by_id: int = Field(foreign_key="user.id")
    decided_at: datetime = Field(sa_type=UTCDateTime)
