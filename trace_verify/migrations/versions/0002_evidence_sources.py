"""Evidence sources: ``source`` on shipments, carrier documents, tracking events and customs records.

rules.md §8: every stored event and document keeps who vouches for it. Rows stored before this
revision do not record which key stored them, so they get the conservative reading: what a refresh
fetched is ``carrier_api``, what a verified push brought is ``carrier_push``, everything else is
``merchant`` (a platform-submitted row is under-rated, never a merchant's over-rated).

Revision ID: 0002_evidence_sources
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_evidence_sources"
down_revision = "0001"
branch_labels = None
depends_on = None

SOURCES = ("carrier_api", "carrier_push", "platform", "merchant", "consumer")
TABLES = ("shipments", "carrier_documents", "tracking_events", "customs_declarations")
_CHECK = "source IN ({})".format(", ".join(f"'{s}'" for s in SOURCES))

#: Existing rows: an event or document keeps the way it arrived (``origin``) as its source.
_FROM_ORIGIN = """
UPDATE {table} SET source = CASE origin
    WHEN 'refresh' THEN 'carrier_api'
    WHEN 'push' THEN 'carrier_push'
    ELSE 'merchant' END
"""


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in TABLES:
        check = f"ck_{table}_evidence_source"
        if sqlite:
            # Not a batch (table copy): SQLite refuses to drop a table other rows reference, and
            # ADD COLUMN takes NOT NULL with a default and a named CHECK directly.
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN source VARCHAR(16) DEFAULT 'merchant' NOT NULL "
                f"CONSTRAINT {check} CHECK ({_CHECK})"
            )
        else:
            op.add_column(
                table, sa.Column("source", sa.String(length=16), nullable=False, server_default="merchant")
            )
            op.create_check_constraint(op.f(check), table, _CHECK)
        if table in ("carrier_documents", "tracking_events"):
            op.execute(_FROM_ORIGIN.format(table=table))
        if not sqlite:  # the service always says who vouches: no default left behind
            op.alter_column(table, "source", server_default=None)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in reversed(TABLES):
        if sqlite:
            op.execute(f"ALTER TABLE {table} DROP COLUMN source")
        else:
            op.drop_constraint(op.f(f"ck_{table}_evidence_source"), table, type_="check")
            op.drop_column(table, "source")
