"""Alembic environment: configured in code (``trace_verify.db.migrate``), no alembic.ini.

SQLite gets ``render_as_batch`` (it cannot ALTER most things in place); a connection handed over in
``config.attributes["connection"]`` is used as is, so tests can migrate inside their own engine.
"""

from __future__ import annotations

from alembic import context

from trace_verify.db import models  # noqa: F401  (registers the tables on the metadata)
from trace_verify.db.base import Base
from trace_verify.db.session import create_engine

config = context.config
target_metadata = Base.metadata


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # type: ignore[attr-defined]
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported")
run_migrations_online()
