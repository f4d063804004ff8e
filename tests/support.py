"""Helpers shared by the tests: paths, the verdict schema check, matching verdicts, running the CLI."""

from __future__ import annotations

import copy
import io
import json
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource

from trace_verify.contract.schemas import raw_schema

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
BUNDLES = FIXTURES / "bundles"
SHARED = ROOT.parent / "shared"


def load_json(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def bundle(name: str) -> dict[str, Any]:
    """A fixture bundle by file stem, without the demo page's ``$now`` key."""
    obj = load_json(BUNDLES / f"{name}.json")
    obj.pop("$now", None)
    return obj


@cache
def _verdict_validator() -> jsonschema.Draft202012Validator:
    registry = Registry().with_resource("event.schema.json", Resource.from_contents(raw_schema("event")))
    return jsonschema.Draft202012Validator(raw_schema("verdict"), registry=registry)


def assert_valid_verdict(verdict: dict[str, Any]) -> None:
    """Every verdict the suite produces must validate against the contract's verdict schema."""
    errors = sorted(_verdict_validator().iter_errors(verdict), key=lambda e: list(e.path))
    assert not errors, [f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5]]


def matchable(verdict: dict[str, Any]) -> dict[str, Any]:
    """The verdict without what the contract leaves to the project (output rules, "match")."""
    out = copy.deepcopy(verdict)
    for key in ("rules_version", "checked_at"):
        out.pop(key, None)
    for finding in out["findings"]:
        finding.pop("message", None)
        if finding["severity"] == "info":
            finding.pop("evidence", None)
    return out


def codes(verdict: dict[str, Any]) -> list[str]:
    return [f["code"] for f in verdict["findings"]]


@dataclass
class CliResult:
    status: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(*args: str, stdin: bytes = b"") -> CliResult:
    """Run ``trace-verify`` in-process, as a user would, capturing its streams and exit status."""
    from trace_verify.cli import main

    out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_bytes, encoding="utf-8", write_through=True)
    err = io.TextIOWrapper(err_bytes, encoding="utf-8", write_through=True)
    fake_in = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    saved = sys.stdout, sys.stderr, sys.stdin
    sys.stdout, sys.stderr, sys.stdin = out, err, fake_in
    try:
        status = main(list(args))
    except SystemExit as exc:
        status = int(exc.code or 0)
    finally:
        out.flush()
        err.flush()
        sys.stdout, sys.stderr, sys.stdin = saved
    return CliResult(status, out_bytes.getvalue().decode("utf-8"), err_bytes.getvalue().decode("utf-8"))
