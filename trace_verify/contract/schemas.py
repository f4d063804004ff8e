"""The contract's JSON Schemas, loaded once from package data and compiled for the hot path.

The files in ``schemas/`` are the public contract's own (``../shared/contracts``), extended only by
adding optional fields. The same documents feed the validator and the OpenAPI description, so the
two cannot drift. ``$ref: "event.schema.json"`` is rewritten to a local ``$defs`` entry because the
compiled validator resolves only in-document references.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs

from trace_verify.domain.instants import representable

SchemaName = str
_EVENT_REF = "event.schema.json"

#: RFC 3339 date-time with a mandatory offset (a naive time is invalid, contract "Input rules").
#: What an instant must be, in words (error messages).
INSTANT_RULE = "a real RFC 3339 date-time with an offset (Z or ±hh:mm), from 0001-01-02 to 9999-12-30"
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$")


def rfc3339_or_none(text: str) -> datetime | None:
    """The instant ``text`` names when it is RFC 3339 with an offset, a real calendar time and within
    0001-01-02 … 9999-12-30 (``domain.instants``), else None."""
    if not _RFC3339.match(text):
        return None
    if "." in text:  # Python accepts at most microseconds; RFC 3339 allows more digits
        head, _, tail = text.partition(".")
        digits = len(tail) - len(tail.lstrip("0123456789"))
        text = f"{head}.{tail[:digits][:6].ljust(6, '0')}{tail[digits:]}"
    try:
        moment = datetime.fromisoformat(text)  # the pattern guarantees an offset
    except ValueError:  # 2026-02-30, hour 25…
        return None
    # 9999-12-31T23:59:59-05:00 has no UTC value; instants this close to the edges are refused.
    return moment if representable(moment) else None


def is_rfc3339(text: str) -> bool:
    """True for a real calendar instant in RFC 3339 form with an offset."""
    return rfc3339_or_none(text) is not None


def parse_rfc3339(text: str) -> datetime:
    """Parse an RFC 3339 date-time with an offset; raises ValueError otherwise."""
    moment = rfc3339_or_none(text)
    if moment is None:
        raise ValueError(f"not an RFC 3339 date-time with an offset: {text[:40]!r}")
    return moment


@cache
def raw_schema(name: SchemaName) -> dict[str, Any]:
    """A schema file as shipped (``bundle``, ``event``, ``verdict``)."""
    text = resources.files("trace_verify.contract").joinpath(f"schemas/{name}.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _inline_event_refs(node: Any) -> Any:
    if isinstance(node, dict):
        if node.get("$ref") == _EVENT_REF:
            return {**node, "$ref": "#/$defs/event"}
        return {key: _inline_event_refs(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_event_refs(item) for item in node]
    return node


@cache
def standalone_schema(name: SchemaName) -> dict[str, Any]:
    """The schema with the event schema embedded under ``$defs/event``: self-contained."""
    schema = _inline_event_refs(copy.deepcopy(raw_schema(name)))
    if name != "event":
        event = {k: v for k, v in raw_schema("event").items() if k not in ("$schema", "$id")}
        schema.setdefault("$defs", {})["event"] = event
    schema.pop("$id", None)
    result: dict[str, Any] = schema
    return result


def _dereference(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            target = _dereference(defs[ref.removeprefix("#/$defs/")], defs)
            rest = {k: _dereference(v, defs) for k, v in node.items() if k != "$ref"}
            return {**target, **rest}
        return {k: _dereference(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_dereference(item, defs) for item in node]
    return node


@cache
def flat_schema(name: SchemaName) -> dict[str, Any]:
    """The schema with every local reference expanded: self-contained, no ``$defs`` (for OpenAPI)."""
    schema = standalone_schema(name)
    flat: dict[str, Any] = _dereference(schema, schema.get("$defs", {}))
    flat.pop("$schema", None)
    return flat


@cache
def validator(name: SchemaName) -> jsonschema_rs.Draft202012Validator:
    """The compiled validator (Rust, jsonschema-rs) for the bulk path.

    ``format`` is not checked here: the reader parses every date-time anyway and refuses impossible
    ones with their pointer, so checking twice would only cost time.
    """
    return jsonschema_rs.Draft202012Validator(standalone_schema(name), validate_formats=False)
