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
from collections.abc import Callable
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema

SchemaName = str
_EVENT_REF = "event.schema.json"

#: RFC 3339 date-time with a mandatory offset (a naive time is invalid, contract "Input rules").
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$")


def _looks_rfc3339(text: str) -> bool:
    """The pattern only (cheap); the reader parses each instant anyway and refuses impossible ones."""
    return _RFC3339.match(text) is not None


def is_rfc3339(text: str) -> bool:
    """True for a real calendar instant in RFC 3339 form with an offset."""
    if not _RFC3339.match(text):
        return False
    try:
        parse_rfc3339(text)
    except ValueError:
        return False
    return True


def parse_rfc3339(text: str) -> datetime:
    """Parse an RFC 3339 date-time already matched by the pattern; raises ValueError when impossible."""
    if "." in text:  # Python accepts at most microseconds; RFC 3339 allows more digits
        head, _, tail = text.partition(".")
        digits = len(tail) - len(tail.lstrip("0123456789"))
        tail = tail[:digits][:6].ljust(6, "0") + tail[digits:]
        text = f"{head}.{tail}"
    moment = datetime.fromisoformat(text)
    if moment.utcoffset() is None:
        raise ValueError("no offset")
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
def validator(name: SchemaName) -> Callable[[Any], Any]:
    """A compiled validator; raises ``fastjsonschema.JsonSchemaValueException`` on the first error.

    References are expanded first: the generated code then checks the whole document in one
    function, which is several times faster than calling a function per ``$ref``.
    """
    compiled: Callable[[Any], Any] = fastjsonschema.compile(
        flat_schema(name), formats={"date-time": _looks_rfc3339}, use_default=False
    )
    return compiled
