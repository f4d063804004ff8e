"""Traceability codes and their QR signing keys (issue 12): ``signing_keys``, ``trace_codes``.

Revision ID: 0005_trace_codes
Revises: 0004_shipment_courier_code
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_trace_codes"
down_revision = "0004_shipment_courier_code"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(length=1), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "active",
                "retired",
                "revoked",
                name="key_state",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_signing_keys")),
    )
    op.create_index(
        "ix_signing_keys_one_active",
        "signing_keys",
        ["state"],
        unique=True,
        sqlite_where=sa.text("state = 'active'"),
        postgresql_where=sa.text("state = 'active'"),
    )
    op.create_table(
        "trace_codes",
        sa.Column("id", sa.String(length=12), nullable=False),
        sa.Column("merchant_id", sa.String(length=64), nullable=False),
        sa.Column("kid", sa.String(length=1), nullable=False),
        sa.Column("batch", sa.String(length=16), nullable=False),
        sa.Column("gtin", sa.String(length=14), nullable=True),
        sa.Column("origin_country", sa.String(length=2), nullable=False),
        sa.Column("departure_country", sa.String(length=2), nullable=False),
        sa.Column("import_port", sa.String(length=5), nullable=False),
        sa.Column("declaration_number", sa.String(length=21), nullable=False),
        sa.Column("importer_name", sa.String(length=200), nullable=False),
        sa.Column("importer_credit_code", sa.String(length=18), nullable=True),
        sa.Column("supervision_mode", sa.String(length=4), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["kid"], ["signing_keys.kid"], name=op.f("fk_trace_codes_kid_signing_keys")),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_trace_codes_merchant_id_merchants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trace_codes")),
    )
    op.create_index(op.f("ix_trace_codes_batch"), "trace_codes", ["batch"], unique=False)
    op.create_index(op.f("ix_trace_codes_merchant_id"), "trace_codes", ["merchant_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_trace_codes_merchant_id"), table_name="trace_codes")
    op.drop_index(op.f("ix_trace_codes_batch"), table_name="trace_codes")
    op.drop_table("trace_codes")
    op.drop_index("ix_signing_keys_one_active", table_name="signing_keys")
    op.drop_table("signing_keys")
