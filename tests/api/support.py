"""The API suite's world: two merchants with one order each, a key per role, and helpers to call."""

from __future__ import annotations

import copy
import json
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from carriers import REGISTRY
from carriers.clients import push_signed_contents, push_verifiers
from tests.support import BUNDLES
from trace_verify.config import Settings
from trace_verify.db.models import Role
from trace_verify.db.session import Database
from trace_verify.services.keys import KeyService
from trace_verify.services.ports import CarrierPorts, TrackingClient
from trace_verify.web import create_app

NOW = "2026-03-05T12:00:00Z"
PUBLIC_BASE_URL = "https://tv.example.cn"
SIGNING_SECRET = "test-installation-signing-secret-0123456789abcdef"
CREATED = datetime(2026, 3, 4, 0, 0, tzinfo=UTC)
WEBHOOK_SECRETS = {
    "aftership": "aftership-test-secret",
    "dhl": "dhl-test-secret",
    "17track": "17track-key",
    "kuaidi100": "sim-salt-3f9c2a71d04e4b6c8e15a9d2",  # the salt the fixture push is signed with
}

#: Tenant A and tenant B; "own" objects are A's, "other" objects B's.
MERCHANT_A, MERCHANT_B = "M-A-OSAKA", "M-B-SEOUL"
CONSUMER_A, CONSUMER_B = "C-A-001", "C-B-002"
ORDER_A, ORDER_B = "ORD-A-1", "ORD-B-1"

KEYS = {
    "platform": "tvk_test_platform_0123456789abcdef0123456789abcdef",
    "staff": "tvk_test_staff_0123456789abcdef0123456789abcdef",
    "merchant": "tvk_test_merchant_a_0123456789abcdef0123456789abcdef",
    "merchant_b": "tvk_test_merchant_b_0123456789abcdef0123456789abcdef",
    "consumer": "tvk_test_consumer_a_0123456789abcdef0123456789abcdef",
}


def make_app(
    database: Database,
    *,
    clients: dict[str, TrackingClient] | None = None,
    rate_per_minute: int = 100_000,
    rate_burst: int = 100_000,
    budget: float = 5.0,
    bulk_dir: Path | None = None,
    job_workers: int | None = 1,
) -> Flask:
    """The app on ``database`` with the real registry and webhook checks.

    Bulk uploads go to ``bulk_dir`` (a fresh temporary directory unless given), verified on
    ``job_workers`` processes.
    """
    settings = Settings(
        demo_dir=BUNDLES,
        rate_per_minute=rate_per_minute,
        rate_burst=rate_burst,
        bulk_dir=bulk_dir or Path(tempfile.mkdtemp(prefix="trace-verify-validations-")),
        job_workers=job_workers,
        public_base_url=PUBLIC_BASE_URL,
        signing_secret=SIGNING_SECRET,
    )
    ports = CarrierPorts(
        REGISTRY,
        known=frozenset(a.id for a in REGISTRY.all()),
        clients=clients or {},
        push_verifiers=push_verifiers(),
        signed_contents=push_signed_contents(),
        webhook_secrets=WEBHOOK_SECRETS,
        refresh_budget_seconds=budget,
    )
    app = create_app(settings, REGISTRY, database=database, ports=ports)
    app.config.update(TESTING=True)
    return app


def add_platform_key(database: Database) -> None:
    """The platform's key (needed to register the merchants the other keys belong to)."""
    KeyService(database).create(Role.PLATFORM, CREATED, secret=KEYS["platform"], key_id="t-platform")


def add_keys(database: Database) -> None:
    """The other roles' keys (merchant keys for A and B, the consumer key for A's consumer)."""
    keys = KeyService(database)
    keys.create(Role.STAFF, CREATED, secret=KEYS["staff"], key_id="t-staff")
    keys.create(
        Role.MERCHANT, CREATED, merchant_id=MERCHANT_A, secret=KEYS["merchant"], key_id="t-merchant-a"
    )
    keys.create(
        Role.MERCHANT, CREATED, merchant_id=MERCHANT_B, secret=KEYS["merchant_b"], key_id="t-merchant-b"
    )
    keys.create(Role.CONSUMER, CREATED, consumer_id=CONSUMER_A, secret=KEYS["consumer"], key_id="t-consumer")


