"""`make test` runs the parse benchmark once, without karrio: it must run and report, never judged on time.

The karrio half is checked on two documents only where ``make karrio-envs`` has built its environment.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.parse import discover, floor_reader
from carriers import REGISTRY
from tests.support import ROOT

BENCH = ROOT / "bench" / "parse.py"
KARRIO_PYTHON = ROOT / ".venv-karrio" / "bin" / "python"


def _run(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(BENCH), *args], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.slow
def test_smoke_run_reports_every_adapter_with_fixtures_and_both_targets() -> None:
    out = _run("--smoke")
    for header in ("machine :", "commit  :", "date    :"):
        assert header in out
    with_fixtures = [a.id for a in REGISTRY.all() if (ROOT / "fixtures" / "carriers" / a.id).is_dir()]
    targets = out.split("targets per adapter", 1)[1]
    for adapter in with_fixtures:  # discovered, not listed in the benchmark
        row = rf"^  {re.escape(adapter)} +(\S+×|—) +(PASS|MISS|n/a) +\S+× +(PASS|MISS)\b"
        assert re.search(row, targets, re.M), adapter
    assert not re.search(r"^  malformed-", out, re.M)
    assert re.search(r"^  ww-express-newyork-shanghai-customs-hold\.json +9 +[\d,]+\.\d", out, re.M)
    assert "n/a (karrio: no karrio connector)" in out  # kuaidi100, cainiao…


@pytest.mark.slow
def test_missing_karrio_environment_says_how_to_create_it(tmp_path: Path) -> None:
    out = _run(
        "--adapter", "royalmail", "--min-time", "0", "--repeat", "1",
        "--karrio-venv", str(tmp_path / "none"), "--karrio-legacy-venv", str(tmp_path / "none"),
    )  # fmt: skip
    assert "make karrio-envs" in out
    assert "n/a (karrio: environment missing)" in out
    assert re.search(r"intl-london-hangzhou-delivered\.json +8 +[\d,]+\.\d", out)


@pytest.mark.slow
@pytest.mark.skipif(not KARRIO_PYTHON.exists(), reason="karrio environment not built (make karrio-envs)")
def test_karrio_side_times_a_document_and_explains_one_it_cannot_parse() -> None:
    fixtures = ROOT / "fixtures" / "carriers"
    request = {
        "min_time": 0.0,
        "repeat": 1,
        "jobs": [
            {
                "id": "dhl",
                "connector": "dhl_universal",
                "path": str(fixtures / "dhl" / "paket-leipzig-shanghai-handover.json"),
                "tracking_number": "00340434518273645109",
                "expect": "events",
            },
            {  # no estimatedDelivery: karrio's royalmail parser raises (carriers.md §4.9)
                "id": "royalmail",
                "connector": "royalmail",
                "path": str(fixtures / "royalmail" / "intl-london-hangzhou-delivered.json"),
                "tracking_number": "LX830219468GB",
                "expect": "events",
            },
        ],
    }
    done = subprocess.run(
        [str(KARRIO_PYTHON), str(ROOT / "bench" / "karrio_side.py")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)["results"]
    assert results["dhl"]["events"] == 7 and results["dhl"]["us"] > 0
    assert results["royalmail"]["na"].startswith("raises AttributeError")


def test_every_floor_reaches_the_events_our_adapter_reads() -> None:
    """The floor is a floor only if it reaches the event list: the same number of events, per document.

    An adapter added without a floor path is still benchmarked (decode-only floor, marked ``*``).
    A document read tolerantly (parse warnings: an event dropped, a field of the wrong type) is not
    comparable by count: the floor walks the raw nodes, our adapter keeps only what it could read.
    """
    documents, _ = discover()
    assert {d.adapter for d in documents} >= {"ups", "fedex", "dhl", "canadapost", "usps", "epcis", "sf"}
    assert any(doc.warnings for doc in documents)  # the tolerant fixtures are benchmarked too
    for doc in documents:
        floor, reaches = floor_reader(doc.adapter, doc.fmt)
        if reaches and not doc.warnings:
            assert floor(doc.raw) == doc.events, doc.key
