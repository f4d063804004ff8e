"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from carriers import REGISTRY
from tests.api.support import as_platform, service_app
from trace_verify.services.verification import VerificationService

#: The clock of the contract example (its complaint's filing time).
EXAMPLE_NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_database_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests never use DATABASE_URL (it switches verify to --db); services come from TEST_* variables."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)  # jobs run embedded unless a test sets TEST_REDIS_URL
    yield


@pytest.fixture(scope="session")
def service() -> VerificationService:
    return VerificationService(REGISTRY)


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """The service on a fresh, migrated SQLite database holding the platform's key."""
    return service_app(tmp_path)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A client that sends the platform's key (the role every endpoint serves)."""
    return as_platform(app.test_client())


def pytest_report_header() -> list[str]:
    return [f"TEST_POSTGRES_URL={'set' if os.environ.get('TEST_POSTGRES_URL') else 'unset'}"]
