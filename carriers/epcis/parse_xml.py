"""The EPCIS 2.0 XML binding → :class:`~carriers.epcis.model.EpcisEvent` values.

Read through :func:`carriers._xml.parse_xml` only (a bare ``<!DOCTYPE project>``, as twelve
official examples carry, is accepted there). Element names follow ``XSD/EPCglobal-epcis-2_0.xsd``
and ``EPCglobal-epcis-query-2_0.xsd`` (gs1/EPCIS): event fields are unqualified, user extensions
are elements in another namespace. Documents read:

* ``epcis:EPCISDocument`` — ``EPCISBody/EventList``; location master data from ``EPCISHeader``.
* ``epcisq:EPCISQueryDocument`` — ``EPCISBody/epcisq:QueryResults/resultsBody/EventList``, or one
  of the query exceptions (``epcisq:SecurityException``…), which is the service's error answer.
* ``epcismd:EPCISMasterDataDocument`` and ``epcis:EPCISCaptureJob`` — no events; a capture job that
  did not succeed is reported as an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from lxml import etree

from carriers._xml import parse_xml
from carriers._xmltree import local_name, namespace_of
from carriers.epcis.identifiers import location_key
from carriers.epcis.model import (
    EVENT_TYPES,
    EXTENSION_NS,
    MDA_NS,
    EpcisEvent,
    ErrorDeclaration,
    MasterData,
    name_in,
    namespace_matches,
)
from carriers.epcis.normalize import PLACE_FIELDS, rejected
from trace_verify.domain.documents import CarrierErrorCode, CarrierMessage

FORMAT: Final = "EPCIS XML"
EPCIS_NS: Final = "urn:epcglobal:epcis:xsd:2"
QUERY_NS: Final = "urn:epcglobal:epcis-query:xsd:2"
MASTERDATA_NS: Final = "urn:epcglobal:epcis-masterdata:xsd:2"
_EPCIS_1_NAMESPACES: Final = ("urn:epcglobal:epcis:xsd:1", "urn:epcglobal:epcis-query:xsd:1")
#: Master-data vocabularies that describe places (CBV: BusinessLocation, ReadPoint; ``Location`` in use).
LOCATION_VOCABULARIES: Final = frozenset(
    {
        "urn:epcglobal:epcis:vtype:BusinessLocation",
        "urn:epcglobal:epcis:vtype:ReadPoint",
        "urn:epcglobal:epcis:vtype:Location",
    }
)
MAX_MESSAGE: Final = 300

Read = tuple[list[EpcisEvent], MasterData, list[CarrierMessage]]


def read(data: bytes) -> Read:
    """Events, location master data and service errors of one EPCIS XML document."""
    root = parse_xml(data)
    name = etree.QName(root)
    if name.namespace in _EPCIS_1_NAMESPACES:
        raise rejected(FORMAT, "/", "EPCIS 1.x documents are not read (EPCIS 2.0 only)")
    if (name.namespace, name.localname) == (EPCIS_NS, "EPCISDocument"):
        body = _child(root, "EPCISBody")
        events = _events(_child(body, "EventList")) if body is not None else []
        return events, _master_data(root), []
    if (name.namespace, name.localname) == (QUERY_NS, "EPCISQueryDocument"):
        return _query_document(root)
    if (name.namespace, name.localname) == (MASTERDATA_NS, "EPCISMasterDataDocument"):
        return [], {}, []
    if (name.namespace, name.localname) == (EPCIS_NS, "EPCISCaptureJob"):
        return [], {}, _capture_job(root)
    raise rejected(FORMAT, "/", "root element is not an EPCIS 2.0 document")


def _query_document(root: etree._Element) -> Read:
    body = _child(root, "EPCISBody")
    if body is None:
        raise rejected(FORMAT, "/EPCISBody", "query document without a body")
    for child in _elements(body):
        name = etree.QName(child)
        if name.namespace != QUERY_NS:
            continue
        if name.localname == "QueryResults":
            results = _child(child, "resultsBody")
            events = _events(_child(results, "EventList")) if results is not None else []
            return events, _master_data(root), []
        if name.localname.endswith("Exception"):
            return [], {}, [_query_exception(name.localname, child)]
    raise rejected(FORMAT, "/EPCISBody", "query document holds neither results nor an exception")


def _query_exception(kind: str, element: etree._Element) -> CarrierMessage:
    """EPCIS query exceptions (query XSD): a SecurityException is ``unauthorized``, the rest errors."""
    reason = _text(element, "reason")
    message = f"{kind}: {reason}" if reason else kind
    code: CarrierErrorCode = "unauthorized" if kind == "SecurityException" else "carrier_error"
    return CarrierMessage(code=code, tracking_number=None, message=message[:MAX_MESSAGE])


def _capture_job(root: etree._Element) -> list[CarrierMessage]:
    """A capture job that ended without success names what failed (RFC 7807 ``error`` elements)."""
    if root.get("success") != "false" or root.get("running") == "true":
        return []  # succeeded, or still running (success stays false until it finishes)
    details = []
    errors = _child(root, "errors")
    for error in _elements(errors) if errors is not None else ():
        text = _text(error, "detail") or _text(error, "title") or _text(error, "type")
        if text:
            details.append(text)
    message = "EPCIS capture job failed" + (f": {'; '.join(details)}" if details else "")
    return [CarrierMessage(code="carrier_error", tracking_number=None, message=message[:MAX_MESSAGE])]


# --- events ----------------------------------------------------------------------------------------


def _events(event_list: etree._Element | None) -> list[EpcisEvent]:
    if event_list is None:
        return []
    return [_event(element, i) for i, element in enumerate(_event_elements(event_list))]


def _event_elements(event_list: etree._Element) -> Iterator[etree._Element]:
    """The five event types; a 1.x-style ``extension`` wrapper is opened; other namespaces skipped.

    An unqualified element that is no event is refused: a misspelt event must not vanish.
    """
    for child in _elements(event_list):
        if namespace_of(child):
            continue  # xsd:any ##other: a vendor's element, not an EPCIS event
        name = local_name(child)
        if name in EVENT_TYPES:
            yield child
        elif name == "extension":
            yield from _event_elements(child)
        else:
            raise rejected(FORMAT, "EventList", "element that is no EPCIS event type")


def _event(element: etree._Element, index: int) -> EpcisEvent:
    fields, qualified = _children(element)
    event_time = _stripped(fields.get("eventTime"))
    if event_time is None:
        raise rejected(FORMAT, f"event {index}", "event without eventTime")
    error = fields.get("errorDeclaration")
    return EpcisEvent(
        kind=local_name(element),
        index=index,
        event_time=event_time,
        time_zone_offset=_stripped(fields.get("eventTimeZoneOffset")),
        event_id=_stripped(fields.get("eventID")),
        action=_stripped(fields.get("action")),
        biz_step=_stripped(fields.get("bizStep")),
        disposition=_stripped(fields.get("disposition")),
        read_point=_id_in(fields.get("readPoint")),
        biz_location=_id_in(fields.get("bizLocation")),
        biz_transactions=_biz_transactions(fields.get("bizTransactionList")),
        parent_id=_stripped(fields.get("parentID")),
        epcs=_items(fields.get("epcList"), "epc") + _items(fields.get("childEPCs"), "epc"),
        output_epcs=_items(fields.get("outputEPCList"), "epc"),
        input_epcs=_items(fields.get("inputEPCList"), "epc"),
        quantity_classes=tuple(
            c
            for name in ("quantityList", "childQuantityList", "outputQuantityList")
            for c in _classes(fields.get(name))
        ),
        input_quantity_classes=_classes(fields.get("inputQuantityList")),
        error_declaration=_error_declaration(error) if error is not None else None,
        extension=_extension(qualified),
    )


def _children(element: etree._Element) -> tuple[dict[str, etree._Element], list[etree._Element]]:
    """One pass over an event's children: the first unqualified child of each tag, and the qualified
    ones (extensions). An event has ~20 fields; looking each up by scanning the children was most of
    the EPCIS XML parse."""
    fields: dict[str, etree._Element] = {}
    qualified: list[etree._Element] = []
    for child in element:
        tag = child.tag
        if isinstance(tag, str):  # not a comment or processing instruction
            if tag.startswith("{"):
                qualified.append(child)
            elif tag not in fields:
                fields[tag] = child
    return fields, qualified


def _biz_transactions(holder: etree._Element | None) -> tuple[tuple[str | None, str], ...]:
    if holder is None:
        return ()
    return tuple(
        (item.get("type"), (item.text or "").strip())
        for item in _elements(holder)
        if local_name(item) == "bizTransaction"
    )


def _classes(holder: etree._Element | None) -> tuple[str, ...]:
    if holder is None:
        return ()
    found = (_text(q, "epcClass") for q in _elements(holder) if q.tag == "quantityElement")
    return tuple(c for c in found if c)


def _error_declaration(element: etree._Element) -> ErrorDeclaration:
    return ErrorDeclaration(
        reason=_text(element, "reason"),
        corrective_event_ids=_list(element, "correctiveEventIDs", "correctiveEventID"),
    )


def _extension(qualified: list[etree._Element]) -> dict[str, str]:
    """The project's extension fields (``tv:countryCode``…), qualified direct children of the event."""
    out: dict[str, str] = {}
    for child in qualified:
        name = local_name(child)
        if name in PLACE_FIELDS and namespace_matches(EXTENSION_NS, namespace_of(child)):
            out.setdefault(name, (child.text or "").strip())
    return out


