"""Bulk pre-validation over HTTP: upload → 202 job → progress → results (JSON Lines or CSV).

Most tests detach the embedded runner and run the job in the test (deterministic, one process); one
test lets the embedded runner and its process pool do it, as ``make run`` does.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from werkzeug.test import TestResponse

from tests.api.support import MERCHANT_A, MERCHANT_B, NOW, ORDER_A, World, auth, direct_met
from trace_verify.db.models import JobState, ValidationJob
from trace_verify.services.validations import ValidationService

NDJSON = "application/x-ndjson"


def _service(world: World) -> ValidationService:
    service: ValidationService = world.app.extensions["trace_verify.services"].validations
    return service


@pytest.fixture
def manual(world: World) -> ValidationService:
    """The validations service with no runner: the test runs each job itself."""
    service = _service(world)
    service.queue = None
    return service


def _bundle(order_id: str, merchant_id: str = MERCHANT_A, number: str = "5544332216") -> dict[str, Any]:
    """``direct-met`` as another order, on a tracking number no stored order uses."""
    obj = direct_met()
    obj["order"].update(id=order_id, merchant_id=merchant_id)
    obj["merchant"]["id"] = merchant_id
    for shipment in obj["shipments"]:
        shipment["tracking_number"] = number
        for event in shipment.get("events", []):
            event["tracking_number"] = number
    return obj


def _lines(*objects: Any) -> bytes:
    return b"".join((o if isinstance(o, bytes) else json.dumps(o).encode()) + b"\n" for o in objects)


def _submit(world: World, body: bytes, role: str = "merchant", mimetype: str = NDJSON) -> TestResponse:
    return world.client.post(
        f"/api/v1/validations?now={NOW}", data=body, headers={**auth(role), "Content-Type": mimetype}
    )


def _results(world: World, job_id: str, role: str = "merchant", query: str = "") -> TestResponse:
    return world.client.get(f"/api/v1/validations/{job_id}/results{query}", headers=auth(role))


def _run(service: ValidationService, job_id: str, workers: int = 1) -> None:
    assert service.run(job_id, "test-runner", workers)


def test_jsonl_job_answers_every_line_in_place(world: World, manual: ValidationService) -> None:
    pre_dispatch = _bundle("ORD-A-PRE")
    pre_dispatch["shipments"][0]["events"] = pre_dispatch["shipments"][0]["events"][:0]
    pre_dispatch["shipments"][0]["events"].append(
        {
            "carrier": "dhl",
            "tracking_number": "7777777770",
            "occurred_at": "2026-03-01T08:00:00Z",
            "milestone": "label_created",
            "location": {"country": "JP", "city": "Osaka"},
            "description": "Shipment information received",
        }
    )
    pre_dispatch["shipments"][0]["tracking_number"] = "7777777770"
    body = _lines(_bundle("ORD-A-BULK-1"), b"{oops", b"", _bundle("ORD-B-X", MERCHANT_B), pre_dispatch)

    submitted = _submit(world, body)
    assert submitted.status_code == 202, submitted.get_json()
    job = submitted.get_json()
    assert submitted.headers["Location"].endswith(f"/api/v1/validations/{job['id']}")
    assert (job["state"], job["format"], job["rows"]) == ("queued", "jsonl", 5)
    assert job["merchant_id"] == MERCHANT_A
    assert _results(world, job["id"]).status_code == 409  # not done yet

    _run(manual, job["id"])
    status = world.client.get(f"/api/v1/validations/{job['id']}", headers=auth("merchant")).get_json()
    assert (status["state"], status["rows_read"], status["done"], status["failed"]) == ("done", 5, 2, 2)
    assert status["rate"] > 0 and status["eta_seconds"] == 0

    answered = _results(world, job["id"])
    assert answered.status_code == 200 and answered.mimetype == NDJSON
    rows = [json.loads(line) for line in answered.data.splitlines()]
    assert [r["line"] for r in rows] == [1, 2, 4, 5]  # blank line 3 counted, not answered
    assert rows[0]["order_id"] == "ORD-A-BULK-1" and rows[0]["verdict"] == "met", rows[0]["codes"]
    assert rows[0]["path"] == "direct_international" and "PATH_DIRECT_INTERNATIONAL" in rows[0]["codes"]
    assert rows[0]["missing"] is None
    assert rows[1]["error"]["code"] == "INVALID_JSON"
    assert rows[2]["error"]["code"] == "FORBIDDEN" and rows[2]["order_id"] == "ORD-B-X"
    assert rows[3]["verdict"] == "insufficient_evidence" and "NOT_DELIVERED" in rows[3]["codes"], rows[3]
    missing = rows[3]["missing"]
    assert missing["direct_international"] == [
        "custody_abroad",
        "departed_origin",
        "arrived_in_mainland",
        "delivered",
    ]
    assert "bonded_zone_dispatch" in missing["bonded_zone"]
    assert "trace_codes" in missing["general_trade"]


CSV_HEADER = (
    "order_id,merchant_id,placed_at,amount_paid,currency,destination_country,destination_city,"
    "carrier,tracking_number,declared_origin_country,event_occurred_at,event_local_offset_minutes,"
    "event_milestone,event_country,event_city,event_facility,event_code,event_description"
)


def _csv_rows_of(bundle: dict[str, Any]) -> list[str]:
    order, shipment = bundle["order"], bundle["shipments"][0]
    rows = []
    for event in shipment["events"]:
        loc = event["location"]
        cells = [
            order["id"], order["merchant_id"], order["placed_at"], order["amount_paid"], order["currency"],
            order["destination"]["country"], order["destination"].get("city", ""),
            shipment["carrier"], shipment["tracking_number"], shipment.get("declared_origin_country", ""),
            event["occurred_at"], str(event.get("local_offset_minutes", "")), event["milestone"],
            loc.get("country", ""), loc.get("city", ""), loc.get("facility", ""),
            event.get("carrier_code", ""), event["description"],
        ]  # fmt: skip
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow(cells)
        rows.append(buffer.getvalue())
    return rows


def test_csv_groups_consecutive_rows_and_uses_stored_events(world: World, manual: ValidationService) -> None:
    events_rows = _csv_rows_of(_bundle("ORD-A-CSV-1"))
    stored_only = (
        f"{ORDER_A},{MERCHANT_A},2026-03-01T02:14:00Z,468.00,CNY,CN,Hangzhou,dhl,4829105735,JP,,,,,,,,"
    )
    bad_offset = events_rows[0].replace("ORD-A-CSV-1", "ORD-A-CSV-2").replace(",540,", ",soon,")
    body = "\n".join([CSV_HEADER, *events_rows, stored_only, bad_offset]) + "\n"

    submitted = _submit(world, body.encode(), mimetype="text/csv")
    assert submitted.status_code == 202, submitted.get_json()
    job = submitted.get_json()
    assert job["rows"] == len(events_rows) + 2
    _run(manual, job["id"])

    answered = _results(world, job["id"], query="?format=csv")
    assert answered.status_code == 200 and answered.mimetype == "text/csv"
    table = list(csv.DictReader(io.StringIO(answered.data.decode())))
    assert [r["line"] for r in table] == ["2", str(2 + len(events_rows)), str(3 + len(events_rows))]
    first, stored, bad = table
    assert (first["order_id"], first["verdict"]) == ("ORD-A-CSV-1", "met")
    assert first["path"] == "direct_international"
    assert "PATH_DIRECT_INTERNATIONAL" in first["codes"].split()
    # a row without events is judged on the events stored for its tracking number; no carrier is called
    assert (stored["order_id"], stored["verdict"]) == (ORDER_A, "met")
    assert bad["error_code"] == "INVALID_TYPE" and bad["error_field"].endswith("/local_offset_minutes")
    by_accept = world.client.get(
        f"/api/v1/validations/{job['id']}/results", headers={**auth("merchant"), "Accept": "text/csv"}
    )
    assert by_accept.data == answered.data


def test_another_merchants_job_is_indistinguishable_from_an_absent_one(
    world: World, manual: ValidationService
) -> None:
    job = _submit(world, _lines(_bundle("ORD-A-BULK-1"))).get_json()
    _run(manual, job["id"])
    for path in (f"/api/v1/validations/{job['id']}", f"/api/v1/validations/{job['id']}/results"):
        theirs = world.client.get(path, headers=auth("merchant_b"))
        absent_path = path.replace(job["id"], "val_000000000000000000000000")
        absent = world.client.get(absent_path, headers=auth("merchant_b"))
        assert theirs.status_code == absent.status_code == 404
        assert theirs.get_json() == absent.get_json()
        assert world.client.get(path, headers=auth("platform")).status_code == 200


@pytest.mark.parametrize(
    ("body", "mimetype", "status", "code"),
    [
        (b"", NDJSON, 400, "EMPTY_UPLOAD"),
        (b"{}\n", "application/json", 415, "UNSUPPORTED_MEDIA_TYPE"),
        (b"order_id,merchant_id,colour\n", "text/csv", 400, "UNKNOWN_FIELD"),
        (b"order_id,merchant_id\nA,B\n", "text/csv", 400, "MISSING_FIELD"),
        (CSV_HEADER.encode() + b"\n\xff\xfe\n", "text/csv", 400, "INVALID_CSV"),
        (b"{}\n" * 6, NDJSON, 413, "TOO_MANY_ROWS"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_kept(
    world: World, manual: ValidationService, body: bytes, mimetype: str, status: int, code: str
) -> None:
    manual.settings = _with(manual.settings, bulk_max_rows=5)
    refused = _submit(world, body, mimetype=mimetype)
    assert refused.status_code == status, refused.get_json()
    assert refused.get_json()["error"]["code"] == code
    assert not list(manual.directory.glob("*")) if manual.directory.exists() else True
    with world.database.transaction() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ValidationJob)) == 0


def test_upload_over_the_byte_limit_is_refused_413(world: World, manual: ValidationService) -> None:
    manual.settings = _with(manual.settings, bulk_max_bytes=1000)
    refused = _submit(world, _lines(*[_bundle(f"ORD-{i}") for i in range(3)]))
    assert refused.status_code == 413 and refused.get_json()["error"]["code"] == "BODY_TOO_LARGE"
    assert not any(manual.directory.glob("*"))


def test_bulk_is_not_held_to_the_one_bundle_body_limit(world: World, manual: ValidationService) -> None:
    body = _lines(*[_bundle(f"ORD-A-{i}") for i in range(400)])
    assert len(body) > world.app.config["MAX_CONTENT_LENGTH"]
    submitted = _submit(world, body)
    assert submitted.status_code == 202 and submitted.get_json()["rows"] == 400


def test_consumer_and_missing_keys_may_not_submit(world: World) -> None:
    assert _submit(world, _lines(_bundle("X")), role="consumer").status_code == 403
    assert world.client.post("/api/v1/validations", data=b"{}\n", content_type=NDJSON).status_code == 401


def test_a_job_is_claimed_once_and_an_abandoned_one_again(world: World, manual: ValidationService) -> None:
    job = _submit(world, _lines(_bundle("ORD-A-BULK-1"))).get_json()
    now = datetime.now(UTC)
    assert manual.claim(job["id"], "runner-1", now)
    assert not manual.claim(job["id"], "runner-2", now)
    assert not manual.run(job["id"], "runner-2", 1)
    # runner-1 died: once its lease has run out the job may be claimed and run again
    later = now + timedelta(minutes=6)
    assert manual.next_queued(later) == job["id"]
    assert manual.claim(job["id"], "runner-3", later)
    with world.database.transaction() as session:
        row = session.get(ValidationJob, job["id"])
        assert row is not None and (row.claimed_by, row.attempts) == ("runner-3", 2)


def test_the_embedded_runner_runs_jobs_on_a_process_pool(world: World) -> None:
    service = _service(world)
    runner = service.queue
    service.settings = _with(service.settings, job_workers=2)
    runner.workers = 2  # type: ignore[union-attr]
    body = _lines(*[_bundle(f"ORD-A-{i}") for i in range(300)], b"[]")
    job = _submit(world, body).get_json()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status = world.client.get(f"/api/v1/validations/{job['id']}", headers=auth("merchant")).get_json()
            if status["state"] in ("done", "failed"):
                break
            time.sleep(0.2)
        assert status["state"] == "done", status
        assert (status["done"], status["failed"]) == (300, 1)
        rows = [json.loads(line) for line in _results(world, job["id"]).data.splitlines()]
        assert [r["line"] for r in rows] == list(range(1, 302))
    finally:
        runner.stop()  # type: ignore[union-attr]
    with world.database.transaction() as session:
        row = session.get(ValidationJob, job["id"])
        assert row is not None and row.state is JobState.DONE and row.attempts == 1


def _with(settings: Any, **changes: Any) -> Any:
    import dataclasses

    return dataclasses.replace(copy.copy(settings), **changes)


def test_stored_events_of_another_merchant_are_never_used(world: World, manual: ValidationService) -> None:
    bare = _bundle("ORD-B-BARE", MERCHANT_B, number="4829105735")  # merchant A's stored number
    bare["shipments"][0].pop("events")
    job = _submit(world, _lines(bare), role="merchant_b").get_json()
    _run(manual, job["id"])
    (row,) = [json.loads(line) for line in _results(world, job["id"], role="merchant_b").data.splitlines()]
    assert row["verdict"] != "met" and "NOT_DELIVERED" in row["codes"], row
    # the platform's job may use them
    job = _submit(world, _lines(bare), role="platform").get_json()
    _run(manual, job["id"])
    (row,) = [json.loads(line) for line in _results(world, job["id"], role="platform").data.splitlines()]
    assert "NOT_DELIVERED" not in row["codes"], row


def test_roles_and_tenants(world: World, manual: ValidationService) -> None:
    """The `POST /verify` row of the roles table: platform and staff ✔, a merchant its own, consumer –."""
    body = _lines(_bundle("ORD-A-R"))
    submitted = {role: _submit(world, body, role=role) for role in ("platform", "staff", "merchant")}
    assert {role: r.status_code for role, r in submitted.items()} == {
        "platform": 202,
        "staff": 202,
        "merchant": 202,
    }
    refused = _submit(world, _lines(_bundle("ORD-A-R")), role="consumer")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "FORBIDDEN"
    own = submitted["merchant"].get_json()["id"]
    _run(manual, own)
    expected = {"platform": 200, "staff": 200, "merchant": 200, "merchant_b": 404, "consumer": 403}
    for path in (f"/api/v1/validations/{own}", f"/api/v1/validations/{own}/results"):
        got = {role: world.client.get(path, headers=auth(role)).status_code for role in expected}
        assert got == expected, path
    # the platform's and staff's jobs are no merchant's: a merchant key cannot see them
    platform_job = submitted["platform"].get_json()["id"]
    theirs = world.client.get(f"/api/v1/validations/{platform_job}", headers=auth("merchant"))
    assert theirs.status_code == 404
