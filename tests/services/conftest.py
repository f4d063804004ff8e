"""Fixtures of the service suite: every test runs on SQLite and, when reachable, PostgreSQL."""

from __future__ import annotations

from tests.db.fixtures import _migrated, backend_url, database, postgres_url  # noqa: F401
