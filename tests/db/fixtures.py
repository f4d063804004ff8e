"""pytest fixtures shared by tests/db, tests/api and tests/web: one migrated database per backend and
test session, emptied before each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.db.support import BACKENDS, empty_tables, migrated, sqlite_url, throwaway_postgres
from trace_verify.db.session import Database


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throw-away PostgreSQL database for this test run."""
    yield from throwaway_postgres()


@pytest.fixture(scope="session", params=BACKENDS)
def backend_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of an empty database of each backend (not migrated)."""
    if request.param == "postgres":
        url: str = request.getfixturevalue("postgres_url")
        return url
    return sqlite_url(tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="session")
def _migrated(backend_url: str) -> Iterator[Database]:
    database = migrated(backend_url)
    yield database
    database.dispose()


@pytest.fixture
def database(_migrated: Database) -> Database:
    """A migrated database of the current backend, with no rows."""
    empty_tables(_migrated)
    return _migrated
