"""Hostile HTTP bodies get a clear 4xx in bounded time and memory, never a 500."""

from __future__ import annotations

import io
import tracemalloc

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import EnvironBuilder

from tests.api.support import KEYS

MIB = 1024 * 1024


class _Drip(io.RawIOBase):
    """A body produced on demand (never held in memory): ``size`` bytes of JSON-ish filler."""

    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self.left)
        buffer[:n] = b" " * n
        self.left -= n
        return n


def _chunked_environ(stream: io.IOBase) -> dict[str, object]:
    """A WSGI environ as a server gives it for ``Transfer-Encoding: chunked`` (no Content-Length)."""
    environ = EnvironBuilder(
        method="POST", path="/api/v1/verify", content_type="application/json"
    ).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ.update({"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": stream, "wsgi.input_terminated": True})
    environ["HTTP_AUTHORIZATION"] = f"Bearer {KEYS['platform']}"
    return environ


def test_fifty_megabyte_body_is_refused_before_reading(client: FlaskClient) -> None:
    body = b"[" + b" " * (50 * MIB) + b"]"
    tracemalloc.start()
    response = client.post("/api/v1/verify", data=body, content_type="application/json")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "BODY_TOO_LARGE"
    assert peak < 8 * MIB  # the 50 MB were never read into memory


def test_chunked_body_over_the_limit_is_refused_not_truncated(app: Flask) -> None:
    environ = _chunked_environ(io.BufferedReader(_Drip(3 * MIB)))
    tracemalloc.start()
    with app.request_context(environ):
        response = app.full_dispatch_request()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "BODY_TOO_LARGE"
    assert peak < 4 * MIB


def test_chunked_body_within_the_limit_is_read_whole(app: Flask) -> None:
    from tests.support import BUNDLES

    body = (BUNDLES / "direct-met.json").read_bytes()
    environ = _chunked_environ(io.BytesIO(body))
    with app.request_context(environ):
        response = app.full_dispatch_request()
    assert response.status_code == 200
    assert response.get_json()["verdict"] == "met"


def test_deep_nesting_is_a_400(client: FlaskClient) -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    response = client.post("/api/v1/verify", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "INVALID_JSON"


def test_wrong_media_type_is_415(client: FlaskClient) -> None:
    response = client.post("/api/v1/verify", data=b"{}", content_type="text/plain")
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_unknown_route_and_method_answer_json(client: FlaskClient) -> None:
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "NOT_FOUND"
    wrong = client.get("/api/v1/verify")
    assert wrong.status_code == 405
    assert wrong.get_json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert "POST" in wrong.headers["Allow"]


def test_bad_now_parameter_is_a_400(client: FlaskClient) -> None:
    response = client.post("/api/v1/verify?now=tomorrow", data=b"{}", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "INVALID_ARGUMENT"


def test_an_undeclared_query_parameter_is_refused_not_ignored(client: FlaskClient) -> None:
    """A typo must not pass silently: ?merchantid= would otherwise list every order unfiltered."""
    response = client.get("/api/v1/orders?merchantid=M-OSAKA-BEAUTY")
    assert response.status_code == 400
    assert response.get_json()["error"] == {
        "code": "UNKNOWN_PARAMETER",
        "message": "unknown query parameter 'merchantid'",
        "field": "?merchantid",
    }
    assert client.get("/api/v1/orders?merchant_id=M-OSAKA-BEAUTY").status_code == 200
    typo = client.post(
        "/api/v1/verify?nowx=2026-03-05T12:00:00Z", data=b"{}", content_type="application/json"
    )
    assert typo.status_code == 400 and typo.get_json()["error"]["code"] == "UNKNOWN_PARAMETER"


def test_every_operation_documents_the_400_for_unknown_parameters(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert "400" in operation["responses"], (method, path)
