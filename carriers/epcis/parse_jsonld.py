"""The EPCIS 2.0 JSON / JSON-LD binding → :class:`~carriers.epcis.model.EpcisEvent` values.

Read through :func:`carriers.base.load_json` (strict JSON). Field names follow
``EPCIS-JSON-Schema.json`` (gs1/EPCIS commit 2b888be). Documents read:

* ``EPCISDocument`` — ``epcisBody.eventList``; location master data from
  ``epcisHeader.epcisMasterData.vocabularyList``.
* ``EPCISQueryDocument`` — ``epcisBody.queryResults.resultsBody.eventList`` (also what a
  subscription pushes).
* ``EPCISMasterDataDocument`` and a capture job (``captureID`` with ``running``/``success``) — no
  events; a capture job that did not succeed is reported as an error.
* An EPCIS REST error: RFC 7807 problem JSON (``{"type": "epcisException:NoSuchResourceException",
  "title": …, "status": 404}``) → ``not_found`` / ``unauthorized`` / ``rate_limited`` / ``carrier_error``.

JSON-LD is not expanded as a whole (no remote context is ever fetched): only the values whose
meaning depends on a prefix are — vocabulary values and extension keys written as CURIEs
(``cbv:BizStep-shipping``, ``tv:countryCode``) — with the prefixes the document's own ``@context``
defines plus the three the EPCIS context defines (``cbv``, ``cbvmda``, ``gs1``). Where the JSON
Schema wants an array and a document gives one value, the value is read as a one-element array
(JSON-LD treats both alike; five official examples deviate from the Schema in other ways too).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from carriers._common import status_error
from carriers.base import load_json
from carriers.epcis.identifiers import location_key
from carriers.epcis.model import (
    EVENT_TYPES,
    EXTENSION_NS,
    MDA_NS,
    EpcisEvent,
    ErrorDeclaration,
    MasterData,
    name_in,
)
from carriers.epcis.normalize import PLACE_FIELDS, rejected
from carriers.epcis.parse_xml import LOCATION_VOCABULARIES, MAX_MESSAGE
from trace_verify.domain.documents import CarrierErrorCode, CarrierMessage

FORMAT: Final = "EPCIS JSON-LD"
#: Prefixes of the EPCIS 2.0 context (``epcis-context.jsonld``) that values may use.
EPCIS_PREFIXES: Final = {
    "cbv": "https://ref.gs1.org/cbv/",
    "cbvmda": "urn:epcglobal:cbv:mda:",
    "gs1": "https://gs1.org/voc/",
}

Read = tuple[list[EpcisEvent], MasterData, list[CarrierMessage]]


def read(data: bytes) -> Read:
    """Events, location master data and service errors of one EPCIS JSON(-LD) document."""
    # GS1's own AssociationEvent-h example repeats "eventID"; EPCIS JSON-LD is written against
    # JavaScript's JSON.parse, where the last value wins, so that is the reading here too.
    doc = load_json(data, FORMAT, duplicate_keys="last")
    if not isinstance(doc, dict):
        raise rejected(FORMAT, "/", "top level is not a JSON object")
    kind = doc.get("type", doc.get("@type"))
    prefixes = _prefixes(doc.get("@context"))
    if kind == "EPCISDocument":
        body = _object(doc.get("epcisBody"), "/epcisBody")
        events = _events(body.get("eventList", []), "/epcisBody/eventList", prefixes)
        return events, _master_data(doc, prefixes), []
    if kind == "EPCISQueryDocument":
        body = _object(doc.get("epcisBody"), "/epcisBody")
        results = _object(body.get("queryResults"), "/epcisBody/queryResults")
        at = "/epcisBody/queryResults/resultsBody"
        events = _events(
            _object(results.get("resultsBody"), at).get("eventList", []), f"{at}/eventList", prefixes
        )
        return events, _master_data(doc, prefixes), []
    if kind == "EPCISMasterDataDocument":
        return [], {}, []
    if "captureID" in doc and ("running" in doc or "success" in doc):
        return [], {}, _capture_job(doc)
    if "status" in doc and ("title" in doc or str(doc.get("type", "")).startswith("epcisException:")):
        return [], {}, [_problem(doc)]
    raise rejected(FORMAT, "/type", "not an EPCIS 2.0 document, query document, capture job or problem")


# --- errors ------------------------------------------------------------------------------------------


def _problem(doc: Mapping[str, Any]) -> CarrierMessage:
    """EPCIS 2.0 REST errors are RFC 7807 problems typed ``epcisException:<Name>``."""
    status = doc.get("status")
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if isinstance(status, bool) or not isinstance(status, int) or status < 400:
        raise rejected(FORMAT, "/status", "problem status is not an HTTP error status")
    kind = str(doc.get("type") or "")
    texts = [doc.get(k) for k in ("detail", "title")]
    message = next((t for t in texts if isinstance(t, str) and t.strip()), None) or kind or f"HTTP {status}"
    return CarrierMessage(code=_error_code(status, kind), tracking_number=None, message=message[:MAX_MESSAGE])


def _error_code(status: int, kind: str) -> CarrierErrorCode:
    by_status = status_error(status)
    if by_status == "not_found" or kind.endswith("NoSuchResourceException"):
        return "not_found"
    if by_status == "unauthorized" or kind.endswith("SecurityException"):
        return "unauthorized"
    return by_status


def _capture_job(doc: Mapping[str, Any]) -> list[CarrierMessage]:
    if doc.get("success") is not False or doc.get("running") is True:
        return []  # succeeded, or still running (success stays false until it finishes)
    details = []
    for error in doc.get("errors") or []:
        if isinstance(error, dict):
            text = error.get("detail") or error.get("title") or error.get("type")
            if isinstance(text, str) and text.strip():
                details.append(text.strip())
    message = "EPCIS capture job failed" + (f": {'; '.join(details)}" if details else "")
    return [CarrierMessage(code="carrier_error", tracking_number=None, message=message[:MAX_MESSAGE])]


# --- events ------------------------------------------------------------------------------------------


def _events(raw: Any, at: str, prefixes: Mapping[str, str]) -> list[EpcisEvent]:
    items = raw if isinstance(raw, list) else [raw]
    return [_event(_object(item, f"{at}/{i}"), i, f"{at}/{i}", prefixes) for i, item in enumerate(items)]


def _event(raw: Mapping[str, Any], index: int, at: str, prefixes: Mapping[str, str]) -> EpcisEvent:
    kind = raw.get("type", raw.get("@type"))
    if kind not in EVENT_TYPES:
        raise rejected(FORMAT, f"{at}/type", "not an EPCIS event type")
    event_time = _str(raw, "eventTime", at)
    if event_time is None:
        raise rejected(FORMAT, f"{at}/eventTime", "event without eventTime")
    return EpcisEvent(
        kind=kind,
        index=index,
        event_time=event_time,
        time_zone_offset=_str(raw, "eventTimeZoneOffset", at),
        event_id=_str(raw, "eventID", at),
        action=_str(raw, "action", at),
        biz_step=_expand(_str(raw, "bizStep", at), prefixes),
        disposition=_expand(_str(raw, "disposition", at), prefixes),
        read_point=_id_of(raw, "readPoint", at),
        biz_location=_id_of(raw, "bizLocation", at),
        biz_transactions=_biz_transactions(raw, at, prefixes),
        parent_id=_str(raw, "parentID", at),
        epcs=_strings(raw, "epcList", at) + _strings(raw, "childEPCs", at),
        output_epcs=_strings(raw, "outputEPCList", at),
        input_epcs=_strings(raw, "inputEPCList", at),
        quantity_classes=tuple(
            c
            for key in ("quantityList", "childQuantityList", "outputQuantityList")
            for c in _classes(raw, key, at)
        ),
        input_quantity_classes=_classes(raw, "inputQuantityList", at),
        error_declaration=_error_declaration(raw, at),
        extension=_extension(raw, at, prefixes),
    )


def _biz_transactions(
    raw: Mapping[str, Any], at: str, prefixes: Mapping[str, str]
) -> tuple[tuple[str | None, str], ...]:
    out = []
    for i, item in enumerate(_items(raw, "bizTransactionList")):
        where = f"{at}/bizTransactionList/{i}"
        entry = _object(item, where)
        value = _str(entry, "bizTransaction", where)
        if value is None:
            raise rejected(FORMAT, f"{where}/bizTransaction", "business transaction without a value")
        out.append((_expand(_str(entry, "type", where), prefixes), value.strip()))
    return tuple(out)


def _classes(raw: Mapping[str, Any], key: str, at: str) -> tuple[str, ...]:
    found = []
    for i, item in enumerate(_items(raw, key)):
        value = _str(_object(item, f"{at}/{key}/{i}"), "epcClass", f"{at}/{key}/{i}")
        if value and value.strip():
            found.append(value.strip())
    return tuple(found)


def _error_declaration(raw: Mapping[str, Any], at: str) -> ErrorDeclaration | None:
    if raw.get("errorDeclaration") is None:
        return None
    where = f"{at}/errorDeclaration"
    declaration = _object(raw["errorDeclaration"], where)
    return ErrorDeclaration(
        reason=_str(declaration, "reason", where),
        corrective_event_ids=_strings(declaration, "correctiveEventIDs", where),
    )


def _extension(raw: Mapping[str, Any], at: str, prefixes: Mapping[str, str]) -> dict[str, str]:
    """The project's extension fields: keys that expand into ``urn:trace-verify:epcis:``."""
    out: dict[str, str] = {}
    for key, value in raw.items():
        field = name_in(EXTENSION_NS, _expand(key, prefixes) or "")
        if field in PLACE_FIELDS:
            if not isinstance(value, str):
                raise rejected(FORMAT, f"{at}/{key}", "extension field is not a string")
            out[field] = value.strip()
    return out


