"""Bulk validation jobs may be ``expired``: their upload and results were purged (issue 15, retention).

A finished job's files are kept for ``TRACE_VERIFY_BULK_RETENTION_DAYS`` (default 7) and then deleted;
the job's row stays, in the state ``expired``, so reading the job says what happened to it instead of
answering 404 as for a job that never existed. Only the state's CHECK constraint changes.

Revision ID: 0008_jobs_expired
Revises: 0007_polls
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_jobs_expired"
down_revision = "0007_polls"
branch_labels = None
depends_on = None

_BEFORE = ("queued", "running", "done", "failed")
_AFTER = (*_BEFORE, "expired")


def _state(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name="job_state", native_enum=False, create_constraint=True, length=16)


def _change(before: tuple[str, ...], after: tuple[str, ...]) -> None:
    with op.batch_alter_table("validation_jobs") as batch:
        batch.alter_column(
            "state", type_=_state(after), existing_type=_state(before), existing_nullable=False
        )


def upgrade() -> None:
    _change(_BEFORE, _AFTER)


def downgrade() -> None:
    op.execute("UPDATE validation_jobs SET state = 'failed' WHERE state = 'expired'")
    _change(_AFTER, _BEFORE)
