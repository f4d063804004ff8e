"""TRACKING_REUSED and TRACKING_SHARED from stored history (rules.md §6a), without naming the other order."""

from __future__ import annotations

from tests.api.support import (
    CONSUMER_A,
    MERCHANT_A,
    MERCHANT_B,
    NOW,
    ORDER_A,
    World,
    call,
    direct_met,
    order_body,
)
from tests.support import assert_valid_verdict

NUMBER_A = "4829105735"  # ORDER_A's DHL number (consumer C-A-001)


def _codes(verdict: dict[str, object]) -> list[str]:
    return [f["code"] for f in verdict["findings"]]  # type: ignore[index, union-attr]


def test_a_later_order_of_another_consumer_is_reused_and_the_first_shared(world: World) -> None:
    later = order_body("ORD-LATER", MERCHANT_B, "C-LATER", number=NUMBER_A)
    assert call(world.client, "POST", "/api/v1/orders", "platform", later).status_code == 201

    reused = call(world.client, "POST", f"/api/v1/orders/ORD-LATER/verdict?now={NOW}", "platform").get_json()
    assert_valid_verdict(reused)
    assert "TRACKING_REUSED" in _codes(reused)
    assert reused["verdict"] == "not_met"
    finding = next(f for f in reused["findings"] if f["code"] == "TRACKING_REUSED")
    assert {"history": "order"} in finding["evidence"]

    shared = call(world.client, "POST", f"/api/v1/orders/{ORDER_A}/verdict?now={NOW}", "platform").get_json()
    assert "TRACKING_SHARED" in _codes(shared) and "TRACKING_REUSED" not in _codes(shared)
    assert shared["verdict"] == "met"

    for verdict, others in (
        (reused, (ORDER_A, CONSUMER_A, MERCHANT_A)),
        (shared, ("ORD-LATER", "C-LATER", MERCHANT_B)),
    ):
        text = str(verdict)
        assert not any(other in text for other in others), (
            "a verdict names another order, consumer or merchant"
        )


def test_verify_consults_the_stored_history_for_a_bundle_not_stored(world: World) -> None:
    bundle = direct_met()
    bundle["order"].update(id="ORD-NOT-STORED", merchant_id=MERCHANT_A, consumer_id="C-SOMEONE-ELSE")
    verdict = call(world.client, "POST", f"/api/v1/verify?now={NOW}", "staff", bundle).get_json()
    assert_valid_verdict(verdict)
    assert "TRACKING_REUSED" in _codes(verdict)
    assert ORDER_A not in str(verdict) and CONSUMER_A not in str(verdict)


def test_the_same_consumer_reusing_its_number_is_no_finding(world: World) -> None:
    bundle = direct_met()
    bundle["order"].update(id="ORD-SAME-CONSUMER", merchant_id=MERCHANT_A, consumer_id=CONSUMER_A)
    verdict = call(world.client, "POST", f"/api/v1/verify?now={NOW}", "merchant", bundle).get_json()
    assert not {"TRACKING_REUSED", "TRACKING_SHARED"} & set(_codes(verdict))


def test_verify_stores_nothing(world: World) -> None:
    bundle = direct_met()
    bundle["order"].update(id="ORD-TRANSIENT", merchant_id=MERCHANT_A, consumer_id="C-X")
    assert call(world.client, "POST", f"/api/v1/verify?now={NOW}", "platform", bundle).status_code == 200
    assert call(world.client, "GET", "/api/v1/orders/ORD-TRANSIENT", "platform").status_code == 404
