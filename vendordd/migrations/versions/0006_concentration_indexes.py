"""covering indexes for the concentration page's GROUP BYs

The page reads, per layer, each live dependency's provider (or country) and service, then the
service's tier, reliance, spend and vendor: with these indexes both lookups are index-only.
The new dependency indexes extend the two of 0004, which they replace.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 07:00:00
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_dependency_layer_provider_service",
        "dependency",
        ["layer", "removed_at", "provider_id", "service_id"],
    )
    op.create_index(
        "ix_dependency_layer_country_service",
        "dependency",
        ["layer", "removed_at", "country", "service_id"],
    )
    op.drop_index("ix_dependency_layer_provider", table_name="dependency")
    op.drop_index("ix_dependency_layer_country", table_name="dependency")
    op.create_index(
        "ix_service_exposure", "service", ["id", "tier", "reliance", "annual_spend", "vendor_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_service_exposure", table_name="service")
    op.create_index("ix_dependency_layer_country", "dependency", ["layer", "removed_at", "country"])
    op.create_index(
        "ix_dependency_layer_provider", "dependency", ["layer", "removed_at", "provider_id"]
    )
    op.drop_index("ix_dependency_layer_country_service", table_name="dependency")
    op.drop_index("ix_dependency_layer_provider_service", table_name="dependency")
