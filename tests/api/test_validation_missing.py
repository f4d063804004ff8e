"""Pre-dispatch rows of a bulk validation: the results say, for each path, what is still missing
(JSON Lines ``missing`` object, CSV ``missing`` column), not only ``NOT_DELIVERED``."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

from tests.api.support import MERCHANT_A, NOW, World
from tests.api.test_validations import CSV_HEADER, _bundle, _lines, _results, _run, _submit, manual
from tests.support import BUNDLES
from trace_verify.services.validations import ValidationService

__all__ = ["manual"]  # the fixture, used by name
NOW_AT = datetime.fromisoformat(NOW)

LABEL = {
    "occurred_at": "2026-03-01T08:00:00Z",
    "milestone": "label_created",
    "location": {"country": "JP", "city": "Osaka"},
    "description": "Shipment information received",
}
ALL_MISSING = {
    "direct_international": ["custody_abroad", "departed_origin", "arrived_in_mainland", "delivered"],
    "bonded_zone": ["bonded_zone_dispatch", "bonded_customs_record", "left_bonded_zone", "delivered"],
    "general_trade": ["general_trade_customs_record", "trace_codes", "delivered"],
}


def _labelled(bundle: dict[str, Any]) -> dict[str, Any]:
    """The bundle with its shipments' events replaced by one label (nothing scanned yet)."""
    for shipment in bundle["shipments"]:
        number = shipment["tracking_number"]
        shipment["events"] = [{"carrier": shipment["carrier"], "tracking_number": number, **LABEL}]
    return bundle


def _bonded_ready() -> dict[str, Any]:
    """A bonded-zone order labelled in its zone, its 1210 customs record declared."""
    bundle = json.loads((BUNDLES / "findings" / "path_bonded_zone.twin.json").read_text())
    bundle.pop("$now")
    bundle["order"].update(id="ORD-A-BONDED", merchant_id=MERCHANT_A)
    bundle["merchant"]["id"] = MERCHANT_A
    bundle["shipments"][0]["dispatch"] = {"bonded_zone": "杭州综合保税区"}
    return _labelled(bundle)


def _general_trade_ready() -> dict[str, Any]:
    """A general-trade order with its 0110 record before the order and a code for every unit."""
    bundle = json.loads((BUNDLES / "findings" / "trace_code_unverified.raises.json").read_text())
    bundle.pop("$now", None)
    bundle["order"].update(id="ORD-A-GT", merchant_id=MERCHANT_A)
    bundle["merchant"]["id"] = MERCHANT_A
    return _labelled(bundle)


def test_each_path_lists_what_is_still_missing_jsonl_and_csv(world: World, manual: ValidationService) -> None:
    bare = _labelled(_bundle("ORD-A-PRE-1", number="7777777770"))
    moved = _bundle("ORD-A-MOVED")
    job = _submit(world, _lines(bare, _bonded_ready(), _general_trade_ready(), moved)).get_json()
    _run(manual, job["id"])

    rows = [json.loads(line) for line in _results(world, job["id"]).data.splitlines()]
    assert [r.get("verdict") for r in rows[:2]] == ["insufficient_evidence"] * 2, rows
    assert "NOT_DELIVERED" in rows[0]["codes"]
    assert rows[0]["missing"] == ALL_MISSING
    assert rows[1]["missing"]["bonded_zone"] == ["left_bonded_zone", "delivered"]  # zone and record given
    assert rows[1]["missing"]["direct_international"] == ALL_MISSING["direct_international"]
    # record before the order, every unit coded (unregistered codes make it not_met: still explained)
    assert rows[2]["missing"]["general_trade"] == ["delivered"], rows[2]
    assert rows[3]["missing"] is None  # it moved: not pre-dispatch

    answered = _results(world, job["id"], query="?format=csv")
    table = list(csv.DictReader(io.StringIO(answered.data.decode())))
    assert table[0]["missing"] == (
        "direct_international: custody_abroad departed_origin arrived_in_mainland delivered; "
        "bonded_zone: bonded_zone_dispatch bonded_customs_record left_bonded_zone delivered; "
        "general_trade: general_trade_customs_record trace_codes delivered"
    )
    assert "bonded_zone: left_bonded_zone delivered;" in table[1]["missing"]
    assert table[2]["missing"].endswith("general_trade: delivered")
    assert table[3]["missing"] == ""


def test_a_csv_upload_of_labels_only_gets_the_missing_column(world: World, manual: ValidationService) -> None:
    rows = [
        f"ORD-A-PRE-CSV,{MERCHANT_A},2026-03-01T02:14:00Z,468.00,CNY,CN,Hangzhou,dhl,7777777770,JP,"
        "2026-03-01T08:00:00Z,540,label_created,JP,Osaka,,LC,Shipment information received",
    ]
    body = "\n".join([CSV_HEADER, *rows]) + "\n"
    job = _submit(world, body.encode(), mimetype="text/csv").get_json()
    _run(manual, job["id"])
    (row,) = [json.loads(line) for line in _results(world, job["id"]).data.splitlines()]
    assert row["missing"] == ALL_MISSING, row
    (cells,) = list(
        csv.DictReader(io.StringIO(_results(world, job["id"], query="?format=csv").data.decode()))
    )
    assert cells["missing"].startswith("direct_international: custody_abroad departed_origin")


def test_a_chunk_reads_stored_evidence_with_a_bounded_number_of_queries(world: World) -> None:
    """Rows without events take their number's stored events: one query per chunk, not per row."""
    import sqlalchemy as sa

    from trace_verify.config import Settings
    from trace_verify.startup import BulkRecipe

    judge = BulkRecipe(Settings(), world.database.url, MERCHANT_A).build()
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2])[:60])

    lines = []
    for n in range(40):
        bare = _bundle(f"ORD-A-STORED-{n}", number="4829105735")  # merchant A's stored number
        bare["shipments"][0].pop("events")
        lines.append((n + 1, json.dumps(bare).encode()))
    engine = judge.database.engine  # type: ignore[union-attr]
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        outcomes = judge.verify_chunk(lines, NOW_AT)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
        judge.close()
    rows = [json.loads(o.data) for o in outcomes if o is not None]
    assert len(rows) == 40 and all("NOT_DELIVERED" not in r["codes"] for r in rows), rows[0]
    assert len(statements) <= 12, statements  # evidence (3), owners, history, codes: never 40 of any
