"""The role × tenant × endpoint matrix, its expectations taken from the issue's table as data.

``TABLE`` is the table of issue 6 ("Roles and tenants") copied cell for cell, with issue 10's change
(orders are created by the platform, which issues order ids; ``POST /verify`` never refuses an order
id: a bundle whose order is not the caller's is judged as not stored); ``ROUTES`` says which row
each route belongs to and whether it reads or writes. The expected status of every (route, role,
tenant) is derived from the cell alone, so a change of the code's permissions that is not a change
of the table fails here. A meta-test fails when the app gains a route the matrix does not cover.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.api.codes_support import add_signing_key, code_record, register
from tests.api.support import (
    CONSUMER_B,
    MERCHANT_A,
    MERCHANT_B,
    NOW,
    ORDER_A,
    ORDER_B,
    World,
    auth,
    call,
    direct_met,
    merchant_body,
    order_body,
)

# | action | platform | staff | merchant | consumer |   (issue 6, "Roles and tenants"; issue 10)
TABLE: dict[str, dict[str, str]] = {
    "register merchants, set return address/importer": {
        "platform": "✔",
        "staff": "–",
        "merchant": "own: read",
        "consumer": "–",
    },
    "create orders": {"platform": "✔", "staff": "–", "merchant": "–", "consumer": "–"},
    "read orders; add shipments, documents, customs": {
        "platform": "✔",
        "staff": "read",
        "merchant": "own",
        "consumer": "own: read",
    },
    "`POST /verify`, order `verdict`": {
        "platform": "✔",
        "staff": "✔",
        "merchant": "own orders",
        "consumer": "–",
    },
    "receive webhooks": {"platform": "carrier signature", "staff": "–", "merchant": "–", "consumer": "–"},
    # issue 12: "Roles per the README's role model (merchant for itself; platform/staff read)"
    "register, withdraw, read traceability codes": {
        "platform": "read",
        "staff": "read",
        "merchant": "own",
        "consumer": "–",
    },
    # issue 13, "Complaints that pay"
    "file a complaint": {"platform": "✔", "staff": "–", "merchant": "–", "consumer": "own orders"},
    "read complaints": {
        "platform": "✔",
        "staff": "✔",
        "merchant": "own orders (no consumer personal data)",
        "consumer": "own",
    },
    "decide `manual_review`": {"platform": "–", "staff": "✔", "merchant": "–", "consumer": "–"},
    "top up a deposit": {"platform": "✔", "staff": "–", "merchant": "–", "consumer": "–"},
    "read a deposit and its ledger": {"platform": "✔", "staff": "✔", "merchant": "own", "consumer": "–"},
}
MERCHANTS, CREATE_ORDERS, ORDERS, VERIFY, WEBHOOKS, CODES, FILE, READ_COMPLAINTS, DECIDE, TOP_UP, DEPOSIT = (
    TABLE
)

ROLES = ("platform", "staff", "merchant", "consumer")
TARGETS = ("own", "other")


@dataclass(frozen=True)
class Route:
    """One operation: its table row, whether it reads, and its success status."""

    method: str
    rule: str
    action: str
    reads: bool
    success: int = 200
    #: True when the route names an object (path id) or a tenant (body), so "other" is meaningful.
    targeted: bool = True


ROUTES = [
    Route("GET", "/api/v1/merchants", MERCHANTS, reads=True, targeted=False),
    Route("POST", "/api/v1/merchants", MERCHANTS, reads=False, success=201, targeted=False),
    Route("GET", "/api/v1/merchants/<merchant_id>", MERCHANTS, reads=True),
    Route("PATCH", "/api/v1/merchants/<merchant_id>", MERCHANTS, reads=False),
    Route("GET", "/api/v1/orders", ORDERS, reads=True, targeted=False),
    Route("POST", "/api/v1/orders", CREATE_ORDERS, reads=False, success=201),
    Route("GET", "/api/v1/orders/<order_id>", ORDERS, reads=True),
    Route("GET", "/api/v1/orders/<order_id>/shipments", ORDERS, reads=True),
    Route("POST", "/api/v1/orders/<order_id>/shipments", ORDERS, reads=False, success=201),
    Route("GET", "/api/v1/orders/<order_id>/shipments/<int:index>", ORDERS, reads=True),
    Route("PUT", "/api/v1/orders/<order_id>/shipments/<int:index>/documents", ORDERS, reads=False),
    Route("GET", "/api/v1/orders/<order_id>/customs", ORDERS, reads=True),
    Route("POST", "/api/v1/orders/<order_id>/customs", ORDERS, reads=False, success=201),
    Route("POST", "/api/v1/verify", VERIFY, reads=False),
    Route("POST", "/api/v1/orders/<order_id>/verdict", VERIFY, reads=False),
    Route("GET", "/api/v1/orders/<order_id>/verdicts", VERIFY, reads=True),
    Route("POST", "/api/v1/webhooks/<carrier>", WEBHOOKS, reads=False),
    Route("POST", "/api/v1/trace-codes", CODES, reads=False, success=201),
    Route("GET", "/api/v1/trace-codes", CODES, reads=True, targeted=False),
    Route("GET", "/api/v1/trace-codes/<code_id>", CODES, reads=True),
    Route("POST", "/api/v1/trace-codes/<code_id>/withdraw", CODES, reads=False),
    Route("GET", "/api/v1/trace-codes/<code_id>/qr.png", CODES, reads=True),
    Route("GET", "/api/v1/trace-codes/<code_id>/qr.svg", CODES, reads=True),
    Route("GET", "/api/v1/label-sheets/<batch>", CODES, reads=True),
    Route("POST", "/api/v1/orders/<order_id>/complaints", FILE, reads=False, success=201),
    Route("GET", "/api/v1/complaints", READ_COMPLAINTS, reads=True, targeted=False),
    Route("GET", "/api/v1/complaints/<complaint_id>", READ_COMPLAINTS, reads=True),
    Route("POST", "/api/v1/complaints/<complaint_id>/decision", DECIDE, reads=False),
    Route("POST", "/api/v1/merchants/<merchant_id>/deposit/top-ups", TOP_UP, reads=False, success=201),
    Route("GET", "/api/v1/merchants/<merchant_id>/deposit", DEPOSIT, reads=True),
    Route("GET", "/api/v1/merchants/<merchant_id>/deposit/ledger", DEPOSIT, reads=True),
]

#: Routes anyone may call: not part of the table.
PUBLIC = {
    ("GET", "/healthz"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/docs"),
    ("GET", "/"),
    # Operations (tests/web/test_operations.py).
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    # The scan page: anyone with the QR (tests/web/test_scan_page.py).
    ("GET", "/t/<token>"),
    ("GET", "/01/<gtin>/21/<token>"),
}
#: Routes of the `POST /verify` row whose matrix lives in their own suite (an upload, then a job):
#: tests/api/test_validations.py::test_roles_and_tenants.
ELSEWHERE = {
    ("POST", "/api/v1/validations"),
    ("GET", "/api/v1/validations/<job_id>"),
    ("GET", "/api/v1/validations/<job_id>/results"),
}


def expected(route: Route, role: str, target: str) -> int:
    """The status the table's cell implies for this role on its own or another tenant's object."""
    cell = TABLE[route.action][role]
    if route.action == WEBHOOKS:
        return 401  # authenticated by the carrier's signature, never by an API key
    if cell == "✔":
        return route.success
    if cell == "–":
        return 403
    if cell == "read":
        return route.success if route.reads else 403
    if cell == "own: read":
        if not route.reads:
            return 403
        return route.success if target == "own" or not route.targeted else 404
    assert cell in ("own", "own orders", "own orders (no consumer personal data)"), cell
    if target == "own" or not route.targeted:
        return route.success
    # Another tenant's object is "not found"; naming another tenant (merchant) in a body is forbidden.
    # (A bundle naming another merchant's *order id* under its own merchant is judged as not stored:
    # tests/api/test_existence_oracles.py.)
    return 403 if route.rule in ("/api/v1/verify", "/api/v1/trace-codes") else 404


_counter = itertools.count()


def _code(world: World, merchant: str) -> dict[str, Any]:
    """A registered code of ``merchant`` (A or B), made once per world."""
    made: dict[str, dict[str, Any]] = world.app.extensions.setdefault("test.codes", {})
    if not made:
        add_signing_key(world.database)
        made[MERCHANT_A] = register(world.client, 1, role="merchant")[0]
        made[MERCHANT_B] = register(world.client, 1, role="merchant_b")[0]
    return made[merchant]


def request_for(route: Route, target: str, world: World) -> tuple[str, Any]:
    """The path and body of a request on tenant A's (``own``) or tenant B's (``other``) object."""
    merchant = MERCHANT_A if target == "own" else MERCHANT_B
    order = ORDER_A if target == "own" else ORDER_B
    consumer = "C-A-001" if target == "own" else CONSUMER_B
    path = route.rule.replace("<merchant_id>", merchant).replace("<order_id>", order)
    path = path.replace("<int:index>", "0").replace("<carrier>", "aftership")
    if "trace-codes" in route.rule or "label-sheets" in route.rule:
        code = _code(world, merchant)
        path = path.replace("<code_id>", code["id"]).replace("<batch>", code["batch"])
    n = next(_counter)
    body: Any = None
    if route.method == "POST" and route.rule == "/api/v1/merchants":
        body = merchant_body(f"M-NEW-{n}")
    elif route.method == "PATCH":
        body = {"name": f"Renamed {n}"}
    elif route.rule == "/api/v1/orders" and route.method == "POST":
        body = order_body(f"ORD-NEW-{n}", merchant, consumer, number=f"48291{n:05d}")
    elif route.rule.endswith("/shipments") and route.method == "POST":
        body = {"carrier": "dhl", "tracking_number": f"77{n:08d}"}
    elif route.rule.endswith("/documents"):
        body = {"documents": [{"carrier": "dhl", "content": '{"shipments": []}'}]}
    elif route.rule.endswith("/customs") and route.method == "POST":
        body = {"declaration_number": f"220120261{n:09d}", "supervision_mode": "9610", "port": "2201"}
    elif route.rule == "/api/v1/verify":
        bundle = direct_met()
        bundle["order"].update(id=order, merchant_id=merchant, consumer_id=consumer)
        body = bundle
    elif route.rule.endswith("/verdict"):
        path += f"?now={NOW}"
    elif route.rule.endswith("/webhooks/<carrier>"):
        body = {"event": "tracking_update"}
    elif route.rule == "/api/v1/trace-codes" and route.method == "POST":
        body = {"codes": [code_record(merchant_id=merchant)]}
    elif route.rule.endswith("/complaints") and route.method == "POST":
        body = {"type": "direct_supply", "credentials": [{"kind": "waybill"}]}
    elif route.rule.endswith("/decision"):
        body = {"decision": "rejected", "reason": "no certificate after three reminders"}
    elif route.rule.endswith("/top-ups"):
        body = {"amount": "100.00", "currency": "CNY", "reference": f"wire-{n}"}
    return path, body


CASES = [
    pytest.param(route, role, target, id=f"{route.method} {route.rule} {role} {target}")
    for route in ROUTES
    for role in ROLES
    for target in (TARGETS if route.targeted else ("own",))
]


@pytest.mark.parametrize(("route", "role", "target"), CASES)
def test_matrix(world: World, route: Route, role: str, target: str) -> None:
    path, body = request_for(route, target, world)
    if "<complaint_id>" in route.rule:
        path = path.replace("<complaint_id>", _complaint_of(world, ORDER_A if target == "own" else ORDER_B))
    if route.method == "POST" and not route.rule.endswith("/webhooks/<carrier>"):
        headers = {**auth(role), "Idempotency-Key": f"matrix-{next(_counter)}"}
        response = world.client.open(path, method="POST", headers=headers, json=body)
    else:
        response = call(world.client, route.method, path, role, body)
    assert response.status_code == expected(route, role, target), response.get_json()
    if response.status_code >= 400:
        error = response.get_json()["error"]
        assert (
            error["code"] in {401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND"}[response.status_code]
        )
    if role != "platform" and role != "staff":
        text = response.get_data().decode("utf-8", "replace")
        for marker in (ORDER_B, CONSUMER_B) + ((MERCHANT_B,) if response.status_code != 403 else ()):
            if target == "own" or response.status_code >= 400:
                assert marker not in text, (marker, text[:300])


def _complaint_of(world: World, order_id: str) -> str:
    """A complaint in manual review on ``order_id`` (a genuine-goods complaint without certificate)."""
    body = {"type": "genuine_goods", "filed_at": "2026-03-07T08:00:00Z"}
    headers = {**auth("platform"), "Idempotency-Key": f"matrix-complaint-{next(_counter)}"}
    filed = world.client.post(f"/api/v1/orders/{order_id}/complaints", json=body, headers=headers)
    assert filed.status_code == 201 and filed.get_json()["status"] == "manual_review", filed.get_json()
    complaint_id: str = filed.get_json()["id"]
    return complaint_id


def test_every_route_of_the_app_is_in_the_matrix(world: World) -> None:
    covered = {(r.method, r.rule) for r in ROUTES} | PUBLIC | ELSEWHERE
    for rule in world.app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, rule.rule) in covered, (method, rule.rule)


def test_the_table_names_every_role_in_every_row() -> None:
    for row in TABLE.values():
        assert tuple(row) == ROLES


def test_list_filters_never_widen_a_tenant(world: World) -> None:
    client: FlaskClient = world.client
    mine = call(client, "GET", f"/api/v1/orders?merchant_id={MERCHANT_B}", "merchant").get_json()
    assert mine == {"items": [], "next": None}
    own = call(client, "GET", "/api/v1/orders", "merchant").get_json()
    assert [o["id"] for o in own["items"]] == [ORDER_A]
    consumer = call(client, "GET", "/api/v1/orders", "consumer").get_json()
    assert [o["id"] for o in consumer["items"]] == [ORDER_A]
    merchants = call(client, "GET", "/api/v1/merchants", "merchant").get_json()
    assert [m["id"] for m in merchants["items"]] == [MERCHANT_A]
