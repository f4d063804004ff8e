"""The app's surfaces: health, the OpenAPI document, the demo page."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from trace_verify.contract.schemas import flat_schema


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def _openapi_path(rule: str) -> str:
    """``/orders/<order_id>/shipments/<int:index>`` → ``/orders/{order_id}/shipments/{index}``."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def test_openapi_lists_every_route_of_the_app(app: Flask, client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule == "/":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (_openapi_path(rule.rule), method) in documented, (rule.rule, method)
    assert len(documented) == len(
        {
            (r.rule, m)
            for r in app.url_map.iter_rules()
            if r.endpoint != "static" and r.rule != "/"
            for m in r.methods - {"HEAD", "OPTIONS"}
        }
    )


def test_openapi_documents_the_statuses_each_operation_can_return(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            if operation["security"]:
                assert {"401", "429"} <= statuses, (method, path)
            if "requestBody" in operation and operation["requestBody"]["content"].get("application/json"):
                assert {"400", "413", "415"} <= statuses, (method, path)
            if "{" in path:
                assert "404" in statuses, (method, path)
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_docs_page_is_served_locally_without_external_scripts(client: FlaskClient) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "openapi.json" in page
    assert "http://" not in page and "https://" not in page and "<script src" not in page


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
