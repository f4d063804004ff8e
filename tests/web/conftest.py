"""The web suite's app: on a migrated test database, its client carrying the platform's key."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.support import KEYS, add_platform_key, make_app
from tests.db.fixtures import _migrated, backend_url, database, postgres_url  # noqa: F401
from trace_verify.db.session import Database


@pytest.fixture
def app(database: Database) -> Flask:  # noqa: F811
    add_platform_key(database)
    return make_app(database)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {KEYS['platform']}"
    return client
