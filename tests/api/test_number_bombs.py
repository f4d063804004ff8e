"""Number bombs (issue 10, class 1): every JSON number of every body is bounded on its text, before any
conversion, and refused with its pointer in milliseconds; inside a carrier document it is evidence that
could not be read (contract, input rules), just as fast."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest

from carriers.aftership.push import SIGNATURE_HEADER, sign
from tests.api.support import MERCHANT_A, NOW, ORDER_A, WEBHOOK_SECRETS, World, auth, direct_met, order_body
from tests.support import FIXTURES

BOMBS = ["1e999999999", "1e4300", "-1e-999999999", "9" * 5000]
#: A marker string replaced by the bomb in the serialised body, so the bomb never passes through Python.
MARK = "__BOMB__"


def _raw(body: dict[str, Any], bomb: str) -> bytes:
    return json.dumps(body).replace(f'"{MARK}"', bomb).encode()


def _bodies() -> list[tuple[str, str, str, dict[str, Any], str]]:
    order = order_body("ORD-BOMB", MERCHANT_A, None)
    order["order"]["items"][0]["quantity"] = MARK
    verify = direct_met()
    verify["order"]["items"][0]["quantity"] = MARK
    shipment = {"carrier": "dhl", "tracking_number": "4829105735", "events": [{"x": MARK}]}
    return [
        ("orders", "POST", "/api/v1/orders", order, "/order/items/0/quantity"),
        ("verify", "POST", f"/api/v1/verify?now={NOW}", verify, "/order/items/0/quantity"),
        ("merchant", "POST", "/api/v1/merchants", {"id": "M-X", "name": MARK}, "/name"),
        ("patch", "PATCH", f"/api/v1/merchants/{MERCHANT_A}", {"name": [MARK]}, "/name/0"),
        ("shipment", "POST", f"/api/v1/orders/{ORDER_A}/shipments", shipment, "/events/0/x"),
        ("customs", "POST", f"/api/v1/orders/{ORDER_A}/customs", {"port": MARK}, "/port"),
        (
            "documents",
            "PUT",
            f"/api/v1/orders/{ORDER_A}/shipments/0/documents",
            {"documents": MARK},
            "/documents",
        ),
    ]


@pytest.mark.parametrize("bomb", BOMBS, ids=["1e999999999", "1e4300", "tiny", "5000-digits"])
@pytest.mark.parametrize("case", _bodies(), ids=lambda c: c[0])
def test_a_number_bomb_in_a_body_is_400_with_its_pointer_in_milliseconds(
    world: World, case: tuple[str, str, str, dict[str, Any], str], bomb: str
) -> None:
    _, method, path, body, pointer = case
    started = time.perf_counter()
    response = world.client.open(
        path, method=method, data=_raw(body, bomb), content_type="application/json", headers=auth("platform")
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]["code"] == "INVALID_JSON"
    assert response.get_json()["error"]["field"] == pointer
    assert elapsed < 0.5


@pytest.mark.parametrize("bomb", BOMBS[:2])
def test_a_number_bomb_inside_a_carrier_document_is_unreadable_evidence_in_milliseconds(
    world: World, bomb: str
) -> None:
    document = (FIXTURES / "carriers" / "dhl" / "express-osaka-hangzhou-delivered.json").read_text("utf-8")
    hostile = document.replace("{", '{"pieces": ' + bomb + ", ", 2).encode()
    bundle = direct_met()
    bundle["shipments"][0]["documents"] = [
        {"carrier": "dhl", "content_base64": base64.b64encode(hostile).decode()}
    ]
    started = time.perf_counter()
    response = world.client.post(f"/api/v1/verify?now={NOW}", json=bundle, headers=auth("platform"))
    assert time.perf_counter() - started < 1.0
    assert response.status_code == 200, response.get_json()
    findings = response.get_json()["findings"]
    unreadable = [f for f in findings if f["code"] == "DOCUMENT_UNREADABLE"]
    assert unreadable, findings


def test_a_number_bomb_in_a_signed_push_is_400_in_milliseconds(world: World) -> None:
    body = b'{"event": "tracking_update", "msg": {"id": 1e999999999}}'
    started = time.perf_counter()
    response = world.client.post(
        "/api/v1/webhooks/aftership",
        data=body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: sign(body, WEBHOOK_SECRETS["aftership"])},
    )
    assert time.perf_counter() - started < 0.5
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] in ("DOCUMENT_UNREADABLE", "DOCUMENT_UNSAFE")