def auth(role: str) -> dict[str, str]:
    """The Authorization header of ``role``'s key."""
    return {"Authorization": f"Bearer {KEYS[role]}"}


def direct_met() -> dict[str, Any]:
    """The fixture bundle ``direct-met`` (a met direct-international order)."""
    obj: dict[str, Any] = json.loads((BUNDLES / "direct-met.json").read_text("utf-8"))
    obj.pop("$now", None)
    return obj


def order_body(
    order_id: str, merchant_id: str, consumer_id: str | None, number: str = "4829105735"
) -> dict[str, Any]:
    """An order body (``POST /orders``) built from ``direct-met``."""
    bundle = direct_met()
    order = copy.deepcopy(bundle["order"])
    order.update(id=order_id, merchant_id=merchant_id, consumer_id=consumer_id)
    shipment = copy.deepcopy(bundle["shipments"][0])
    shipment["tracking_number"] = number
    for event in shipment.get("events", []):
        event["tracking_number"] = number
    return {"order": order, "shipments": [shipment], "customs": bundle["customs"]}


def merchant_body(merchant_id: str) -> dict[str, Any]:
    """A merchant body (``POST /merchants``)."""
    return {
        "id": merchant_id,
        "name": f"Merchant {merchant_id}",
        "return_address": {"country": "CN", "city": "Hangzhou"},
        "registered_importer": {"name": f"{merchant_id} Trading Co., Ltd."},
    }


def call(client: FlaskClient, method: str, path: str, role: str | None, body: Any = None) -> TestResponse:
    """One request as ``role`` (None: no key), with a JSON body when given."""
    headers = auth(role) if role else {}
    if body is None:
        return client.open(path, method=method, headers=headers)
    return client.open(path, method=method, headers=headers, json=body)


def submit_order(client: FlaskClient, role: str, body: dict[str, Any]) -> None:
    """Store ``body`` as ``role`` would after issue 10: the platform creates the order itself (it issues
    order ids); any other role's shipments and customs records are then added with that role's key, so
    they are that role's evidence (rules.md §8)."""
    if role == "platform":
        response = call(client, "POST", "/api/v1/orders", "platform", body)
        assert response.status_code == 201, response.get_json()
        return
    bare = {**body, "shipments": [], "customs": []}
    response = call(client, "POST", "/api/v1/orders", "platform", bare)
    assert response.status_code == 201, response.get_json()
    order_id = body["order"]["id"]
    for shipment in body.get("shipments") or ():
        response = call(client, "POST", f"/api/v1/orders/{order_id}/shipments", role, shipment)
        assert response.status_code == 201, response.get_json()
    for record in body.get("customs") or ():
        response = call(client, "POST", f"/api/v1/orders/{order_id}/customs", role, record)
        assert response.status_code == 201, response.get_json()


@dataclass(frozen=True)
class World:
    """The app and its client over a database holding tenants A and B."""

    app: Flask
    client: FlaskClient
    database: Database


def build_world(database: Database, **app_options: Any) -> World:
    """Merchants A and B, each with one order (A's for consumer A, B's for consumer B), and the keys."""
    app = make_app(database, **app_options)
    client = app.test_client()
    add_platform_key(database)
    for merchant in (MERCHANT_A, MERCHANT_B):
        created = call(client, "POST", "/api/v1/merchants", "platform", merchant_body(merchant))
        assert created.status_code == 201, created.get_json()
    add_keys(database)
    for order_id, merchant, consumer, number in (
        (ORDER_A, MERCHANT_A, CONSUMER_A, "4829105735"),
        (ORDER_B, MERCHANT_B, CONSUMER_B, "1234567891"),
    ):
        created = call(
            client, "POST", "/api/v1/orders", "platform", order_body(order_id, merchant, consumer, number)
        )
        assert created.status_code == 201, created.get_json()
    return World(app, client, database)


def service_app(directory: Path) -> Flask:
    """An app on a fresh, migrated SQLite database in ``directory``, holding the platform's key.

    For suites outside tests/api that call the HTTP API (``tests/conftest.py``'s ``app`` fixture).
    """
    from tests.db.support import migrated, sqlite_url

    database = migrated(sqlite_url(directory))
    add_platform_key(database)
    return make_app(database)


def as_platform(client: FlaskClient) -> FlaskClient:
    """``client`` sending the platform's key with every request."""
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {KEYS['platform']}"
    return client
