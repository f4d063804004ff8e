"""The command line's own limits: 16 MiB per bundle, and unsafe documents refused at `parse`."""

from __future__ import annotations

from pathlib import Path

from tests.support import FIXTURES, run_cli

MIB = 1024 * 1024


def test_bundle_over_16_mib_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.write(b'{"order": "')
        handle.write(b"x" * (17 * MIB))
        handle.write(b'"}')
    result = run_cli("verify", str(path))
    assert result.status == 2
    assert result.stderr.startswith("error: BODY_TOO_LARGE: ")


def test_jsonl_line_over_the_limit_is_one_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    good = (FIXTURES / "bundles" / "direct-met.json").read_bytes().replace(b"\n", b" ")
    with path.open("wb") as handle:
        handle.write(b'{"order": "' + b"x" * (17 * MIB) + b'"}\n')
        handle.write(good + b"\n")
    result = run_cli("verify", "--jsonl", str(path), "--now", "2026-03-05T12:00:00Z")
    assert result.status == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert '"line":1' in lines[0] and "BODY_TOO_LARGE" in lines[0]
    assert '"verdict":"met"' in lines[1]


def test_parse_refuses_an_unsafe_document(tmp_path: Path) -> None:
    path = tmp_path / "xxe.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>')
    result = run_cli("parse", "--carrier", "canadapost", str(path))
    assert result.status == 2
    assert result.stderr.startswith("error: DOCUMENT_UNSAFE: ")
    assert "root:" not in result.stderr + result.stdout


def test_parse_unknown_carrier_is_a_clear_error() -> None:
    result = run_cli("parse", "--carrier", "pigeon", str(FIXTURES / "bundles" / "direct-met.json"))
    assert result.status == 2
    assert result.stderr.startswith("error: UNKNOWN_CARRIER: --carrier: ")


def test_carrier_error_body_is_a_valid_document() -> None:
    result = run_cli(
        "parse", "--carrier", "dhl", str(FIXTURES / "carriers" / "dhl" / "error-404-not-found.json")
    )
    assert result.status == 0
    out = result.json()
    assert out["shipments"] == [] and out["errors"][0]["code"] == "not_found"


def test_simulate_carriers_passes_its_options_to_the_simulator() -> None:
    result = run_cli("simulate-carriers", "--help")
    assert result.status == 0
    assert "--port" in result.stdout and "--fixtures" in result.stdout
