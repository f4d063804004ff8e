"""Bulk validation jobs: one row per upload, with its progress (issue 15).

Revision ID: 0003_validation_jobs
Revises: 0002_evidence_sources
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_validation_jobs"
down_revision = "0002_evidence_sources"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "validation_jobs",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=64), nullable=True),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "queued",
                "running",
                "done",
                "failed",
                name="job_state",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("verify_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_validation_jobs")),
    )
    op.create_index(op.f("ix_validation_jobs_merchant_id"), "validation_jobs", ["merchant_id"])
    op.create_index(op.f("ix_validation_jobs_state"), "validation_jobs", ["state"])


def downgrade() -> None:
    op.drop_index(op.f("ix_validation_jobs_state"), table_name="validation_jobs")
    op.drop_index(op.f("ix_validation_jobs_merchant_id"), table_name="validation_jobs")
    op.drop_table("validation_jobs")
