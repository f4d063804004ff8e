"""Checks every ``test_<id>_parse.py`` makes the same way: a story fixture's one shipment, and rejections.

Kept in one place so a parse test file holds its carrier's tables and defects, not the loops around them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any

import jsonschema
import pytest

from carriers.base import MAX_DOCUMENT_BYTES
from carriers.spec import CarrierSpec
from trace_verify.domain.documents import DocumentRejected, ParseResult


def story_events(
    result: ParseResult, carrier: str, number: str, schema: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The events (as JSON) of the one shipment ``number`` a story fixture holds, with no carrier error.

    With ``schema``, each event is validated against it (the contract's event schema).
    """
    assert result.carrier == carrier and result.errors == ()
    assert [s.tracking_number for s in result.shipments] == [number]
    got = [e.to_json() for e in result.shipments[0].events]
    if schema is not None:
        for event in got:
            jsonschema.validate(event, schema)
    return got


def assert_rejected(
    read: Callable[[], object], code: str = "DOCUMENT_UNREADABLE", hidden: Iterable[str] = ()
) -> DocumentRejected:
    """``read()`` raises DocumentRejected with ``code`` and quotes none of ``hidden`` (never echoes input)."""
    with pytest.raises(DocumentRejected) as caught:
        read()
    assert caught.value.code == code
    for fragment in hidden:
        assert fragment not in caught.value.message
    return caught.value


def assert_size_and_depth_unsafe(adapter: CarrierSpec) -> None:
    """Deep nesting and a body over MAX_DOCUMENT_BYTES are DOCUMENT_UNSAFE, not unreadable or a crash."""
    for data in (b"[" * 100_000 + b"]" * 100_000, b" " * (MAX_DOCUMENT_BYTES + 1)):
        assert_rejected(partial(adapter.parse, data), "DOCUMENT_UNSAFE")
