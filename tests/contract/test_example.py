"""The contract example gives a verdict that matches the contract's, through the CLI and over HTTP."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.support import BUNDLES, FIXTURES, assert_valid_verdict, load_json, matchable, run_cli

EXAMPLE = BUNDLES / "direct-met.json"
EXPECTED = load_json(FIXTURES / "expected" / "direct-met.verdict.json")
NOW = "2026-03-05T12:00:00Z"


def test_cli_verdict_matches_the_contract_example() -> None:
    result = run_cli("verify", str(EXAMPLE), "--now", NOW)
    assert result.status == 0, result.stderr
    verdict = result.json()
    assert_valid_verdict(verdict)
    assert matchable(verdict) == matchable(EXPECTED)
    assert verdict["checked_at"] == NOW


def test_cli_reads_standard_input() -> None:
    result = run_cli("verify", "-", "--now", NOW, stdin=EXAMPLE.read_bytes())
    assert result.status == 0, result.stderr
    assert matchable(result.json()) == matchable(EXPECTED)


def test_http_verdict_matches_the_contract_example(client: FlaskClient) -> None:
    response = client.post(
        f"/api/v1/verify?now={NOW}", data=EXAMPLE.read_bytes(), content_type="application/json"
    )
    assert response.status_code == 200, response.get_json()
    verdict = response.get_json()
    assert_valid_verdict(verdict)
    assert matchable(verdict) == matchable(EXPECTED)


def test_verdict_does_not_depend_on_the_clock_for_a_met_order() -> None:
    result = run_cli("verify", str(EXAMPLE))
    assert result.status == 0
    assert matchable(result.json()) == matchable(EXPECTED)


def test_shipped_schemas_are_the_contracts_own() -> None:
    """The package's schema files must equal the public contract (extensions only by adding)."""
    import json

    import pytest

    from tests.support import ROOT, SHARED

    if not (SHARED / "contracts").is_dir():
        pytest.skip("the shared contract folder is not beside this checkout")
    for name in ("bundle", "event", "verdict"):
        ours = json.loads((ROOT / "trace_verify/contract/schemas" / f"{name}.schema.json").read_text("utf-8"))
        theirs = json.loads((SHARED / "contracts" / f"{name}.schema.json").read_text("utf-8"))
        assert ours == theirs, name
