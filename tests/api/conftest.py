"""Fixtures of the API suite: every test runs on SQLite and, when reachable, PostgreSQL."""

from __future__ import annotations

import pytest

from tests.api.support import World, build_world
from tests.db.fixtures import _migrated, backend_url, database, postgres_url  # noqa: F401
from trace_verify.db.session import Database


@pytest.fixture
def world(database: Database) -> World:  # noqa: F811
    """Tenants A and B with an order each, and a key per role."""
    return build_world(database)
