"""scripts/output_snapshot.py: the refactor proof covers every fixture kind and catches one changed byte."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("output_snapshot", ROOT / "scripts" / "output_snapshot.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["output_snapshot"] = module
    spec.loader.exec_module(module)
    return module


def test_snapshot_covers_every_fixture_and_diff_finds_one_changed_byte(tmp_path: Path) -> None:
    script = _script()
    counts = script.write(tmp_path / "a", ROOT)
    carrier_documents = [p for p in (ROOT / "fixtures" / "carriers").glob("*/*") if p.is_file()]
    assert counts["parse"] >= len([p for p in carrier_documents if p.suffix != ".md"])
    assert counts["verify"] >= len(list((ROOT / "fixtures" / "bundles" / "findings").glob("*.json")))
    assert counts["number"] > 100
    verdict = tmp_path / "a" / "verify" / "bundles" / "direct-met.json.out"
    assert '"verdict": "met"' in verdict.read_text()

    copy = tmp_path / "b"
    for path in (tmp_path / "a").rglob("*"):
        if path.is_file():
            target = copy / path.relative_to(tmp_path / "a")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    assert script.diff(tmp_path / "a", copy) == []
    verdict_copy = copy / verdict.relative_to(tmp_path / "a")
    verdict_copy.write_bytes(verdict.read_bytes().replace(b'"met"', b'"not_met"', 1))
    (copy / "carriers.out").unlink()
    assert script.diff(tmp_path / "a", copy) == [
        f"only in {tmp_path / 'a'}: carriers.out",
        "differs: verify/bundles/direct-met.json.out",
    ]
    assert script.main(["diff", str(tmp_path / "a"), str(copy)]) == 1
