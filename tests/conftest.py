"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from carriers import REGISTRY
from tests.support import BUNDLES
from trace_verify.config import Settings
from trace_verify.services.verification import VerificationService
from trace_verify.web import create_app

#: The clock of the contract example (its complaint's filing time).
EXAMPLE_NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_database_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests never use DATABASE_URL (it switches verify to --db); services come from TEST_* variables."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    yield


@pytest.fixture(scope="session")
def service() -> VerificationService:
    return VerificationService(REGISTRY)


@pytest.fixture
def app() -> Flask:
    settings = Settings(demo_dir=BUNDLES)
    application = create_app(settings, REGISTRY)
    application.config.update(TESTING=True)
    return application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def pytest_report_header() -> list[str]:
    return [f"TEST_POSTGRES_URL={'set' if os.environ.get('TEST_POSTGRES_URL') else 'unset'}"]
