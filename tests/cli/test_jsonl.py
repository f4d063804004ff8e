"""``verify --jsonl``: one verdict per line, in order; bad lines are reported and the run goes on."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support import assert_valid_verdict, bundle, run_cli

NOW = "2026-03-05T12:00:00Z"


def _write(tmp_path: Path, lines: list[bytes]) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_every_line_verified_exits_0(tmp_path: Path) -> None:
    good = json.dumps(bundle("direct-met")).encode()
    result = run_cli("verify", "--jsonl", str(_write(tmp_path, [good, good])), "--now", NOW)
    assert result.status == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [v["verdict"] for v in out] == ["met", "met"]
    for verdict in out:
        assert_valid_verdict(verdict)


def test_bad_lines_give_error_lines_in_order_and_exit_1(tmp_path: Path) -> None:
    good = json.dumps(bundle("direct-met")).encode()
    other = bundle("direct-met")
    other["order"]["tip"] = "1.00"
    lines = [good, b"{oops", json.dumps(other).encode(), b"", good]
    result = run_cli("verify", "--jsonl", str(_write(tmp_path, lines)), "--now", NOW)
    assert result.status == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out[0]["verdict"] == "met"
    assert out[1] == {
        "line": 2,
        "error": {"code": "INVALID_JSON", "message": out[1]["error"]["message"], "field": None},
    }
    assert out[2]["line"] == 3 and out[2]["error"]["code"] == "UNKNOWN_FIELD"
    assert out[2]["error"]["field"] == "/order/tip"
    assert out[3]["verdict"] == "met"  # line 4 was blank and skipped; line 5 verified
    assert len(out) == 4


def test_standard_input(tmp_path: Path) -> None:
    good = json.dumps(bundle("direct-met")).encode()
    result = run_cli("verify", "--jsonl", "-", "--now", NOW, stdin=good + b"\n")
    assert result.status == 0
    assert json.loads(result.stdout)["order_id"] == "ORD-2026-000184"


def test_unreadable_input_exits_2(tmp_path: Path) -> None:
    result = run_cli("verify", "--jsonl", str(tmp_path / "missing.jsonl"))
    assert result.status == 2
    assert result.stderr.startswith("error: INPUT_UNREADABLE: ")


def test_workers_give_the_same_lines_as_one_process(tmp_path: Path) -> None:
    good = json.dumps(bundle("direct-met")).encode()
    fraud = json.dumps(bundle("mainland-fraud")).encode()
    path = _write(tmp_path, [good, b"{oops", fraud] * 30)
    one = run_cli("verify", "--jsonl", str(path), "--now", NOW, "--workers", "1")
    two = run_cli("verify", "--jsonl", str(path), "--now", NOW, "--workers", "2")
    assert one.status == two.status == 1
    assert two.stdout == one.stdout
    assert [json.loads(line).get("line") for line in two.stdout.splitlines()][:3] == [None, 2, None]


def test_workers_must_be_positive(tmp_path: Path) -> None:
    result = run_cli("verify", "--jsonl", "-", "--workers", "0")
    assert result.status == 2
    assert result.stderr.splitlines()[-1].startswith("error: USAGE: ")