# --- master data -------------------------------------------------------------------------------------


def _master_data(root: etree._Element) -> dict[str, dict[str, str]]:
    """Place attributes of location vocabulary elements in ``EPCISHeader`` (any depth below it)."""
    header = _child(root, "EPCISHeader")
    out: dict[str, dict[str, str]] = {}
    if header is None:
        return out
    for vocabulary in header.iter("Vocabulary"):
        if vocabulary.get("type") not in LOCATION_VOCABULARIES:
            continue
        for element in vocabulary.iter("VocabularyElement"):
            identifier = element.get("id")
            if not identifier:
                continue
            attributes = out.setdefault(location_key(identifier), {})
            for attribute in element.iter("attribute"):
                field = _place_attribute(attribute.get("id") or "")
                if field is not None and attribute.text and attribute.text.strip():
                    attributes.setdefault(field, attribute.text.strip())
    return out


def _place_attribute(iri: str) -> str | None:
    field = name_in(MDA_NS, iri) or name_in(EXTENSION_NS, iri)
    return field if field in PLACE_FIELDS else None


# --- element access ----------------------------------------------------------------------------------


def _elements(parent: etree._Element) -> Iterator[etree._Element]:
    """Child elements, without comments and processing instructions."""
    return (child for child in parent if isinstance(child.tag, str))


def _child(parent: etree._Element, name: str) -> etree._Element | None:
    """The first unqualified child called ``name`` (lxml's tag filter: no namespace, no comments)."""
    return next(parent.iterchildren(name), None)


def _text(parent: etree._Element, name: str) -> str | None:
    return _stripped(_child(parent, name))


def _stripped(child: etree._Element | None) -> str | None:
    if child is None or child.text is None:
        return None
    return child.text.strip() or None


def _id_in(child: etree._Element | None) -> str | None:
    return _text(child, "id") if child is not None else None


def _list(parent: etree._Element, list_name: str, item: str) -> tuple[str, ...]:
    return _items(_child(parent, list_name), item)


def _items(holder: etree._Element | None, item: str) -> tuple[str, ...]:
    if holder is None:
        return ()
    texts = ((c.text or "").strip() for c in _elements(holder) if c.tag == item)
    return tuple(t for t in texts if t)
