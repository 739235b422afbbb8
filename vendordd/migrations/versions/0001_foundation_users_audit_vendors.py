"""foundation: users, audit, vendors

Revision ID: 0001
Revises:
Create Date: 2026-11-22 03:15:50.716162
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import vendordd.dbtypes

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("occurred_at", vendordd.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_type", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("object_type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("object_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("object_label", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("seq"),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_event_object_type"), ["object_type"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audit_event_occurred_at"), ["occurred_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_event_vendor_id"), ["vendor_id"], unique=False)

    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # The chain's head row exists from the start, so appending can always lock it.
    op.bulk_insert(
        sa.table("audit_head", sa.column("id"), sa.column("seq"), sa.column("hash")),
        [{"id": 1, "seq": 0, "hash": "0" * 64}],
    )
    op.create_table(
        "business_function",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "entity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("regimes", sa.JSON(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "login_throttle",
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", vendordd.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_until", vendordd.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("email"),
    )
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", vendordd.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", vendordd.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "password_changed_at", vendordd.dbtypes.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_email"), ["email"], unique=True)

    op.create_table(
        "login_session",
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", vendordd.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", vendordd.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", vendordd.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_session_user_id"), ["user_id"], unique=False)

    op.create_table(
        "vendor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("legal_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("legal_name_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("lei", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("hq_country", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("website", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("trust_centre_url", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column(
            "subprocessor_list_url", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False
        ),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=True),
        sa.Column("created_at", vendordd.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", vendordd.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("legal_name_key"),
        sa.UniqueConstraint("lei"),
    )
    with op.batch_alter_table("vendor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vendor_display_name"), ["display_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_vendor_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_vendor_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_vendor_tier"), ["tier"], unique=False)

    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("role_title", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("created_at", vendordd.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["vendor_id"],
            ["vendor.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_vendor_id"), ["vendor_id"], unique=False)

    op.create_table(
        "service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("annual_spend", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("use_case", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("data_class", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("critical_function", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("reliance", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("integration", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("autonomy", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("users_affected", sa.Integer(), nullable=False),
        sa.Column("is_public_facing", sa.Boolean(), nullable=False),
        sa.Column(
            "discontinuation_impact", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False
        ),
        sa.Column("rto_hours", sa.Integer(), nullable=True),
        sa.Column("inherent_risk", sa.Integer(), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("tier_reason", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("created_at", vendordd.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", vendordd.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["vendor_id"],
            ["vendor.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("vendor_id", "name", name="uq_service_vendor_name"),
    )
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_tier"), ["tier"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_vendor_id"), ["vendor_id"], unique=False)

    op.create_table(
        "service_entity",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entity.id"],
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
        ),
        sa.PrimaryKeyConstraint("service_id", "entity_id"),
    )
    with op.batch_alter_table("service_entity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_entity_entity_id"), ["entity_id"], unique=False
        )

    op.create_table(
        "service_function",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("function_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["function_id"],
            ["business_function.id"],
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
        ),
        sa.PrimaryKeyConstraint("service_id", "function_id"),
    )
    with op.batch_alter_table("service_function", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_function_function_id"), ["function_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("service_function", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_function_function_id"))

    op.drop_table("service_function")
    with op.batch_alter_table("service_entity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_entity_entity_id"))

    op.drop_table("service_entity")
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_vendor_id"))
        batch_op.drop_index(batch_op.f("ix_service_tier"))

    op.drop_table("service")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_vendor_id"))

    op.drop_table("contact")
    with op.batch_alter_table("vendor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vendor_tier"))
        batch_op.drop_index(batch_op.f("ix_vendor_status"))
        batch_op.drop_index(batch_op.f("ix_vendor_owner_id"))
        batch_op.drop_index(batch_op.f("ix_vendor_display_name"))

    op.drop_table("vendor")
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_session_user_id"))

    op.drop_table("login_session")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_email"))

    op.drop_table("user")
    op.drop_table("login_throttle")
    op.drop_table("entity")
    op.drop_table("business_function")
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_vendor_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_audit_event_object_type"))
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    op.drop_table("audit_event")
