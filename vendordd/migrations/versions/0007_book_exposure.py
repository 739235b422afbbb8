"""book_exposure: the book's de-duplicated, weighted exposures, filled from live dependencies

A derived table (vendordd/concentration/exposures.py keeps it in step from now on). It is filled
here with the rules of this revision, so the migration does not depend on later code. The
covering index 0006 put on service for the page's lookups goes (the page reads this table now);
one for the residual-risk grid's impact per vendor comes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 10:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

FILL = """
WITH RECURSIVE climb(id, top, depth) AS (
    SELECT id, id, 0 FROM provider
    UNION ALL
    SELECT climb.id, above.parent_id, climb.depth + 1
    FROM climb JOIN provider AS above ON above.id = climb.top
    WHERE above.parent_id IS NOT NULL AND climb.depth < 32
),
ultimate AS (
    SELECT climb.id, climb.top FROM climb JOIN provider AS top ON top.id = climb.top
    WHERE top.parent_id IS NULL
),
units AS (
    SELECT
        d.service_id, d.layer,
        CASE WHEN d.layer IN ('processing_country', 'storage_country') THEN d.country
             WHEN d.provider_id IS NOT NULL THEN CAST(d.provider_id AS VARCHAR(210))
             ELSE 'name:' || d.provider_name END AS key,
        ultimate.top AS top,
        d.substitutability, d.is_failover_tested
    FROM dependency AS d LEFT JOIN ultimate ON ultimate.id = d.provider_id
    WHERE d.removed_at IS NULL AND (
        (d.layer IN ('processing_country', 'storage_country') AND d.country IS NOT NULL)
        OR (d.layer NOT IN ('processing_country', 'storage_country')
            AND (d.provider_id IS NOT NULL OR d.provider_name IS NOT NULL)))
)
INSERT INTO book_exposure (service_id, layer, key, parent_key, vendor_id, tier, weight, spend,
                           status, substitutability, failover_tested, is_first, paths)
SELECT
    u.service_id, u.layer, u.key,
    MAX(COALESCE(CAST(u.top AS VARCHAR(210)), u.key)),
    MAX(s.vendor_id), MAX(s.tier),
    MAX(CASE WHEN s.tier = 1 THEN 4 ELSE CASE s.reliance WHEN 'full' THEN 4
        WHEN 'material' THEN 3 WHEN 'low' THEN 2 WHEN 'not_significant' THEN 1 ELSE 1 END END),
    MAX(s.annual_spend), MAX(v.status),
    CASE MIN(CASE u.substitutability WHEN 'not_substitutable' THEN 0 WHEN 'highly_complex' THEN 1
        WHEN 'medium_complexity' THEN 2 WHEN 'easily_substitutable' THEN 3 END)
        WHEN 0 THEN 'not_substitutable' WHEN 1 THEN 'highly_complex'
        WHEN 2 THEN 'medium_complexity' WHEN 3 THEN 'easily_substitutable' END,
    MIN(CASE WHEN u.is_failover_tested THEN 1 ELSE 0 END) = 1,
    ROW_NUMBER() OVER (PARTITION BY u.service_id, u.layer ORDER BY u.key) = 1,
    COUNT(*) OVER (PARTITION BY u.service_id, u.layer)
FROM units AS u JOIN service AS s ON s.id = u.service_id JOIN vendor AS v ON v.id = s.vendor_id
GROUP BY u.service_id, u.layer, u.key
"""


def upgrade() -> None:
    op.create_table(
        "book_exposure",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("layer", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=210), nullable=False),
        sa.Column("parent_key", sa.String(length=210), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("spend", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("substitutability", sa.String(length=30), nullable=True),
        sa.Column("failover_tested", sa.Boolean(), nullable=False),
        sa.Column("is_first", sa.Boolean(), nullable=False),
        sa.Column("paths", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("service_id", "layer", "key"),
    )
    figures = ["weight", "spend", "tier", "status", "is_first", "service_id"]
    resilience = ["substitutability", "failover_tested", "paths"]
    op.create_index("ix_book_exposure_key", "book_exposure", ["layer", "key", *figures])
    op.create_index("ix_book_exposure_parent", "book_exposure", ["layer", "parent_key", *figures])
    op.create_index(
        "ix_book_exposure_layer_service",
        "book_exposure",
        ["layer", "service_id", "key", "parent_key", *figures[:-1], *resilience],
    )
    op.execute(FILL)
    # The page no longer looks services up (0006 added this index for that); the risk grid
    # reads each vendor's services' impact.
    op.drop_index("ix_service_exposure", table_name="service")
    op.create_index(
        "ix_service_vendor_impact", "service", ["vendor_id", "tier", "discontinuation_impact"]
    )


def downgrade() -> None:
    op.drop_index("ix_service_vendor_impact", table_name="service")
    op.create_index(
        "ix_service_exposure", "service", ["id", "tier", "reliance", "annual_spend", "vendor_id"]
    )
    op.drop_table("book_exposure")
