"""The app's surfaces: health, the OpenAPI document, the demo page."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from trace_verify.contract.schemas import flat_schema


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_openapi_lists_every_route_of_the_app(app: Flask, client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule == "/":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (rule.rule, method) in documented, (rule.rule, method)


def test_openapi_uses_the_schemas_the_endpoint_validates_with(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["components"]["schemas"]["Bundle"] == flat_schema("bundle")
    assert document["components"]["schemas"]["Verdict"] == flat_schema("verdict")
    verify = document["paths"]["/api/v1/verify"]["post"]
    assert verify["requestBody"]["required"] is True
    assert {"200", "400", "413", "415"} <= set(verify["responses"])


def test_demo_page_lists_demo_bundles_with_verdicts(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "ORD-2026-000184" in page
    assert 'class="met"' in page
    assert "ORIGIN_IN_MAINLAND" in page
