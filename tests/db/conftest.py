"""Fixtures of the persistence suite (see ``tests/db/fixtures.py``)."""

from tests.db.fixtures import _migrated, backend_url, database, postgres_url  # noqa: F401
