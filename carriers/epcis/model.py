"""What one EPCIS event says, read out of XML or JSON-LD into one shape.

The two readers (:mod:`carriers.epcis.parse_xml`, :mod:`carriers.epcis.parse_jsonld`) only *read*:
they copy the fields the verifier needs into an :class:`EpcisEvent`, with vocabulary values as
full IRIs (or the bare CBV words JSON-LD allows). Everything that *interprets* (time, milestone,
tracking number, place) happens once, in :mod:`carriers.epcis.normalize`, so that the same event
written in XML and in JSON-LD becomes the same normalized event.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from trace_verify.domain.model import value_object

EVENT_TYPES: Final = (
    "ObjectEvent",
    "AggregationEvent",
    "TransactionEvent",
    "TransformationEvent",
    "AssociationEvent",
)


@dataclass(frozen=True, slots=True)
class ErrorDeclaration:
    """An ``errorDeclaration``: the event as first captured was wrong (CBV error reasons)."""

    reason: str | None
    corrective_event_ids: tuple[str, ...] = ()


@value_object  # frozen to mypy; a plain slots class at run time (built per event)
class EpcisEvent:
    """One EPCIS event, format-neutral. Lists keep document order; absent fields are None or empty."""

    kind: str
    index: int
    event_time: str
    time_zone_offset: str | None
    event_id: str | None = None
    action: str | None = None
    biz_step: str | None = None
    disposition: str | None = None
    read_point: str | None = None
    biz_location: str | None = None
    #: ``(type, value)`` per ``bizTransaction``; the type may be absent.
    biz_transactions: tuple[tuple[str | None, str], ...] = ()
    parent_id: str | None = None
    #: ``epcList`` (Object/Transaction) and ``childEPCs`` (Aggregation/Association), in that order.
    epcs: tuple[str, ...] = ()
    output_epcs: tuple[str, ...] = ()
    input_epcs: tuple[str, ...] = ()
    #: ``epcClass`` of quantity elements: quantityList, childQuantityList, outputQuantityList.
    quantity_classes: tuple[str, ...] = ()
    input_quantity_classes: tuple[str, ...] = ()
    error_declaration: ErrorDeclaration | None = None
    #: Extension fields in the project's namespace (``urn:trace-verify:epcis:``), by local name.
    extension: Mapping[str, str] = field(default_factory=dict)


#: Location master data from the document header: location identifier → attribute local name → value.
#: Attribute names are the CBV master-data names without their namespace (``countryCode``, ``city``…).
MasterData = Mapping[str, Mapping[str, str]]

#: Namespace of the project's EPCIS extension fields (place of an event: ``countryCode``, ``city``,
#: ``state``, ``postalCode``, ``locode``). XML: ``xmlns:tv="urn:trace-verify:epcis:"``; JSON-LD:
#: ``"@context": [..., {"tv": "urn:trace-verify:epcis:"}]`` and ``"tv:countryCode": "CN"``.
EXTENSION_NS: Final = "urn:trace-verify:epcis"
#: CBV location master-data attributes: ``urn:epcglobal:cbv:mda:countryCode`` (CBV 2.0, the
#: ``cbvmda:`` prefix of the JSON-LD context) or ``urn:epcglobal:cbv:mda#countryCode`` (CBV 1.x).
MDA_NS: Final = "urn:epcglobal:cbv:mda"
_SEPARATORS: Final = ":/#"


def name_in(namespace: str, iri: str) -> str | None:
    """The local name of ``iri`` in ``namespace`` (any of ``:``, ``/``, ``#`` between), else None.

    GS1's own examples write one namespace with and without its last separator
    (``http://ns.example.com/epcis`` in XML, ``…/epcis/`` in JSON-LD), so both are the same here.
    """
    if not iri.startswith(namespace):
        return None
    rest = iri[len(namespace) :]
    if not rest or rest[0] not in _SEPARATORS:
        return None
    name = rest[1:]
    return name or None


def namespace_matches(namespace: str, xml_namespace: str | None) -> bool:
    """True when an XML element's namespace is ``namespace`` with or without a trailing separator."""
    return xml_namespace is not None and xml_namespace.rstrip(_SEPARATORS) == namespace
