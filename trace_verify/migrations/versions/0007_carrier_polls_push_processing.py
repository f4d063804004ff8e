"""Scheduled tracking refresh and queued webhook processing (issue 15, workers).

``carrier_polls``: one row per (carrier, tracking number) holding its last poll; claiming a poll is one
conditional upsert on it, so no two instances or workers poll a number inside its carrier's minimum
interval (Kuaidi100 locks a number polled more often than every 30 minutes).
``webhook_pushes.processed_at``: a push is stored first and its events merged after; a push stored but
not merged (the process died in between) is found by the scheduler and handed to a ``webhook`` job.
Existing pushes were merged when they were stored, so they are marked processed at their arrival.

Revision ID: 0007_polls
Revises: 0006_complaints
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_polls"
down_revision = "0006_complaints"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "carrier_polls",
        sa.Column("carrier", sa.String(length=32), nullable=False),
        sa.Column("tracking_key", sa.String(length=64), nullable=False),
        sa.Column("polled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("carrier", "tracking_key", name=op.f("pk_carrier_polls")),
    )
    op.create_index(op.f("ix_carrier_polls_polled_at"), "carrier_polls", ["polled_at"], unique=False)
    # Plain ADD COLUMN / CREATE INDEX (no batch table copy): native in SQLite 3.35+ and PostgreSQL.
    op.add_column("webhook_pushes", sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE webhook_pushes SET processed_at = received_at")
    op.create_index(op.f("ix_webhook_pushes_processed_at"), "webhook_pushes", ["processed_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_webhook_pushes_processed_at"), table_name="webhook_pushes")
    op.drop_column("webhook_pushes", "processed_at")
    op.drop_index(op.f("ix_carrier_polls_polled_at"), table_name="carrier_polls")
    op.drop_table("carrier_polls")
