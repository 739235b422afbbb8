"""questionnaires, providers, assessments, settings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 08:17:29.519889
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import vendordd.dbtypes

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "provider",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("hq_country", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("lei", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("is_designated_critical", sa.Boolean(), nullable=False),
        sa.Column("created_at", vendordd.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", vendordd.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["provider.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
        sa.UniqueConstraint("lei"),
        sa.UniqueConstraint("name"),
    )
    with op.batch_alter_table("provider", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provider_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_provider_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "questionnaire_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("version", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("major", sa.Integer(), nullable=False),
        sa.Column("minor", sa.Integer(), nullable=False),
        sa.Column("patch", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("question_count", sa.Integer(), nullable=False),
        sa.Column("source_file", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("published_at", vendordd.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "version"),
    )
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_questionnaire_version_key"), ["key"], unique=False)

    op.create_table(
        "setting",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", vendordd.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_version_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("tier", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("regimes", sa.JSON(), nullable=False),
        sa.Column("data_class", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("use_case", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("is_critical", sa.Boolean(), nullable=False),
        sa.Column("created_at", vendordd.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("score", sa.JSON(), nullable=True),
        sa.Column("score_percent", sa.Float(), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("scored_at", vendordd.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["questionnaire_version_id"],
            ["questionnaire_version.id"],
        ),
        sa.ForeignKeyConstraint(
            ["vendor_id"],
            ["vendor.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_questionnaire_version_id"),
            ["questionnaire_version_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_assessment_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_vendor_id"), ["vendor_id"], unique=False)

    op.create_table(
        "answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", vendordd.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("assessment_id", "question_key"),
    )
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_answer_assessment_id"), ["assessment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_answer_assessment_id"))

    op.drop_table("answer")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_vendor_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_status"))
        batch_op.drop_index(batch_op.f("ix_assessment_questionnaire_version_id"))

    op.drop_table("assessment")
    op.drop_table("setting")
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questionnaire_version_key"))

    op.drop_table("questionnaire_version")
    with op.batch_alter_table("provider", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_parent_id"))
        batch_op.drop_index(batch_op.f("ix_provider_kind"))

    op.drop_table("provider")
