"""Bad input and abuse on the resource API: keys, mass assignment, limits, rates, pagination."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.test import EnvironBuilder

from tests.api.support import (
    KEYS,
    MERCHANT_A,
    MERCHANT_B,
    ORDER_A,
    World,
    call,
    merchant_body,
    order_body,
)
from trace_verify.db.models import ApiKey, Role
from trace_verify.services.keys import KeyService
from trace_verify.services.ratelimit import RateLimiter

MIB = 1024 * 1024


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer tvk_unknown_key_0000000000000000000000",
        "Bearer " + "x" * 5000,
    ],
    ids=["missing", "empty-bearer", "basic", "unknown", "huge"],
)
def test_no_valid_key_is_401_with_a_challenge(world: World, header: str) -> None:
    headers = {"Authorization": header} if header else {}
    response = world.client.get("/api/v1/orders", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "UNAUTHORIZED"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_and_expired_keys_are_refused(world: World) -> None:
    keys = KeyService(world.database)
    now = datetime.now(UTC)
    issued = keys.create(Role.STAFF, now - timedelta(days=3), expires_in_days=1)
    assert (
        world.client.get("/api/v1/orders", headers={"Authorization": f"Bearer {issued.secret}"}).status_code
        == 401
    )
    assert call(world.client, "GET", "/api/v1/orders", "staff").status_code == 200
    assert keys.revoke("t-staff", now)
    assert call(world.client, "GET", "/api/v1/orders", "staff").status_code == 401


def test_a_key_revoked_elsewhere_is_refused_once_the_cache_time_has_passed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process (``trace-verify keys revoke``, another instance) revokes by writing the row; this
    process trusts the key it found valid for ``key_cache_seconds`` at most, then looks again."""
    keys = world.app.extensions["trace_verify.services"].keys
    clock = [1000.0]
    monkeypatch.setattr(keys.cache, "clock", lambda: clock[0])
    assert call(world.client, "GET", "/api/v1/orders", "staff").status_code == 200  # looked up, remembered
    with world.database.transaction() as session:
        session.execute(sa.update(ApiKey).where(ApiKey.id == "t-staff").values(revoked_at=datetime.now(UTC)))
    clock[0] += keys.cache_seconds - 0.5
    assert call(world.client, "GET", "/api/v1/orders", "staff").status_code == 200  # still remembered
    clock[0] += 0.5
    assert call(world.client, "GET", "/api/v1/orders", "staff").status_code == 401
    clock[0] += 60
    assert call(world.client, "GET", "/api/v1/orders", "staff").status_code == 401  # never remembered


def test_a_remembered_key_still_expires_on_time(world: World) -> None:
    keys = world.app.extensions["trace_verify.services"].keys
    now = datetime.now(UTC)
    issued = keys.create(Role.STAFF, now, expires_in_days=1)
    assert keys.authenticate(issued.secret, now) is not None  # remembered from here on
    assert keys.authenticate(issued.secret, now + timedelta(days=1)) is None
    assert keys.authenticate(issued.secret, now + timedelta(hours=23)) is not None


def test_keys_are_stored_as_digests_only(world: World) -> None:
    for key in KeyService(world.database).list():
        assert len(key.digest) == 64
        assert all(secret not in key.digest for secret in KEYS.values())


def test_rate_limit_answers_429_with_retry_after(world: World) -> None:
    services = world.app.extensions["trace_verify.services"]
    world.app.extensions["trace_verify.services"] = replace(services, limiter=RateLimiter(60, 3))
    statuses = [call(world.client, "GET", "/api/v1/orders", "staff").status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    limited = call(world.client, "GET", "/api/v1/orders", "staff")
    assert limited.get_json()["error"]["code"] == "RATE_LIMITED"
    assert int(limited.headers["Retry-After"]) >= 1
    assert call(world.client, "GET", "/api/v1/orders", "consumer").status_code == 200, "per key"


@pytest.mark.parametrize(
    ("method", "path", "body", "pointer"),
    [
        ("POST", "/api/v1/orders", {**order_body("ORD-X", MERCHANT_A, None), "verdict": "met"}, "/verdict"),
        (
            "POST",
            "/api/v1/orders",
            {**order_body("ORD-X", MERCHANT_A, None), "merchant": {"id": "M"}},
            "/merchant",
        ),
        (
            "POST",
            "/api/v1/orders",
            {**order_body("ORD-X", MERCHANT_A, None), "created_at": "x"},
            "/created_at",
        ),
        ("PATCH", f"/api/v1/merchants/{MERCHANT_A}", {"id": MERCHANT_B}, "/id"),
        ("PATCH", f"/api/v1/merchants/{MERCHANT_A}", {"created_at": "2020-01-01T00:00:00Z"}, "/created_at"),
        ("POST", "/api/v1/merchants", {**merchant_body("M-Z"), "deposit": "100"}, "/deposit"),
        (
            "POST",
            f"/api/v1/orders/{ORDER_A}/shipments",
            {"carrier": "dhl", "tracking_number": "1", "id": 3},
            "/id",
        ),
        ("POST", f"/api/v1/orders/{ORDER_A}/customs", {"order_id": "ORD-B-1"}, "/order_id"),
    ],
    ids=[
        "verdict",
        "merchant",
        "created_at",
        "merchant-id",
        "merchant-created",
        "deposit",
        "shipment-id",
        "customs",
    ],
)
def test_mass_assignment_is_refused_and_changes_nothing(
    world: World, method: str, path: str, body: object, pointer: str
) -> None:
    before = call(world.client, "GET", f"/api/v1/merchants/{MERCHANT_A}", "platform").get_json()
    order_before = call(world.client, "GET", f"/api/v1/orders/{ORDER_A}", "platform").get_json()
    response = call(world.client, method, path, "platform", body)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"] == {
        "code": "UNKNOWN_FIELD",
        "message": response.get_json()["error"]["message"],
        "field": pointer,
    }
    assert call(world.client, "GET", f"/api/v1/merchants/{MERCHANT_A}", "platform").get_json() == before
    assert call(world.client, "GET", f"/api/v1/orders/{ORDER_A}", "platform").get_json() == order_before
    assert call(world.client, "GET", "/api/v1/orders/ORD-X", "platform").status_code == 404


