"""Every finding code in scope has a bundle that raises it and a near-twin that does not.

The pairs live in ``fixtures/bundles/findings/`` (``<code>.raises.json`` / ``<code>.twin.json``, each
with its clock under ``$now``; the README there says what each pair shows). For the raising bundle
the test checks the code, its severity (findings.md), that its evidence exists (timeline indexes in
range, pointers that resolve in the bundle, blockers cite something) and the verdict; for the twin,
that the code is absent and the verdict. Both verdicts validate against the contract's schema.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from tests.support import BUNDLES, SHARED, assert_valid_verdict, load_json
from trace_verify.services.verification import VerificationService

PAIRS = BUNDLES / "findings"

#: Codes left to other suites: they need the registry or stored history (rules.md §5, §6a).
OUT_OF_SCOPE = frozenset(
    {"TRACKING_REUSED", "TRACKING_SHARED", "TRACE_CODE_FORGED", "TRACE_CODE_OTHER_MERCHANT", "CODE_CLONED"}
    # Raised only on stored evidence (rules.md §8): an offline bundle never carries sources.
    | {"PATH_SELF_REPORTED", "SUBMITTED_EVENT_CONTRADICTED", "CERTIFICATE_UNVERIFIED", "EVIDENCE_SOURCES"}
)


class Expect(NamedTuple):
    """Severity (findings.md), verdict of the raising bundle and of its twin, complaint decisions."""

    severity: str
    raises: str
    twin: str
    raises_decision: str | None = None
    twin_decision: str | None = None


MET, NOT_MET, INSUFFICIENT = "met", "not_met", "insufficient_evidence"

EXPECTED: dict[str, Expect] = {
    "PATH_DIRECT_INTERNATIONAL": Expect("info", MET, INSUFFICIENT),
    "PATH_BONDED_ZONE": Expect("info", MET, NOT_MET),
    "PATH_GENERAL_TRADE": Expect("info", MET, NOT_MET),
    "PATH_TRACEABLE_ABROAD": Expect("info", MET, INSUFFICIENT),
    "ORIGIN_IN_MAINLAND": Expect("blocker", NOT_MET, MET),
    "DISPATCH_BEFORE_ORDER": Expect("blocker", NOT_MET, MET),
    "DESTINATION_MISMATCH": Expect("blocker", NOT_MET, MET),
    "TRACKING_NUMBER_INVALID": Expect("blocker", NOT_MET, MET),
    "TRACKING_NUMBER_UNRECOGNISED": Expect("warning", MET, MET),
    "TRACKING_ORIGIN_MISMATCH": Expect("blocker", NOT_MET, MET),
    "CONSUMER_WAYBILL_UNLINKED": Expect("blocker", NOT_MET, MET, "upheld", "rejected"),
    "CONSUMER_WAYBILL_UNVERIFIED": Expect("warning", MET, MET, "manual_review", "rejected"),
    "DOMESTIC_ONLY_TRACE": Expect("blocker", NOT_MET, NOT_MET),
    "TIMELINE_IMPOSSIBLE": Expect("blocker", NOT_MET, MET),
    "TRACE_INCOMPLETE": Expect("warning", INSUFFICIENT, MET),
    "NO_IMPORT_CLEARANCE": Expect("warning", MET, MET),
    "NOT_DELIVERED": Expect("info", INSUFFICIENT, MET),
    "CARRIER_UNAVAILABLE": Expect("warning", INSUFFICIENT, MET),
    "DOCUMENT_UNREADABLE": Expect("warning", INSUFFICIENT, MET),
    "BONDED_ZONE_UNKNOWN": Expect("warning", INSUFFICIENT, MET),
    "SUPERVISION_MODE_MISMATCH": Expect("blocker", NOT_MET, MET),
    "DECLARATION_NUMBER_INVALID": Expect("blocker", NOT_MET, MET),
    "CUSTOMS_DISTRICT_UNKNOWN": Expect("warning", MET, MET),
    "TRACE_CODE_MISSING": Expect("blocker", NOT_MET, MET),
    "TRACE_CODE_INCOMPLETE": Expect("blocker", NOT_MET, MET),
    "TRACE_CODE_UNVERIFIED": Expect("info", MET, NOT_MET),
    "IMPORTER_MISMATCH": Expect("warning", MET, MET),
    "PORT_MISMATCH": Expect("warning", MET, MET),
    "ORIGIN_COUNTRY_DOMESTIC": Expect("warning", MET, MET),
    "RETURN_ADDRESS_NOT_LOCAL": Expect("warning", MET, MET),
    "NO_ODS_PROMISE": Expect("info", NOT_MET, NOT_MET, "rejected", "upheld"),
    "CONSUMER_EVIDENCE_MISSING": Expect("warning", NOT_MET, NOT_MET, "inadmissible", "upheld"),
    "GGG_WINDOW_EXPIRED": Expect("warning", MET, MET, "rejected", "upheld"),
    "GGG_CERTIFICATE_MISSING": Expect("warning", MET, MET, "manual_review", "upheld"),
}

#: Findings about the complaint itself never change the verdict (rules.md §1, verdict).
COMPLAINT_ONLY = ("CONSUMER_EVIDENCE_MISSING", "GGG_WINDOW_EXPIRED", "GGG_CERTIFICATE_MISSING")
SEVERITY_RANK = {"blocker": 0, "warning": 1, "info": 2}


def _load(code: str, kind: str) -> tuple[dict[str, Any], datetime]:
    """The bundle without its clock, and the clock."""
    obj = load_json(PAIRS / f"{code.lower()}.{kind}.json")
    now = datetime.fromisoformat(obj.pop("$now").replace("Z", "+00:00"))
    return obj, now


def _verify(service: VerificationService, code: str, kind: str) -> tuple[dict[str, Any], dict[str, Any]]:
    obj, now = _load(code, kind)
    verdict = service.verify_json(obj, now)
    assert_valid_verdict(verdict)
    return obj, verdict


def resolve_pointer(document: Any, pointer: str) -> Any:
    """RFC 6901: the value at ``pointer``; raises ``LookupError`` when it names nothing."""
    if not pointer.startswith("/"):
        raise LookupError(pointer)
    node = document
    for raw in pointer[1:].split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and re.fullmatch(r"0|[1-9][0-9]*", token) and int(token) < len(node):
            node = node[int(token)]
        else:
            raise LookupError(pointer)
    return node


def assert_evidence_exists(bundle: dict[str, Any], verdict: dict[str, Any], finding: dict[str, Any]) -> None:
    """Every evidence item names something real: a timeline entry or a place in the bundle."""
    if finding["severity"] == "blocker":
        assert finding["evidence"], finding
    for ref in finding["evidence"]:
        if "timeline" in ref:
            assert 0 <= ref["timeline"] < len(verdict["timeline"]), (finding["code"], ref)
        elif "pointer" in ref:
            resolve_pointer(bundle, ref["pointer"])
        else:  # offline verification consults no registry and no stored history
            pytest.fail(f"{finding['code']}: unexpected evidence {ref}")


def _findings(verdict: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [f for f in verdict["findings"] if f["code"] == code]


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_raising_bundle_gives_the_code(service: VerificationService, code: str) -> None:
    expect = EXPECTED[code]
    bundle, verdict = _verify(service, code, "raises")
    raised = _findings(verdict, code)
    assert raised, [f["code"] for f in verdict["findings"]]
    for finding in raised:
        assert finding["severity"] == expect.severity
        assert finding["message"]
        assert_evidence_exists(bundle, verdict, finding)
    assert verdict["verdict"] == expect.raises, [f["code"] for f in verdict["findings"]]
    if expect.raises_decision is not None:
        assert verdict["complaint"]["decision"] == expect.raises_decision


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_twin_does_not_give_the_code(service: VerificationService, code: str) -> None:
    expect = EXPECTED[code]
    bundle, verdict = _verify(service, code, "twin")
    assert not _findings(verdict, code), verdict["findings"]
    assert verdict["verdict"] == expect.twin, [f["code"] for f in verdict["findings"]]
    if expect.twin_decision is not None:
        assert verdict["complaint"]["decision"] == expect.twin_decision
    for finding in verdict["findings"]:
        assert_evidence_exists(bundle, verdict, finding)


@pytest.mark.parametrize("code", COMPLAINT_ONLY)
def test_complaint_findings_leave_the_verdict_alone(service: VerificationService, code: str) -> None:
    _, raises = _verify(service, code, "raises")
    _, twin = _verify(service, code, "twin")
    assert (raises["verdict"], raises["path"]) == (twin["verdict"], twin["path"])


def test_path_is_set_only_when_met(service: VerificationService) -> None:
    for code in EXPECTED:
        for kind in ("raises", "twin"):
            _, verdict = _verify(service, code, kind)
            if verdict["verdict"] != MET:
                assert verdict["path"] is None, (code, kind)
                assert not [f for f in verdict["findings"] if f["code"].startswith("PATH_")], (code, kind)


def _evidence_key(ref: dict[str, Any]) -> tuple[Any, ...]:
    if "timeline" in ref:
        return (1, ref["timeline"])
    segments = ref["pointer"].split("/")[1:]
    return (2, tuple((0, int(s), "") if s.isdigit() else (1, 0, s) for s in segments))


@pytest.mark.parametrize("kind", ["raises", "twin"])
def test_output_rules_hold_for_every_pair(service: VerificationService, kind: str) -> None:
    """Findings sorted by severity, code, first evidence; timeline oldest first (contract, output rules)."""
    for code in EXPECTED:
        _, verdict = _verify(service, code, kind)
        keys = [
            (
                SEVERITY_RANK[f["severity"]],
                f["code"],
                (0,) if not f["evidence"] else _evidence_key(f["evidence"][0]),
            )
            for f in verdict["findings"]
        ]
        assert keys == sorted(keys), (code, kind)
        times = [e["occurred_at"] for e in verdict["timeline"]]
        assert times == sorted(times), (code, kind)


def test_every_code_in_scope_has_a_pair() -> None:
    files = {p.name for p in PAIRS.glob("*.json")}
    expected = {f"{code.lower()}.{kind}.json" for code in EXPECTED for kind in ("raises", "twin")}
    assert files == expected
    readme = (PAIRS / "README.md").read_text("utf-8")
    for code in EXPECTED:
        assert f"`{code}`" in readme, code


def _contract_table(path: Path) -> dict[str, str]:
    rows = re.findall(r"^\| `([A-Z_]+)` \| (blocker|warning|info) \|", path.read_text("utf-8"), re.MULTILINE)
    return dict(rows)


def test_scope_and_severities_are_the_contracts() -> None:
    """The pairs cover every code of findings.md but the registry/history ones, at its severities."""
    path = SHARED / "contracts" / "findings.md"
    if not path.is_file():
        pytest.skip("the shared contract folder is not beside this checkout")
    table = _contract_table(path)
    assert set(table) - OUT_OF_SCOPE == set(EXPECTED)
    assert {code: table[code] for code in EXPECTED} == {code: e.severity for code, e in EXPECTED.items()}
