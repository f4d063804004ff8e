"""The hole closed: every code a bundle names is looked up in the registry and its signature checked.

Invented ids, another merchant's codes, altered or revoked signatures and withdrawn codes never count
for the general-trade path (``not_met``), in ``POST /api/v1/verify`` and in a stored order's verdict;
a merchant caller sees another merchant's code as forged, never who owns it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.api.codes_support import (
    GENERAL_NOW,
    add_signing_key,
    finding,
    general_trade_bundle,
    register,
    signer,
    verify,
)
from tests.api.support import MERCHANT_B, World, call
from tests.support import codes


def _setup(world: World) -> list[dict[str, Any]]:
    add_signing_key(world.database)
    return register(world.client, 2)


def test_registered_codes_of_the_merchant_make_the_general_trade_path(world: World) -> None:
    registered = _setup(world)
    verdict = verify(world, general_trade_bundle([c["id"] for c in registered]))
    assert verdict["verdict"] == "met", verdict["findings"]
    assert verdict["path"] == "general_trade"
    assert "TRACE_CODE_UNVERIFIED" not in codes(verdict)
    path = finding(verdict, "PATH_GENERAL_TRADE")
    assert {"registry": "trace_code", "id": registered[0]["id"]} in path["evidence"]


def test_invented_codes_are_forged_not_unverified(world: World) -> None:
    _setup(world)
    bundle = general_trade_bundle(["FAKE-CODE-0", "FAKE-CODE-1"])
    bundle["trace_codes"] = [
        {**_record(code), "signature": "A.garbagegarbagegarbage1", "merchant_id": MERCHANT_B}
        for code in ("FAKE-CODE-0", "FAKE-CODE-1")
    ]
    for role in ("platform", "staff", "merchant"):
        verdict = verify(world, bundle, role)
        assert verdict["verdict"] == "not_met"
        assert verdict["path"] is None
        assert codes(verdict).count("TRACE_CODE_FORGED") == 2
        assert "TRACE_CODE_UNVERIFIED" not in codes(verdict)
        assert finding(verdict, "TRACE_CODE_FORGED")["evidence"] == [{"pointer": "/trace_codes/0"}]


def test_a_code_unknown_among_genuine_ones_is_forged(world: World) -> None:
    registered = _setup(world)
    invented = registered[0]["id"][:-1] + ("A" if registered[0]["id"][-1] != "A" else "B")
    verdict = verify(world, general_trade_bundle([registered[1]["id"], invented]))
    assert verdict["verdict"] == "not_met"
    forged = finding(verdict, "TRACE_CODE_FORGED")
    assert forged["evidence"] == [{"pointer": "/order/items/0/trace_codes/1"}]


def test_another_merchants_code_names_no_owner_to_a_merchant(world: World) -> None:
    add_signing_key(world.database)
    theirs = register(world.client, 1, role="merchant_b")
    bundle = general_trade_bundle([theirs[0]["id"]])
    platform = verify(world, bundle, "platform")
    assert platform["verdict"] == "not_met"
    other = finding(platform, "TRACE_CODE_OTHER_MERCHANT")
    assert other["severity"] == "blocker"
    assert {"registry": "trace_code", "id": theirs[0]["id"]} in other["evidence"]
    merchant = verify(world, bundle, "merchant")
    assert merchant["verdict"] == "not_met"
    assert "TRACE_CODE_OTHER_MERCHANT" not in codes(merchant)
    forged = finding(merchant, "TRACE_CODE_FORGED")
    invented = verify(world, general_trade_bundle(["AAAAAAAAAAAA"]), "merchant")
    assert forged["message"].replace(theirs[0]["id"], "X") == finding(invented, "TRACE_CODE_FORGED")[
        "message"
    ].replace("AAAAAAAAAAAA", "X")
    assert forged["evidence"] == finding(invented, "TRACE_CODE_FORGED")["evidence"]
    assert MERCHANT_B not in str(merchant)


def test_presented_signatures_are_checked(world: World) -> None:
    registered = _setup(world)
    code_id = registered[0]["id"]
    kid, signature = registered[0]["url"].split("/t/")[1][0], registered[0]["url"].split("?s=")[1]
    bundle = general_trade_bundle([code_id])
    bundle["trace_codes"] = [{"code": code_id, "signature": f"{kid}.{signature}"}]
    assert verify(world, bundle)["verdict"] == "met"
    altered = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    for bad in (f"{kid}.{altered}", f"{'B' if kid == 'A' else 'A'}.{signature}", signature, ""):
        bundle["trace_codes"] = [{"code": code_id, "signature": bad}]
        verdict = verify(world, bundle)
        assert verdict["verdict"] == "not_met", bad
        assert finding(verdict, "TRACE_CODE_FORGED")["evidence"][0] == {"pointer": "/trace_codes/0/signature"}


def test_revoked_key_forges_and_retired_key_verifies(world: World) -> None:
    registered = _setup(world)
    code_id, url = registered[0]["id"], registered[0]["url"]
    presented = [{"code": code_id, "signature": f"{url.split('/t/')[1][0]}.{url.split('?s=')[1]}"}]
    bundle = general_trade_bundle([code_id])
    bundle["trace_codes"] = presented
    keys = signer(world.database)
    kid = url.split("/t/")[1][0]
    keys.create(datetime(2026, 3, 2, tzinfo=UTC))  # rotation: the first key is retired
    assert verify(world, bundle)["verdict"] == "met"
    keys.revoke(kid, datetime(2026, 3, 3, tzinfo=UTC))
    verdict = verify(world, bundle)
    assert verdict["verdict"] == "not_met"
    assert "TRACE_CODE_FORGED" in codes(verdict)


def test_withdrawn_code_is_forged(world: World) -> None:
    registered = _setup(world)
    withdrawn = call(world.client, "POST", f"/api/v1/trace-codes/{registered[0]['id']}/withdraw", "merchant")
    assert withdrawn.status_code == 200
    assert withdrawn.get_json()["state"] == "withdrawn"
    verdict = verify(world, general_trade_bundle([c["id"] for c in registered]))
    assert verdict["verdict"] == "not_met"
    assert "withdrawn" in finding(verdict, "TRACE_CODE_FORGED")["message"]


def test_registry_record_warnings_cite_the_registry(world: World) -> None:
    add_signing_key(world.database)
    registered = register(
        world.client,
        1,
        origin_country="CN",
        importer={"name": "别家进口有限公司", "id": "91110000600037341L"},
    )
    verdict = verify(world, general_trade_bundle([registered[0]["id"]]))
    cited = {"registry": "trace_code", "id": registered[0]["id"]}
    assert cited in finding(verdict, "ORIGIN_COUNTRY_DOMESTIC")["evidence"]
    assert cited in finding(verdict, "IMPORTER_MISMATCH")["evidence"]


def test_port_mismatch_cites_the_registry(world: World) -> None:
    add_signing_key(world.database)
    registered = register(world.client, 1, import_port="2900")
    verdict = verify(world, general_trade_bundle([registered[0]["id"]]))
    mismatch = finding(verdict, "PORT_MISMATCH")
    assert mismatch["evidence"][0] == {"registry": "trace_code", "id": registered[0]["id"]}


def test_a_stored_orders_verdict_uses_the_registry(world: World) -> None:
    registered = _setup(world)
    for ids, expected in (
        ([c["id"] for c in registered], "met"),
        (["FAKE-CODE-0", "FAKE-CODE-1"], "not_met"),
    ):
        bundle = general_trade_bundle(ids)
        order_id = f"ORD-GT-{expected}"
        bundle["order"]["id"] = order_id
        body = {k: bundle[k] for k in ("order", "shipments", "customs")}
        created = call(world.client, "POST", "/api/v1/orders", "platform", body)  # the platform issues orders
        assert created.status_code == 201, created.get_json()
        verdict = call(
            world.client, "POST", f"/api/v1/orders/{order_id}/verdict?now={GENERAL_NOW}", "merchant"
        )
        assert verdict.status_code == 200, verdict.get_json()
        assert verdict.get_json()["verdict"] == expected, verdict.get_json()["findings"]
        if expected == "not_met":
            assert "TRACE_CODE_FORGED" in codes(verdict.get_json())


def _record(code: str) -> dict[str, Any]:
    return {
        "code": code,
        "gtin": "3760123450010",
        "origin_country": "FR",
        "departure_country": "FR",
        "import_port": "2201",
        "declaration_number": "220120261000045871",
        "importer": {"name": "上海蓝庭酒业有限公司", "id": "91310115MA1K3A2B4M"},
        "supervision_mode": "0110",
    }