# --- master data -------------------------------------------------------------------------------------


def _master_data(doc: Mapping[str, Any], prefixes: Mapping[str, str]) -> dict[str, dict[str, str]]:
    header = doc.get("epcisHeader")
    master = header.get("epcisMasterData") if isinstance(header, dict) else None
    vocabularies = master.get("vocabularyList") if isinstance(master, dict) else None
    out: dict[str, dict[str, str]] = {}
    for vocabulary in vocabularies if isinstance(vocabularies, list) else []:
        if not isinstance(vocabulary, dict) or vocabulary.get("type") not in LOCATION_VOCABULARIES:
            continue
        for element in vocabulary.get("vocabularyElementList") or []:
            if isinstance(element, dict) and isinstance(element.get("id"), str):
                attributes = out.setdefault(location_key(element["id"]), {})
                _place_attributes(element.get("attributes"), attributes, prefixes)
    return out


def _place_attributes(raw: Any, into: dict[str, str], prefixes: Mapping[str, str]) -> None:
    for attribute in raw if isinstance(raw, list) else []:
        if not isinstance(attribute, dict) or not isinstance(attribute.get("id"), str):
            continue
        iri = _expand(attribute["id"], prefixes) or ""
        field = name_in(MDA_NS, iri) or name_in(EXTENSION_NS, iri)
        value = attribute.get("attribute")
        if field in PLACE_FIELDS and isinstance(value, str) and value.strip():
            into.setdefault(field, value.strip())


