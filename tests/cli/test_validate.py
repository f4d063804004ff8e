"""``trace-verify validate FILE --out RESULTS``: bulk pre-validation on the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.support import bundle, run_cli
from trace_verify.services.bulk_rows import RESULT_COLUMNS
from trace_verify.services.progress import ProgressBar, count_lines

NOW = "2026-03-05T12:00:00Z"


def _jsonl(tmp_path: Path) -> Path:
    good = json.dumps(bundle("direct-met")).encode()
    fraud = json.dumps(bundle("mainland-fraud")).encode()
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join([good, b"{oops", fraud] * 20) + b"\n")
    return path


def test_jsonl_in_jsonl_out_in_order_with_bad_rows_in_place(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    result = run_cli("validate", str(_jsonl(tmp_path)), "--out", str(out), "--now", NOW, "--workers", "1")
    assert result.status == 1, result.stderr  # some rows failed
    assert result.stderr == ""  # not a terminal: no progress bar
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["line"] for r in rows] == list(range(1, 61))
    assert rows[0]["verdict"] == "met" and rows[0]["path"] == "direct_international"
    assert rows[1]["error"]["code"] == "INVALID_JSON"
    assert rows[2]["verdict"] == "not_met" and rows[2]["codes"]


def test_two_workers_write_the_same_results(tmp_path: Path) -> None:
    source = _jsonl(tmp_path)
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert run_cli("validate", str(source), "--out", str(one), "--now", NOW, "--workers", "1").status == 1
    assert run_cli("validate", str(source), "--out", str(two), "--now", NOW, "--workers", "2").status == 1
    assert one.read_bytes() == two.read_bytes()
    table = list(csv.reader(io.StringIO(one.read_text())))
    assert tuple(table[0]) == RESULT_COLUMNS and len(table) == 61


def test_csv_in(tmp_path: Path) -> None:
    source = tmp_path / "events.csv"
    source.write_text(
        "order_id,merchant_id,placed_at,amount_paid,currency,destination_country,carrier,tracking_number,"
        "event_occurred_at,event_milestone,event_country,event_city,event_description\n"
        "ORD-P,M-1,2026-03-01T02:14:00Z,10.00,CNY,CN,dhl,7777777770,2026-03-01T08:00:00Z,label_created,"
        "JP,Osaka,Shipment information received\n"
    )
    out = tmp_path / "results.jsonl"
    result = run_cli("validate", str(source), "--out", str(out), "--now", NOW)
    assert result.status == 0, result.stderr
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert row["line"] == 2 and row["verdict"] == "insufficient_evidence"
    assert row["missing"]["direct_international"][0] == "custody_abroad"


def test_unreadable_or_refused_input_exits_2(tmp_path: Path) -> None:
    missing = run_cli("validate", str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "r.jsonl"))
    assert missing.status == 2 and missing.stderr.startswith("error: INPUT_UNREADABLE: ")
    header = tmp_path / "bad.csv"
    header.write_text("order_id,colour\nA,red\n")
    refused = run_cli("validate", str(header), "--out", str(tmp_path / "r.jsonl"))
    assert refused.status == 2 and refused.stderr.startswith("error: UNKNOWN_FIELD: ")


def test_progress_line_shows_rows_rate_and_eta(tmp_path: Path) -> None:
    ticks = iter([0.0, 10.0, 10.0])
    stream = io.StringIO()
    bar = ProgressBar(stream, total=1000, width=10, clock=lambda: next(ticks))
    bar.update(250)
    line = stream.getvalue()
    assert line.startswith("\r[##--------]  25% 250/1,000 rows")
    assert "25 rows/s" in line and "ETA 0:00:30" in line
    bar.close()
    assert stream.getvalue().endswith("\n")
    path = tmp_path / "n.txt"
    path.write_bytes(b"a\nb\nc")
    assert count_lines(path) == 3
