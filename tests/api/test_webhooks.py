"""Carrier webhooks: the adapter's signature check, each body stored once, events merged idempotently."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from carriers.aftership.push import SIGNATURE_HEADER, sign
from tests.api.support import MERCHANT_A, WEBHOOK_SECRETS, World, call, order_body
from tests.support import FIXTURES
from trace_verify.db.models import CarrierDocument, TrackingEvent, WebhookPush
from trace_verify.services.ports import SIGNATURE_HEADER as OWN_HEADER
from trace_verify.services.ports import sign_push

PUSH = (FIXTURES / "carriers" / "aftership" / "webhook-v4-ems-osaka-shanghai-customs-hold.json").read_bytes()
NUMBER = "EB582073164JP"


def _aftership_order(world: World) -> None:
    body = order_body("ORD-PUSHED", MERCHANT_A, "C-A-001")
    body["shipments"] = [{"carrier": "aftership", "tracking_number": NUMBER}]
    assert call(world.client, "POST", "/api/v1/orders", "platform", body).status_code == 201


def _push(
    world: World, body: bytes = PUSH, signature: str | None = None, carrier: str = "aftership"
) -> object:
    signature = sign(body, WEBHOOK_SECRETS["aftership"]) if signature is None else signature
    return world.client.post(
        f"/api/v1/webhooks/{carrier}",
        data=body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: signature},
    )


def _count(world: World, model: type) -> int:
    with world.database.transaction() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_a_replayed_push_is_stored_once_and_its_events_merged_once(world: World) -> None:
    _aftership_order(world)
    answers = [_push(world).get_json() for _ in range(5)]  # type: ignore[attr-defined]
    assert answers[0]["duplicate"] is False and answers[0]["shipments_matched"] == 1
    assert answers[0]["events_added"] > 0
    assert all(a["duplicate"] and a["events_added"] == 0 for a in answers[1:])
    assert answers[-1]["deliveries"] == 5
    assert _count(world, WebhookPush) == 1
    with world.database.transaction() as session:
        documents = session.scalars(sa.select(CarrierDocument).where(CarrierDocument.origin == "push")).all()
        assert len(documents) == 1
        pushed = sa.select(sa.func.count()).select_from(TrackingEvent).where(TrackingEvent.origin == "push")
        assert session.scalar(pushed) == answers[0]["events_added"]
    shipment = call(world.client, "GET", "/api/v1/orders/ORD-PUSHED/shipments/0", "platform").get_json()
    assert shipment["documents"][0]["origin"] == "push"
    assert {e["origin"] for e in shipment["events"]} == {"push"}


def test_concurrent_replays_store_one_push(world: World) -> None:
    _aftership_order(world)
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda _: _push(world).status_code, range(4)))  # type: ignore[attr-defined]
    assert statuses == [200] * 4
    assert _count(world, WebhookPush) == 1


@pytest.mark.parametrize(
    "signature",
    ["", "not-a-signature", sign(PUSH, "wrong-secret"), sign(PUSH + b" ", WEBHOOK_SECRETS["aftership"])],
    ids=["empty", "garbage", "wrong-secret", "other-body"],
)
def test_a_push_without_the_carriers_signature_is_refused_and_not_stored(
    world: World, signature: str
) -> None:
    response = _push(world, signature=signature)
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert response.get_json()["error"]["code"] == "UNAUTHORIZED"  # type: ignore[attr-defined]
    assert _count(world, WebhookPush) == 0


def test_an_api_key_is_no_signature(world: World) -> None:
    response = call(world.client, "POST", "/api/v1/webhooks/aftership", "platform", {"event": "x"})
    assert response.status_code == 401


def test_unknown_carrier_is_404_and_unreadable_body_is_400(world: World) -> None:
    assert _push(world, carrier="no-such-carrier").status_code == 404  # type: ignore[attr-defined]
    body = b'{"event": "tracking_update", "msg": 1}'
    response = _push(world, body=body, signature=sign(body, WEBHOOK_SECRETS["aftership"]))
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert response.get_json()["error"]["code"].startswith("DOCUMENT_")  # type: ignore[attr-defined]
    assert _count(world, WebhookPush) == 0


def test_an_adapter_without_verify_push_uses_the_services_signature(world: World) -> None:
    body = (FIXTURES / "carriers" / "dhl" / "express-osaka-hangzhou-delivered.json").read_bytes()
    good = world.client.post(
        "/api/v1/webhooks/dhl", data=body, headers={OWN_HEADER: sign_push(body, WEBHOOK_SECRETS["dhl"])}
    )
    assert good.status_code == 200, good.get_json()
    bad = world.client.post("/api/v1/webhooks/dhl", data=body, headers={OWN_HEADER: sign_push(body, "x")})
    assert bad.status_code == 401


def test_a_carrier_without_a_configured_secret_cannot_push(world: World) -> None:
    response = world.client.post(
        "/api/v1/webhooks/ups", data=b"{}", headers={OWN_HEADER: sign_push(b"{}", "")}
    )
    assert response.status_code == 401