# --- JSON-LD prefixes --------------------------------------------------------------------------------


def _prefixes(context: Any) -> dict[str, str]:
    """Prefix → IRI from the document's inline ``@context`` objects, over the EPCIS context's own."""
    prefixes = dict(EPCIS_PREFIXES)
    for entry in context if isinstance(context, list) else [context]:
        if isinstance(entry, dict):
            for name, value in entry.items():
                if isinstance(value, str) and not name.startswith("@") and ":" in value:
                    prefixes[name] = value
    return prefixes


def _expand(value: str | None, prefixes: Mapping[str, str]) -> str | None:
    """A compact IRI ``prefix:rest`` → the full IRI when ``prefix`` is defined; else ``value``."""
    if value is None or ":" not in value:
        return value
    prefix, rest = value.split(":", 1)
    if rest.startswith("//") or prefix not in prefixes:
        return value
    return prefixes[prefix] + rest


# --- typed access --------------------------------------------------------------------------------------


def _object(value: Any, at: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise rejected(FORMAT, at, "expected an object")
    return value


def _str(parent: Mapping[str, Any], key: str, at: str) -> str | None:
    value = parent.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise rejected(FORMAT, f"{at}/{key}", "expected a string")
    return value.strip() or None


def _items(parent: Mapping[str, Any], key: str) -> list[Any]:
    value = parent.get(key)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _strings(parent: Mapping[str, Any], key: str, at: str) -> tuple[str, ...]:
    out = []
    for i, item in enumerate(_items(parent, key)):
        if not isinstance(item, str):
            raise rejected(FORMAT, f"{at}/{key}/{i}", "expected a string")
        if item.strip():
            out.append(item.strip())
    return tuple(out)


def _id_of(parent: Mapping[str, Any], key: str, at: str) -> str | None:
    value = parent.get(key)
    if value is None:
        return None
    return _str(_object(value, f"{at}/{key}"), "id", f"{at}/{key}")
