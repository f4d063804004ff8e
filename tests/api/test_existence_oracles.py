"""Existence oracles (issue 10, class 7): another tenant's object answers exactly as an absent one, in
status and body, on every route a merchant can name an order in; timing is bench/tenancy.py's job."""

from __future__ import annotations

import copy
import json

import pytest

from tests.api.support import MERCHANT_A, NOW, ORDER_B, World, auth, call, direct_met, order_body

ABSENT = "ORD-NEVER-STORED"


@pytest.mark.parametrize(
    ("method", "template", "body"),
    [
        ("GET", "/api/v1/orders/{id}", None),
        ("GET", "/api/v1/orders/{id}/shipments", None),
        ("GET", "/api/v1/orders/{id}/shipments/0", None),
        ("GET", "/api/v1/orders/{id}/customs", None),
        ("GET", "/api/v1/orders/{id}/verdicts", None),
        ("POST", "/api/v1/orders/{id}/verdict?now=" + NOW, None),
        ("POST", "/api/v1/orders/{id}/shipments", {"carrier": "dhl", "tracking_number": "5566778899"}),
        ("POST", "/api/v1/orders/{id}/customs", {"supervision_mode": "9610"}),
        ("PUT", "/api/v1/orders/{id}/shipments/0/documents", {"documents": []}),
    ],
)
def test_another_merchants_order_answers_as_an_absent_one(
    world: World, method: str, template: str, body: object
) -> None:
    foreign = call(world.client, method, template.format(id=ORDER_B), "merchant", body)
    absent = call(world.client, method, template.format(id=ABSENT), "merchant", body)
    assert foreign.status_code == absent.status_code == 404
    assert foreign.get_data() == absent.get_data()


def test_a_merchant_cannot_create_orders_whatever_the_id(world: World) -> None:
    """The platform issues order ids: a merchant can neither probe an id nor take one first."""
    taken = call(world.client, "POST", "/api/v1/orders", "merchant", order_body(ORDER_B, MERCHANT_A, None))
    fresh = call(world.client, "POST", "/api/v1/orders", "merchant", order_body(ABSENT, MERCHANT_A, None))
    assert taken.status_code == fresh.status_code == 403
    assert taken.get_data() == fresh.get_data()


def test_verify_judges_another_merchants_order_as_not_stored(world: World) -> None:
    """Never 403 for an order id; the verdict for B's id equals the verdict for an absent id."""
    answers = {}
    for order_id in (ORDER_B, ABSENT):
        bundle = direct_met()
        bundle["order"].update(id=order_id, merchant_id=MERCHANT_A)
        shipment = bundle["shipments"][0]
        shipment["tracking_number"] = "1234567891"  # the number B's stored order holds
        for event in shipment["events"]:
            event["tracking_number"] = "1234567891"
        bundle["complaint"]["credentials"][0]["tracking_number"] = "1234567891"
        response = call(world.client, "POST", f"/api/v1/verify?now={NOW}", "merchant", bundle)
        assert response.status_code == 200, response.get_json()
        answers[order_id] = json.loads(response.get_data(as_text=True).replace(order_id, "<id>"))
    assert answers[ORDER_B] == answers[ABSENT]
    codes = {f["code"] for f in answers[ABSENT]["findings"]}
    assert "TRACKING_REUSED" in codes, "another consumer's order holds the number (by design, unnamed)"


def test_the_owner_still_verifies_its_stored_order_as_stored(world: World) -> None:
    """A merchant's own stored order is judged with its own history (its number is not 'reused')."""
    bundle = copy.deepcopy(direct_met())
    bundle["order"].update(id="ORD-A-1", merchant_id=MERCHANT_A, consumer_id="C-A-001")
    response = call(world.client, "POST", f"/api/v1/verify?now={NOW}", "merchant", bundle)
    assert response.status_code == 200
    assert "TRACKING_REUSED" not in {f["code"] for f in response.get_json()["findings"]}


def test_bulk_validation_judges_another_merchants_order_as_not_stored(world: World) -> None:
    """The same rule as POST /verify for bulk pre-validation rows: B's order id under merchant A's own
    bundle answers exactly as an absent id does (no FORBIDDEN, same verdict and codes)."""
    service = world.app.extensions["trace_verify.services"].validations
    service.queue = None  # the test runs the job itself
    lines = b""
    for order_id in (ORDER_B, ABSENT):
        bundle = direct_met()
        bundle["order"].update(id=order_id, merchant_id=MERCHANT_A)
        bundle["merchant"]["id"] = MERCHANT_A
        for shipment in bundle["shipments"]:
            shipment["tracking_number"] = "1234567891"  # the number B's stored order holds
            for event in shipment.get("events", []):
                event["tracking_number"] = "1234567891"
        bundle["complaint"]["credentials"][0]["tracking_number"] = "1234567891"
        lines += json.dumps(bundle).encode() + b"\n"
    headers = {**auth("merchant"), "Content-Type": "application/x-ndjson"}
    submitted = world.client.post(f"/api/v1/validations?now={NOW}", data=lines, headers=headers)
    assert submitted.status_code == 202, submitted.get_json()
    job_id = submitted.get_json()["id"]
    assert service.run(job_id, "test-runner", 1)
    answered = world.client.get(f"/api/v1/validations/{job_id}/results", headers=auth("merchant"))
    foreign, absent = (json.loads(line) for line in answered.data.splitlines())
    assert "error" not in foreign, foreign
    assert {k: v for k, v in foreign.items() if k not in ("line", "order_id")} == {
        k: v for k, v in absent.items() if k not in ("line", "order_id")
    }