def test_a_merchant_setting_another_merchant_is_forbidden(world: World) -> None:
    response = call(world.client, "POST", "/api/v1/orders", "merchant", order_body("ORD-Y", MERCHANT_B, None))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "FORBIDDEN"
    assert call(world.client, "GET", "/api/v1/orders/ORD-Y", "platform").status_code == 404


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b'{"order": NaN, "shipments": []}', "INVALID_JSON"),
        (b'{"shipments": [], "shipments": []}', "INVALID_JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "INVALID_JSON"),
        (b'{"x": ' + b"9" * 5000 + b"}", "INVALID_JSON"),
        (b'{"order": {"id": "\\ud800"}, "shipments": []}', "INVALID_JSON"),
        (b"[]", "INVALID_REQUEST"),
        (b"{}", "INVALID_BUNDLE"),
    ],
    ids=["nan", "duplicate", "deep", "huge-int", "surrogate", "array", "empty-object"],
)
def test_hostile_json_on_orders_is_a_4xx(world: World, raw: bytes, code: str) -> None:
    response = world.client.post(
        "/api/v1/orders",
        data=raw,
        content_type="application/json",
        headers={"Authorization": f"Bearer {KEYS['platform']}"},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code


def test_values_wider_than_their_column_are_400_not_500(world: World) -> None:
    body = order_body("O" * 65, MERCHANT_A, None)
    response = call(world.client, "POST", "/api/v1/orders", "platform", body)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "/order/id"
    body = order_body("ORD-WIDE", MERCHANT_A, None, number="9" * 80)
    assert call(world.client, "POST", "/api/v1/orders", "platform", body).get_json()["error"]["field"] == (
        "/shipments/0/tracking_number"
    )


def test_unknown_merchant_and_duplicate_order(world: World) -> None:
    unknown = call(world.client, "POST", "/api/v1/orders", "platform", order_body("ORD-Q", "M-NOPE", None))
    assert unknown.status_code == 422
    again = call(world.client, "POST", "/api/v1/orders", "platform", order_body(ORDER_A, MERCHANT_A, None))
    assert again.status_code == 409
    renamed = {**merchant_body(MERCHANT_A), "name": "Another name"}
    assert call(world.client, "POST", "/api/v1/merchants", "platform", renamed).status_code == 409
    # The same registration again is an idempotent replay: the original answer (issue 10, class 3).
    twice = call(world.client, "POST", "/api/v1/merchants", "platform", merchant_body(MERCHANT_A))
    assert twice.status_code == 201


def test_wrong_media_type_and_large_bodies(world: World) -> None:
    headers = {"Authorization": f"Bearer {KEYS['platform']}"}
    assert (
        world.client.post(
            "/api/v1/orders", data=b"{}", content_type="text/plain", headers=headers
        ).status_code
        == 415
    )
    big = world.client.post(
        "/api/v1/orders", data=b" " * (2 * MIB), content_type="application/json", headers=headers
    )
    assert big.status_code == 413


def test_chunked_body_over_the_limit_is_refused_on_a_resource_route(world: World) -> None:
    environ = EnvironBuilder(
        method="POST", path="/api/v1/orders", content_type="application/json"
    ).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ.update(
        {
            "HTTP_TRANSFER_ENCODING": "chunked",
            "wsgi.input": io.BytesIO(b" " * (2 * MIB)),
            "wsgi.input_terminated": True,
            "HTTP_AUTHORIZATION": f"Bearer {KEYS['platform']}",
        }
    )
    with world.app.request_context(environ):
        response = world.app.full_dispatch_request()
    assert response.status_code == 413


def test_lists_are_paginated_with_bounds(world: World) -> None:
    for n in range(5):
        body = order_body(f"ORD-P-{n}", MERCHANT_A, None, number=f"55{n:08d}")
        assert call(world.client, "POST", "/api/v1/orders", "platform", body).status_code == 201
    seen: list[str] = []
    path = "/api/v1/orders?limit=3"
    while True:
        page = call(world.client, "GET", path, "platform").get_json()
        assert len(page["items"]) <= 3
        seen += [o["id"] for o in page["items"]]
        if page["next"] is None:
            break
        path = f"/api/v1/orders?limit=3&after={page['next']}"
    assert seen == sorted(seen) and len(seen) == 7
    clamped = call(world.client, "GET", "/api/v1/orders?limit=1000000", "platform")
    assert clamped.status_code == 200 and len(clamped.get_json()["items"]) == 7
    for bad in ("0", "-1", "ten", "1e3"):
        response = call(world.client, "GET", f"/api/v1/orders?limit={bad}", "platform")
        assert response.status_code == 400, bad
    assert call(world.client, "GET", "/api/v1/orders?after=%%%", "platform").status_code == 400
