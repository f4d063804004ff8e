"""Far instants (issue 10, class 4): no OverflowError anywhere. Instants within a day of the calendar's
edges are refused with their pointer; everything the reader accepts is judged, up to year 9999."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carriers import REGISTRY
from tests.api.support import ORDER_A, World, call, direct_met
from tests.support import FIXTURES, bundle
from trace_verify.domain.instants import EARLIEST, LATEST
from trace_verify.errors import ServiceError
from trace_verify.services.verification import VerificationService

EDGES = [
    "9999-12-31T23:59:59Z",
    "9999-12-31T00:00:00+00:00",
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:30:00+01:00",
]


@pytest.mark.parametrize("now", EDGES)
@pytest.mark.parametrize("path", ["/api/v1/verify", f"/api/v1/orders/{ORDER_A}/verdict"])
def test_now_past_the_edges_is_refused_with_its_pointer(world: World, path: str, now: str) -> None:
    body = direct_met() if path.endswith("verify") else None
    response = call(world.client, "POST", f"{path}?now={now.replace('+', '%2B')}", "platform", body)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"] == {
        "code": "INVALID_ARGUMENT",
        "message": response.get_json()["error"]["message"],
        "field": "/now",
    }


@pytest.mark.parametrize(("field", "value"), [("completed_at", EDGES[0]), ("placed_at", EDGES[3])])
def test_order_instants_past_the_edges_are_refused_with_their_pointer(
    world: World, field: str, value: str
) -> None:
    body = direct_met()
    body["order"][field] = value
    response = call(world.client, "POST", "/api/v1/verify", "platform", body)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == f"/order/{field}"


def test_the_last_accepted_instants_are_judged(world: World) -> None:
    """completed_at in the calendar's last days plus the 90-day window, ?now on the last accepted day."""
    body = bundle("ggg-upheld")
    body["order"]["completed_at"] = "9999-12-30T00:00:00Z"
    body["complaint"]["filed_at"] = "9999-12-30T23:59:59Z"
    response = call(world.client, "POST", "/api/v1/verify?now=9999-12-30T23:59:59Z", "platform", body)
    assert response.status_code == 200, response.get_json()


def test_a_carrier_time_with_no_utc_value_is_unreadable_evidence(world: World) -> None:
    document = (FIXTURES / "carriers" / "dhl" / "express-osaka-hangzhou-delivered.json").read_text("utf-8")
    first = re.findall(r'"timestamp": "([^"]+)"', document)[0]
    hostile = document.replace(first, "9999-12-31T23:59:59-05:00")
    body = direct_met()
    body["shipments"][0]["tracking_number"] = json.loads(document)["shipments"][0]["id"]
    body["shipments"][0]["events"] = []
    body["shipments"][0]["documents"] = [
        {"carrier": "dhl", "content_base64": base64.b64encode(hostile.encode()).decode()}
    ]
    response = call(world.client, "POST", "/api/v1/verify?now=2026-03-05T12:00:00Z", "platform", body)
    assert response.status_code == 200, response.get_json()
    assert "DOCUMENT_UNREADABLE" in {f["code"] for f in response.get_json()["findings"]}


SERVICE = VerificationService(REGISTRY)
OFFSETS = st.sampled_from([UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))])
INSTANTS = st.datetimes(
    min_value=EARLIEST.replace(tzinfo=None) + timedelta(days=1),
    max_value=LATEST.replace(tzinfo=None) - timedelta(days=1),
    timezones=st.just(UTC),
)


def _text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(now=INSTANTS, completed=INSTANTS, filed=INSTANTS, event=INSTANTS, declared=INSTANTS)
def test_any_accepted_instant_is_judged_without_an_error(
    now: datetime, completed: datetime, filed: datetime, event: datetime, declared: datetime
) -> None:
    for name in ("direct-met", "ggg-upheld"):
        body: dict[str, Any] = bundle(name)
        body["order"]["completed_at"] = _text(completed)
        if body.get("complaint"):
            body["complaint"]["filed_at"] = _text(filed)
        for shipment in body["shipments"]:
            for item in shipment.get("events", []):
                item["occurred_at"] = _text(event)
        for record in body.get("customs", []):
            if "declared_at" in record:
                record["declared_at"] = _text(declared)
        try:
            verdict = SERVICE.verify_json(body, now)
        except ServiceError:
            continue  # refused with a code and pointer (e.g. placed after completed): fine
        assert verdict["verdict"] in ("met", "not_met", "insufficient_evidence")
