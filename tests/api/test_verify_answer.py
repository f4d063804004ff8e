"""``POST /api/v1/verify`` writes its verdict with orjson (issue 15, HTTP speed): the bytes must be exactly
those Flask's ``jsonify`` writes for every other answer, for every bundle the fixtures hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.support import as_platform, service_app
from tests.support import ROOT

BUNDLES = sorted((ROOT / "fixtures" / "bundles").rglob("*.json"))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return service_app(tmp_path_factory.mktemp("verify-answer"))


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    return as_platform(app.test_client())


@pytest.mark.parametrize("path", BUNDLES, ids=lambda p: str(p.relative_to(ROOT / "fixtures" / "bundles")))
def test_a_verdict_is_written_byte_for_byte_as_jsonify_would(
    app: Flask, client: FlaskClient, path: Path
) -> None:
    bundle = json.loads(path.read_bytes())
    now = bundle.pop("$now", "2026-11-01T00:00:00Z")  # the fixtures' clock, a query parameter here
    response = client.post(f"/api/v1/verify?now={now}", json=bundle)
    assert response.status_code == 200, response.get_json()
    assert response.mimetype == "application/json"
    with app.app_context():
        assert response.get_data() == app.json.response(response.get_json()).get_data()
