"""Shipments: courier_code, an aggregator's code for the courier (Kuaidi100 company code, AfterShip slug).

Nullable: existing shipments keep refreshing as before, and an aggregator's code is derived from the
stored events' operator or the number's format when none is stored (issue 9).

Revision ID: 0004_shipment_courier_code
Revises: 0003_validation_jobs
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_shipment_courier_code"
down_revision = "0003_validation_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD / DROP COLUMN, not a batch (table copy): SQLite refuses to drop a table other rows
    # reference, and both statements are native there (SQLite 3.35+) as in PostgreSQL.
    op.add_column("shipments", sa.Column("courier_code", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("shipments", "courier_code")
