"""book_exposure by scope, book_pair, book_rollup, book_risk: the figures of an entity or the group

book_exposure gets a scope: each row is kept for the group (0) and again for each entity its
service is linked to, so an entity's figures read its own rows instead of joining the links.
Two more derived tables come from it: book_pair, the rows of the page's matrices, and
book_rollup, its sums per scope, provider, tier and vendor status (vendordd/concentration/
pairs.py and rollup.py; exposures.py keeps all three in step from now on). book_risk holds each
vendor's residual-risk impact and likelihood per scope and tier (risklevels.py). Being derived,
book_exposure is dropped and filled anew, all four with the rules of this revision, so the
migration does not depend on later code. book_exposure gets an index on its vendor, which the
what-if reads, and one the single points of failure read.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

FILL_EXPOSURE = """
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
),
grouped AS (
    SELECT
        u.service_id, u.layer, u.key,
        MAX(COALESCE(CAST(u.top AS VARCHAR(210)), u.key)) AS parent_key,
        MAX(s.vendor_id) AS vendor_id, MAX(s.tier) AS tier,
        MAX(CASE WHEN s.tier = 1 THEN 4 ELSE CASE s.reliance WHEN 'full' THEN 4
            WHEN 'material' THEN 3 WHEN 'low' THEN 2 WHEN 'not_significant' THEN 1
            ELSE 1 END END) AS weight,
        MAX(s.annual_spend) AS spend, MAX(v.status) AS status,
        CASE MIN(CASE u.substitutability WHEN 'not_substitutable' THEN 0
            WHEN 'highly_complex' THEN 1 WHEN 'medium_complexity' THEN 2
            WHEN 'easily_substitutable' THEN 3 END)
            WHEN 0 THEN 'not_substitutable' WHEN 1 THEN 'highly_complex'
            WHEN 2 THEN 'medium_complexity' WHEN 3 THEN 'easily_substitutable'
        END AS substitutability,
        MIN(CASE WHEN u.is_failover_tested THEN 1 ELSE 0 END) = 1 AS failover_tested,
        ROW_NUMBER() OVER (PARTITION BY u.service_id, u.layer ORDER BY u.key) = 1 AS is_first,
        COUNT(*) OVER (PARTITION BY u.service_id, u.layer) AS paths
    FROM units AS u JOIN service AS s ON s.id = u.service_id
    JOIN vendor AS v ON v.id = s.vendor_id
    GROUP BY u.service_id, u.layer, u.key
),
scopes AS (
    SELECT id AS service_id, 0 AS scope FROM service
    UNION ALL
    SELECT service_id, entity_id FROM service_entity
)
INSERT INTO book_exposure (service_id, scope, layer, key, parent_key, vendor_id, tier, weight,
                           spend, status, substitutability, failover_tested, is_first, paths)
SELECT g.service_id, c.scope, g.layer, g.key, g.parent_key, g.vendor_id, g.tier, g.weight,
    g.spend, g.status, g.substitutability, g.failover_tested, g.is_first, g.paths
FROM grouped AS g JOIN scopes AS c ON c.service_id = g.service_id
"""

FILL_PAIRS = """
INSERT INTO book_pair (service_id, scope, kind, layer, row_key, col_key, row_parent,
                       col_parent, parent_first, weight, spend, tier, status)
SELECT e.service_id, e.scope, 'function', e.layer, CAST(f.function_id AS VARCHAR(210)), e.key,
    CAST(f.function_id AS VARCHAR(210)), e.parent_key,
    ROW_NUMBER() OVER (PARTITION BY e.service_id, e.scope, e.layer, f.function_id, e.parent_key
                       ORDER BY e.key) = 1,
    e.weight, e.spend, e.tier, e.status
FROM book_exposure AS e JOIN service_function AS f ON f.service_id = e.service_id
WHERE e.layer IN ('model_developer', 'hosting_platform', 'cloud')
UNION ALL
SELECT d.service_id, d.scope, 'stack', o.layer, d.key, o.key, d.parent_key, o.parent_key,
    ROW_NUMBER() OVER (PARTITION BY d.service_id, d.scope, o.layer, d.parent_key, o.parent_key
                       ORDER BY d.key, o.key) = 1,
    d.weight, d.spend, d.tier, d.status
FROM book_exposure AS d
JOIN book_exposure AS o ON o.service_id = d.service_id AND o.scope = d.scope
WHERE d.layer = 'model_developer'
    AND o.layer IN ('cloud', 'processing_country', 'storage_country')
"""

FILL_ROLLUP = """
INSERT INTO book_rollup (scope, layer, key, parent_key, tier, status, rows, weight, spend,
                         firsts, firsts_unpriced)
SELECT scope, layer, key, parent_key, tier, status, COUNT(*), SUM(weight),
    SUM(COALESCE(spend, 0)), SUM(CASE WHEN is_first THEN 1 ELSE 0 END),
    SUM(CASE WHEN is_first AND spend IS NULL THEN 1 ELSE 0 END)
