"""The domain's closed vocabularies are the contract's: milestones, time bases, finding codes."""

from __future__ import annotations

import re

import pytest

from tests.support import SHARED
from trace_verify.contract.schemas import raw_schema
from trace_verify.domain.findings import SEVERITY
from trace_verify.domain.model import MILESTONES, TIME_BASES


def test_milestones_and_time_bases_are_the_event_schemas() -> None:
    properties = raw_schema("event")["properties"]
    assert list(MILESTONES) == properties["milestone"]["enum"]
    assert list(TIME_BASES) == properties["time_basis"]["enum"]


def test_every_finding_code_of_the_contract_has_its_severity() -> None:
    table = SHARED / "contracts" / "findings.md"
    if not table.is_file():
        pytest.skip("the shared contract folder is not beside this checkout")
    rows = re.findall(r"^\| `([A-Z_]+)` \| (blocker|warning|info) \|", table.read_text("utf-8"), re.M)
    assert len(rows) >= 38
    assert {code: severity for code, severity in rows} == {c: SEVERITY[c] for c, _ in rows}
