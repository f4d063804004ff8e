"""GS1 EPCIS 2.0 event documents, XML and JSON-LD: the ``epcis`` adapter.

EPCIS documents are uploaded or pushed (a capture, a query subscription's callback), never fetched
here, so there is no client and ``live`` is False. ``SPEC`` is the only name the registry needs.
The two syntaxes are told apart by content: a document whose first significant byte is ``{`` is
JSON, anything else goes to the one XML parser (which refuses what is not XML).

Modules: :mod:`.parse_xml` and :mod:`.parse_jsonld` read, :mod:`.normalize` interprets,
:mod:`.vocabulary` maps CBV terms (and the project's customs terms) to milestones,
:mod:`.identifiers` reads GS1 keys. README.md in this folder shows how to write the project terms.
"""

from __future__ import annotations

import codecs
from typing import Final

from carriers._common import PlaceIndex
from carriers.base import MAX_DOCUMENT_BYTES
from carriers.epcis import parse_jsonld, parse_xml
from carriers.epcis.normalize import to_result
from carriers.spec import CarrierSpec, Numbers
from trace_verify.domain.documents import DocumentRejected, ParseResult

_JSON_START: Final = (b"{", b"[")


def _looks_like_json(data: bytes) -> bool:
    """True when the first byte after a UTF-8 BOM and whitespace opens a JSON object or array."""
    head = data[:4096].removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n")
    return head.startswith(_JSON_START)


def _read(data: bytes, places: PlaceIndex) -> ParseResult:
    """Parse one EPCIS document; raises DocumentRejected for anything that is not one."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentRejected("DOCUMENT_UNSAFE", f"EPCIS document larger than {MAX_DOCUMENT_BYTES} bytes")
    if _looks_like_json(data):
        events, master, errors = parse_jsonld.read(data)
        what = parse_jsonld.FORMAT
    else:
        events, master, errors = parse_xml.read(data)
        what = parse_xml.FORMAT
    return to_result(events, master, errors, places, what)


SPEC: Final = CarrierSpec(
    id="epcis",
    name="GS1 EPCIS 2.0 (events pushed or uploaded)",
    formats=(
        "EPCIS 2.0 XML (EPCISDocument, EPCISQueryDocument, query exceptions, capture job)",
        "EPCIS 2.0 JSON / JSON-LD (EPCISDocument, EPCISQueryDocument, capture job, RFC 7807 problem)",
    ),
    read=_read,
    format_note=(
        "GS1 EPCIS 2.0 / CBV 2.0 (gs1/EPCIS 2b888be: XSD, JSON Schema, JSON-LD contexts, 131 official "
        "examples, all read). CBV has no customs step: customs milestones use the project's own "
        "terms urn:trace-verify:cbv:bizstep:* / urn:trace-verify:cbv:disp:* (carriers/epcis/README.md)."
    ),
    numbers=Numbers(aggregator=True),
)