FROM book_exposure
GROUP BY scope, layer, key, parent_key, tier, status
"""

FILL_RISK = """
INSERT INTO book_risk (scope, tier, vendor_id, status, impact, likelihood, services)
WITH services AS (
    SELECT id AS service_id, vendor_id, tier,
        5 - tier + CASE WHEN discontinuation_impact = 'high' THEN 1 ELSE 0 END AS impact
    FROM service
),
scoped AS (
    SELECT service_id, vendor_id, tier, impact, 0 AS scope FROM services
    UNION ALL
    SELECT s.service_id, s.vendor_id, s.tier, s.impact, l.entity_id
    FROM services AS s JOIN service_entity AS l ON l.service_id = s.service_id
),
levels AS (
    SELECT scope, 0 AS tier, vendor_id, MAX(impact) AS impact, COUNT(*) AS services
    FROM scoped GROUP BY scope, vendor_id
    UNION ALL
    SELECT scope, tier, vendor_id, MAX(impact), COUNT(*)
    FROM scoped GROUP BY scope, tier, vendor_id
),
ranked AS (
    SELECT vendor_id, score_percent,
        ROW_NUMBER() OVER (PARTITION BY vendor_id ORDER BY scored_at DESC, id DESC) AS rank
    FROM assessment WHERE scored_at IS NOT NULL AND score_percent IS NOT NULL
),
scores AS (
    SELECT vendor_id, ROUND(CAST(score_percent AS NUMERIC), 6) AS score
    FROM ranked WHERE rank = 1
)
SELECT l.scope, l.tier, l.vendor_id, v.status, l.impact,
    CASE WHEN c.vendor_id IS NULL THEN NULL WHEN c.score >= 85 THEN 1 WHEN c.score >= 75 THEN 2
         WHEN c.score >= 60 THEN 3 WHEN c.score >= 40 THEN 4 ELSE 5 END,
    l.services
FROM levels AS l JOIN vendor AS v ON v.id = l.vendor_id
LEFT JOIN scores AS c ON c.vendor_id = l.vendor_id
"""

FIGURES = ["weight", "spend", "tier", "status", "is_first", "service_id"]


def upgrade() -> None:
    op.drop_table("book_exposure")
    _create_exposure(scoped=True)
    op.create_table(
        "book_pair",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("layer", sa.String(length=20), nullable=False),
        sa.Column("row_key", sa.String(length=210), nullable=False),
        sa.Column("col_key", sa.String(length=210), nullable=False),
        sa.Column("row_parent", sa.String(length=210), nullable=False),
        sa.Column("col_parent", sa.String(length=210), nullable=False),
        sa.Column("parent_first", sa.Boolean(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("spend", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("service_id", "scope", "kind", "layer", "row_key", "col_key"),
    )
    op.create_index(
        "ix_book_pair_cells",
        "book_pair",
        ["scope", "kind", "layer", "row_key", "col_key", "row_parent", "col_parent",
         "parent_first", *(name for name in FIGURES if name != "is_first")],
    )  # fmt: skip
    op.create_table(
        "book_rollup",
        sa.Column("scope", sa.Integer(), nullable=False),
        sa.Column("layer", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=210), nullable=False),
        sa.Column("parent_key", sa.String(length=210), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("spend", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("firsts", sa.Integer(), nullable=False),
        sa.Column("firsts_unpriced", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "layer", "key", "parent_key", "tier", "status"),
    )
    op.create_table(
        "book_risk",
        sa.Column("scope", sa.Integer(), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("impact", sa.Integer(), nullable=False),
        sa.Column("likelihood", sa.Integer(), nullable=True),
        sa.Column("services", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "tier", "vendor_id"),
    )
    op.create_index(
        "ix_book_risk_cells",
        "book_risk",
        ["scope", "tier", "status", "impact", "likelihood", "services"],
    )
    op.execute(FILL_EXPOSURE)
    op.execute(FILL_PAIRS)
    op.execute(FILL_ROLLUP)
    op.execute(FILL_RISK)


def _create_exposure(*, scoped: bool) -> None:
    scope = ["scope"] if scoped else []
    op.create_table(
        "book_exposure",
        sa.Column("service_id", sa.Integer(), nullable=False),
        *([sa.Column("scope", sa.Integer(), nullable=False)] if scoped else []),
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
        sa.PrimaryKeyConstraint("service_id", *scope, "layer", "key"),
    )
    resilience = ["substitutability", "failover_tested", "paths"]
    if not scoped:  # 0007's
        op.create_index("ix_book_exposure_key", "book_exposure", ["layer", "key", *FIGURES])
        op.create_index(
            "ix_book_exposure_parent", "book_exposure", ["layer", "parent_key", *FIGURES]
        )
    op.create_index(
        "ix_book_exposure_layer_service",
        "book_exposure",
        [*scope, "layer", "service_id", "key", "parent_key", *FIGURES[:-1], *resilience],
    )
    if scoped:
        op.create_index("ix_book_exposure_vendor_id", "book_exposure", ["vendor_id"])
        op.create_index(
            "ix_book_exposure_single_points",
            "book_exposure",
            ["scope", "layer", "paths", "tier", "substitutability", "failover_tested",
             "service_id", "status"],
        )  # fmt: skip


def downgrade() -> None:
    """Back to 0007's book_exposure, without scopes, filled again by 0007's rules."""
    from importlib import import_module

    previous = import_module("vendordd.migrations.versions.0007_book_exposure")
    op.drop_table("book_risk")
    op.drop_table("book_rollup")
    op.drop_table("book_pair")
    op.drop_table("book_exposure")
    _create_exposure(scoped=False)
    op.execute(previous.FILL)
