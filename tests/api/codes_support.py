"""Traceability codes in the API suite: a signing key, registered codes, a general-trade bundle."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

from flask.testing import FlaskClient

from tests.api.support import MERCHANT_A, SIGNING_SECRET, World, call
from tests.support import BUNDLES
from trace_verify.db.session import Database
from trace_verify.services.signing import Signer

#: The clock of the general-trade bundle (``findings/path_general_trade.raises.json``).
GENERAL_NOW = "2026-03-20T00:00:00Z"
IMPORTER = {"name": "上海蓝庭酒业有限公司", "id": "91310115MA1K3A2B4M"}


def signer(database: Database) -> Signer:
    """The signer of the test installation (the app's signing secret)."""
    return Signer(database, SIGNING_SECRET.encode("utf-8"))


def add_signing_key(database: Database) -> str:
    """A new active signing key; returns its kid."""
    return signer(database).create(datetime(2026, 3, 1, tzinfo=UTC))


def code_record(**changes: Any) -> dict[str, Any]:
    """A valid registration record (the general-trade bundle's wine)."""
    record: dict[str, Any] = {
        "gtin": "3760123450010",
        "product": "Médoc 2019, 750 ml",
        "origin_country": "FR",
        "departure_country": "FR",
        "import_port": "2201",
        "declaration_number": "220120261000045871",
        "importer": dict(IMPORTER),
        "supervision_mode": "0110",
    }
    record.update(changes)
    return record


def register(
    client: FlaskClient, count: int = 2, role: str = "merchant", **changes: Any
) -> list[dict[str, Any]]:
    """Register ``count`` codes as ``role`` (merchant A by default); returns the answers' codes."""
    response = call(client, "POST", "/api/v1/trace-codes", role, {"codes": [code_record(**changes)] * count})
    assert response.status_code == 201, response.get_json()
    codes: list[dict[str, Any]] = response.get_json()["codes"]
    return codes


def general_trade_bundle(code_ids: list[str], merchant_id: str = MERCHANT_A) -> dict[str, Any]:
    """The general-trade bundle for ``merchant_id`` whose line lists ``code_ids`` (no records)."""
    obj: dict[str, Any] = json.loads(
        (BUNDLES / "findings" / "path_general_trade.raises.json").read_text("utf-8")
    )
    obj.pop("$now")
    obj = copy.deepcopy(obj)
    obj["order"]["merchant_id"] = merchant_id
    obj["merchant"]["id"] = merchant_id
    obj["order"]["items"][0]["quantity"] = len(code_ids)
    obj["order"]["items"][0]["trace_codes"] = list(code_ids)
    obj["trace_codes"] = []
    return obj


def verify(world: World, bundle: dict[str, Any], role: str = "platform") -> dict[str, Any]:
    """``POST /api/v1/verify`` at the bundle's clock; returns the verdict."""
    response = call(world.client, "POST", f"/api/v1/verify?now={GENERAL_NOW}", role, bundle)
    assert response.status_code == 200, response.get_json()
    verdict: dict[str, Any] = response.get_json()
    return verdict


def finding(verdict: dict[str, Any], code: str) -> dict[str, Any]:
    """The first finding of ``code`` (fails when absent)."""
    found = [f for f in verdict["findings"] if f["code"] == code]
    assert found, [f["code"] for f in verdict["findings"]]
    return found[0]
