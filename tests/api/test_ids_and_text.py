"""Ids and text (issue 10, classes 5 and 8): every client-chosen id follows the documented pattern, and
text no database can store (a NUL) is refused at the boundary with its pointer, on SQLite and
PostgreSQL alike (it used to be a DataError 500 on PostgreSQL)."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.api.support import MERCHANT_A, ORDER_A, World, call, direct_met, merchant_body, order_body

BAD_IDS = [
    "",
    " ",
    "..",
    ".hidden",
    "a/b",
    "../../etc/passwd",
    "ORD\nX",
    "ORD\n",
    "ORD X",
    "ORD\x00",
    "ОRD-1",
    "ORD－1",
    "O" * 65,
]


@pytest.mark.parametrize("field", ["id", "merchant_id", "consumer_id"])
@pytest.mark.parametrize("bad", BAD_IDS, ids=range(len(BAD_IDS)))
def test_an_order_id_outside_the_pattern_is_refused_with_its_pointer(
    world: World, field: str, bad: str
) -> None:
    body = order_body("ORD-OK-1", MERCHANT_A, "C-A-001")
    body["order"][field] = bad
    response = call(world.client, "POST", "/api/v1/orders", "platform", body)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]["field"] == f"/order/{field}"
    assert (
        call(world.client, "GET", "/api/v1/orders?limit=100", "platform").get_json()["items"][-1]["id"] != bad
    )


@pytest.mark.parametrize("bad", BAD_IDS, ids=range(len(BAD_IDS)))
def test_a_merchant_id_outside_the_pattern_is_refused(world: World, bad: str) -> None:
    response = call(
        world.client, "POST", "/api/v1/merchants", "platform", {**merchant_body("M-X"), "id": bad}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "/id"


def test_the_pattern_is_in_the_openapi_document(world: World) -> None:
    document = call(world.client, "GET", "/api/v1/openapi.json", None).get_json()
    order = document["components"]["schemas"]["OrderCreate"]["properties"]["order"]["properties"]
    merchant = document["components"]["schemas"]["MerchantCreate"]["properties"]["id"]
    assert order["id"]["pattern"] == order["merchant_id"]["pattern"] == merchant["pattern"]
    assert order["consumer_id"]["pattern"] == merchant["pattern"]


NUL = "\x00"


def _nul_bodies() -> list[tuple[str, str, str, Any, str]]:
    order = order_body("ORD-NUL", MERCHANT_A, None)
    order["shipments"][0]["tracking_number"] = "48291" + NUL
    customs = {"declaration_number": "2201" + NUL, "supervision_mode": "9610"}
    verify = direct_met()
    verify["shipments"][0]["tracking_number"] = "4829105735" + NUL
    return [
        (
            "merchant-name",
            "POST",
            "/api/v1/merchants",
            {**merchant_body("M-NUL"), "name": "A" + NUL},
            "/name",
        ),
        ("patch-name", "PATCH", f"/api/v1/merchants/{MERCHANT_A}", {"name": NUL}, "/name"),
        ("tracking-number", "POST", "/api/v1/orders", order, "/shipments/0/tracking_number"),
        ("declaration", "POST", f"/api/v1/orders/{ORDER_A}/customs", customs, "/declaration_number"),
        ("verify-number", "POST", "/api/v1/verify", verify, "/shipments/0/tracking_number"),
        ("key", "POST", f"/api/v1/orders/{ORDER_A}/shipments", {"carrier": "dhl", "x" + NUL: 1}, "/x\x00"),
    ]


@pytest.mark.parametrize("case", _nul_bodies(), ids=lambda c: c[0])
def test_a_nul_in_a_body_is_refused_with_its_pointer(
    world: World, case: tuple[str, str, str, Any, str]
) -> None:
    _, method, path, body, pointer = case
    response = call(world.client, method, path, "platform", body)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"] == {
        "code": "INVALID_TEXT",
        "message": "text must not contain NUL (U+0000): it cannot be stored",
        "field": pointer,
    }


@pytest.mark.parametrize(
    ("path", "pointer"),
    [
        ("/api/v1/orders/ORD%00X", "/order_id"),
        ("/api/v1/orders/ORD%00X/shipments", "/order_id"),
        ("/api/v1/orders/ORD%00X/verdicts", "/order_id"),
        ("/api/v1/merchants/M%00X", "/merchant_id"),
        ("/api/v1/orders?merchant_id=M%00X", "/merchant_id"),
        ("/api/v1/orders?limit=1%00", "/limit"),
        ("/api/v1/orders?merchant%00id=1", "?merchant\x00id"),
    ],
)
def test_a_nul_in_a_path_or_query_is_refused_with_its_pointer(world: World, path: str, pointer: str) -> None:
    for role in ("platform", "merchant"):
        response = call(world.client, "GET", path, role)
        assert response.status_code == 400, response.get_json()
        assert response.get_json()["error"]["code"] == "INVALID_TEXT"
        assert response.get_json()["error"]["field"] == pointer


def test_a_cursor_holding_a_nul_is_refused(world: World) -> None:
    cursor = base64.urlsafe_b64encode(b"ORD\x00").decode().rstrip("=")
    response = call(world.client, "GET", f"/api/v1/orders?after={cursor}", "platform")
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "/after"


def test_a_signed_push_naming_a_number_with_a_nul_matches_nothing(world: World) -> None:
    from carriers.aftership.push import SIGNATURE_HEADER, sign
    from tests.api.support import WEBHOOK_SECRETS

    body = (
        b'{"event": "tracking_update", "msg": {"tracking_number": "EB58\\u0000", "slug": "china-ems",'
        b' "checkpoints": []}}'
    )
    response = world.client.post(
        "/api/v1/webhooks/aftership",
        data=body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: sign(body, WEBHOOK_SECRETS["aftership"])},
    )
    assert response.status_code < 500, response.get_json()
