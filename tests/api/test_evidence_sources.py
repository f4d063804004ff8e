"""Evidence sources on stored evidence (rules.md §8, issue 14): set by the service from how the evidence
arrived — the key's role, a refresh, a verified push — never from a request body; the stronger source
of the same event or document is kept."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from carriers import REGISTRY
from carriers._fetch import CarrierGuards, FetchPolicy
from carriers._fetch.clock import SYSTEM_CLOCK
from carriers.aftership.push import SIGNATURE_HEADER, sign
from carriers.dhl.client import DhlClient
from carriers.simulator import SimulatorApp, build_app, running
from tests.api.support import (
    MERCHANT_A,
    NOW,
    WEBHOOK_SECRETS,
    World,
    build_world,
    call,
    order_body,
    submit_order,
)
from tests.support import FIXTURES
from trace_verify.db.models import CarrierDocument, CustomsDeclaration, Shipment, TrackingEvent
from trace_verify.db.session import Database

DHL_NUMBER = "4589127734"  # the simulator answers express-osaka-hangzhou-delivered.json for it
DHL_DELIVERED = (FIXTURES / "carriers/dhl/express-osaka-hangzhou-delivered.json").read_bytes()
PUSH = (FIXTURES / "carriers/aftership/webhook-v4-ems-osaka-shanghai-customs-hold.json").read_bytes()
PUSH_NUMBER = "EB582073164JP"


@pytest.fixture(scope="module")
def simulator() -> Iterator[str]:
    app: SimulatorApp = build_app(FIXTURES)
    with running(app) as base:
        yield base


def dhl_client(base: str) -> DhlClient:
    policy = FetchPolicy(carrier="dhl", rate_per_second=50.0, burst=50, total_deadline=3, backoff_jitter=0)
    return DhlClient(base, "sim-key", policy, guards=CarrierGuards.for_policy(policy, SYSTEM_CLOCK))


def _document(content: bytes, carrier: str = "dhl") -> dict[str, str]:
    return {"carrier": carrier, "content_base64": base64.b64encode(content).decode("ascii")}


def _create(world: World, role: str, order_id: str, shipments: list[dict[str, Any]]) -> None:
    body = order_body(order_id, MERCHANT_A, "C-SRC")
    body["shipments"] = shipments
    submit_order(world.client, role, body)


def _sources(world: World, model: type, order_id: str) -> list[str]:
    with world.database.transaction() as session:
        statement = sa.select(model.source).order_by(model.id)  # type: ignore[attr-defined]
        if model is CustomsDeclaration:
            statement = statement.where(CustomsDeclaration.order_id == order_id)
        elif model is Shipment:
            statement = statement.where(Shipment.order_id == order_id)
        else:
            statement = statement.join(Shipment, Shipment.id == model.shipment_id).where(  # type: ignore[attr-defined]
                Shipment.order_id == order_id
            )
        return [s.value for s in session.scalars(statement)]


@pytest.mark.parametrize(("role", "source"), [("merchant", "merchant"), ("platform", "platform")])
def test_what_a_key_submits_is_that_roles_evidence(world: World, role: str, source: str) -> None:
    shipment = copy.deepcopy(order_body("X", MERCHANT_A, None)["shipments"][0])
    shipment["documents"] = [_document(DHL_DELIVERED)]
    shipment["tracking_number"] = DHL_NUMBER
    for event in shipment["events"]:
        event["tracking_number"] = DHL_NUMBER
    _create(world, role, "ORD-SRC", [shipment])
    assert set(_sources(world, Shipment, "ORD-SRC")) == {source}
    assert set(_sources(world, CustomsDeclaration, "ORD-SRC")) == {source}
    assert set(_sources(world, TrackingEvent, "ORD-SRC")) == {source}
    # A raw DHL document uploaded by a party is that party's evidence, not DHL's (rules.md §8).
    assert _sources(world, CarrierDocument, "ORD-SRC") == [source]
    view = call(world.client, "GET", "/api/v1/orders/ORD-SRC/shipments/0", "platform").get_json()
    assert view["source"] == source
    assert {d["source"] for d in view["documents"]} == {source}
    assert {e["source"] for e in view["events"]} == {source}


def _with_source(body: dict[str, Any], where: str) -> dict[str, Any]:
    body = copy.deepcopy(body)
    if where == "shipment":
        body["shipments"][0]["source"] = "carrier_api"
    elif where == "event":
        body["shipments"][0]["events"][0]["source"] = "carrier_api"
    elif where == "document":
        body["shipments"][0]["documents"] = [{**_document(DHL_DELIVERED), "source": "carrier_api"}]
    elif where == "customs":
        body["customs"][0]["source"] = "platform"
    elif where == "order":
        body["source"] = "carrier_api"
    return body


@pytest.mark.parametrize("where", ["order", "shipment", "event", "document", "customs"])
def test_a_body_cannot_set_a_source(world: World, where: str) -> None:
    body = _with_source(order_body("ORD-FORGED", MERCHANT_A, "C-SRC"), where)
    response = call(world.client, "POST", "/api/v1/orders", "platform", body)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]["code"] == "UNKNOWN_FIELD"
    assert call(world.client, "GET", "/api/v1/orders/ORD-FORGED", "platform").status_code == 404


def test_a_body_cannot_set_a_source_on_added_evidence(world: World) -> None:
    body = order_body("ORD-ADD", MERCHANT_A, "C-SRC")
    shipment = _with_source(body, "shipment")["shipments"][0]
    refused = call(world.client, "POST", "/api/v1/orders/ORD-A-1/shipments", "merchant", shipment)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "UNKNOWN_FIELD"
    customs = _with_source(body, "customs")["customs"][0]
    refused = call(world.client, "POST", "/api/v1/orders/ORD-A-1/customs", "merchant", customs)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "UNKNOWN_FIELD"
    documents = {"documents": [{**_document(DHL_DELIVERED), "source": "carrier_api"}]}
    refused = call(world.client, "PUT", "/api/v1/orders/ORD-A-1/shipments/0/documents", "merchant", documents)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "UNKNOWN_FIELD"


def test_a_refresh_is_the_carriers_word_and_outranks_the_merchants_copy(
    database: Database, simulator: str
) -> None:
    world = build_world(database, clients={"dhl": dhl_client(simulator)})
    # The merchant first uploads exactly the bytes DHL will answer, then the service fetches them.
    _create(
        world,
        "merchant",
        "ORD-REFRESH",
        [{"carrier": "dhl", "tracking_number": DHL_NUMBER, "documents": [_document(DHL_DELIVERED)]}],
    )
    assert set(_sources(world, TrackingEvent, "ORD-REFRESH")) == {"merchant"}
    verdict = call(world.client, "POST", f"/api/v1/orders/ORD-REFRESH/verdict?now={NOW}", "merchant")
    assert verdict.status_code == 200, verdict.get_json()
    assert _sources(world, CarrierDocument, "ORD-REFRESH") == ["carrier_api"], (
        "one document, the stronger kept"
    )
    assert set(_sources(world, TrackingEvent, "ORD-REFRESH")) == {"carrier_api"}
    # Uploading the same bytes again never weakens what the carrier said.
    again = call(
        world.client,
        "PUT",
        "/api/v1/orders/ORD-REFRESH/shipments/0/documents",
        "merchant",
        {"documents": [_document(DHL_DELIVERED)]},
    )
    assert again.status_code == 200, again.get_json()
    assert _sources(world, CarrierDocument, "ORD-REFRESH") == ["carrier_api"]
    assert set(_sources(world, TrackingEvent, "ORD-REFRESH")) == {"carrier_api"}


def test_a_merchants_upload_cannot_retire_the_carriers_documents(database: Database, simulator: str) -> None:
    world = build_world(database, clients={"dhl": dhl_client(simulator)})
    _create(world, "merchant", "ORD-KEEP", [{"carrier": "dhl", "tracking_number": DHL_NUMBER}])
    call(world.client, "POST", f"/api/v1/orders/ORD-KEEP/verdict?now={NOW}", "merchant")
    other = (FIXTURES / "carriers/dhl/error-404-not-found.json").read_bytes()
    replaced = call(
        world.client,
        "PUT",
        "/api/v1/orders/ORD-KEEP/shipments/0/documents",
        "merchant",
        {"documents": [_document(other)]},
    ).get_json()
    current = {d["source"] for d in replaced["documents"] if d["superseded_at"] is None}
    assert current == {"carrier_api", "merchant"}


def _push(world: World) -> dict[str, Any]:
    response = world.client.post(
        "/api/v1/webhooks/aftership",
        data=PUSH,
        content_type="application/json",
        headers={SIGNATURE_HEADER: sign(PUSH, WEBHOOK_SECRETS["aftership"])},
    )
    assert response.status_code == 200, response.get_json()
    answer: dict[str, Any] = response.get_json()
    return answer


def test_a_verified_push_is_the_carriers_word_and_outranks_a_typed_copy(world: World) -> None:
    # The merchant types one of the events the carrier will push, word for word.
    result = REGISTRY.read("aftership", PUSH)
    typed = [e.to_json() for e in result.shipments[0].events[:1]]
    _create(
        world,
        "merchant",
        "ORD-PUSH",
        [{"carrier": "aftership", "tracking_number": PUSH_NUMBER, "events": typed}],
    )
    assert _sources(world, TrackingEvent, "ORD-PUSH") == ["merchant"]
    answer = _push(world)
    assert answer["shipments_matched"] == 1
    sources = _sources(world, TrackingEvent, "ORD-PUSH")
    assert sources and set(sources) == {"carrier_push"}, "the typed copy now stands on the carrier's push"
    assert _sources(world, CarrierDocument, "ORD-PUSH") == ["carrier_push"]


# -- the stored order's verdict (rules.md §8.2, §8.4) ------------------------------------------------


def _codes(verdict: dict[str, Any]) -> list[str]:
    return [f["code"] for f in verdict["findings"]]


def test_a_stored_orders_verdict_says_what_it_rests_on_and_verify_is_unchanged(world: World) -> None:
    body = order_body("ORD-SELF", MERCHANT_A, "C-SRC", "4829105746")
    submit_order(world.client, "merchant", body)
    stored = call(world.client, "POST", f"/api/v1/orders/ORD-SELF/verdict?now={NOW}", "merchant").get_json()
    assert stored["verdict"] == "met"
    sources = next(f for f in stored["findings"] if f["code"] == "EVIDENCE_SOURCES")
    assert sources["evidence"] == [{"source": "merchant", "events": len(stored["timeline"])}]
    # The merchant sees which of its stored events would not, alone, defeat a complaint.
    self_reported = next(f for f in stored["findings"] if f["code"] == "PATH_SELF_REPORTED")
    assert self_reported["severity"] == "warning" and self_reported["evidence"]
    # POST /verify judges the bundle as the caller gives it: no §8 finding, same verdict.
    bundle = {**body, "merchant": {"id": MERCHANT_A}}
    given = call(world.client, "POST", f"/api/v1/verify?now={NOW}", "merchant", bundle).get_json()
    assert given["verdict"] == "met"
    assert not {"EVIDENCE_SOURCES", "PATH_SELF_REPORTED", "SUBMITTED_EVENT_CONTRADICTED"} & set(_codes(given))


def test_a_platform_submitted_order_is_not_self_reported(world: World) -> None:
    body = order_body("ORD-PLAT", MERCHANT_A, "C-SRC", "4829105750")
    assert call(world.client, "POST", "/api/v1/orders", "platform", body).status_code == 201
    stored = call(world.client, "POST", f"/api/v1/orders/ORD-PLAT/verdict?now={NOW}", "platform").get_json()
    assert stored["verdict"] == "met"
    assert "PATH_SELF_REPORTED" not in _codes(stored)
    sources = next(f for f in stored["findings"] if f["code"] == "EVIDENCE_SOURCES")
    assert sources["evidence"] == [{"source": "platform", "events": len(stored["timeline"])}]


def test_bulk_pre_validation_judges_the_bundle_as_given(world: World) -> None:
    """Bulk pre-validation is unchanged by sources (rules.md §8): the merchant vouches for what it sends."""
    from tests.api.support import auth

    body = order_body("ORD-BULK-SRC", MERCHANT_A, "C-SRC", "4829105746")
    submit_order(world.client, "merchant", body)
    bundle = {**body, "merchant": {"id": MERCHANT_A}}
    service = world.app.extensions["trace_verify.services"].validations
    service.queue = None  # the test runs the job itself
    submitted = world.client.post(
        f"/api/v1/validations?now={NOW}",
        data=(json.dumps(bundle) + "\n").encode(),
        headers={**auth("merchant"), "Content-Type": "application/x-ndjson"},
    )
    assert submitted.status_code == 202, submitted.get_json()
    job_id = submitted.get_json()["id"]
    assert service.run(job_id, "test-runner", 1)
    answered = world.client.get(f"/api/v1/validations/{job_id}/results", headers=auth("merchant"))
    rows = [json.loads(line) for line in answered.data.splitlines()]
    assert rows[0]["verdict"] == "met", rows[0]
    assert not {"EVIDENCE_SOURCES", "PATH_SELF_REPORTED", "SUBMITTED_EVENT_CONTRADICTED"} & set(
        rows[0]["codes"]
    )


# -- new carrier evidence is news for the order's complaints (rules.md §8.1 re-checks) -------------


def _listen(world: World) -> list[str]:
    """Record the orders the verdict and webhook services report carrier news for."""
    told: list[str] = []
    services = world.app.extensions["trace_verify.services"]
    for service in (services.verdicts, services.webhooks):
        service.on_carrier_news = lambda session, order_id, now: told.append(order_id)
    return told


def test_a_refresh_that_brings_new_carrier_events_is_news_once(database: Database, simulator: str) -> None:
    world = build_world(database, clients={"dhl": dhl_client(simulator)})
    told = _listen(world)
    _create(world, "merchant", "ORD-NEWS", [{"carrier": "dhl", "tracking_number": DHL_NUMBER}])
    call(world.client, "POST", f"/api/v1/orders/ORD-NEWS/verdict?now={NOW}", "merchant")
    assert told == ["ORD-NEWS"]
    call(world.client, "POST", f"/api/v1/orders/ORD-NEWS/verdict?now={NOW}", "merchant")
    assert told == ["ORD-NEWS"], "the same answer again says nothing new"


def test_a_push_that_brings_new_carrier_events_is_news_once(world: World) -> None:
    told = _listen(world)
    _create(world, "merchant", "ORD-PUSH-NEWS", [{"carrier": "aftership", "tracking_number": PUSH_NUMBER}])
    _push(world)
    assert told == ["ORD-PUSH-NEWS"]
    _push(world)
    assert told == ["ORD-PUSH-NEWS"]
