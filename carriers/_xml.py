"""The one XML parser of the project: every carrier or customs XML document goes through :func:`parse_xml`.

Why one parser: lxml's defaults changed across versions (``iterparse`` resolved external entities until
6.1, CVE-2026-41066), and with ``resolve_entities=False`` an XXE payload *parses successfully*, leaving
unresolved entity nodes behind. So the options are pinned here, a DOCTYPE that carries an external
identifier or declares anything is refused *before* libxml2 sees it, and the parsed tree is checked
again afterwards. Measurements behind each choice: shared/reference/reliability.md §2.

A bare ``<!DOCTYPE name>`` (the GS1 EPCIS examples have one) is harmless and accepted.

Error messages never echo the document or libxml2's own message: the latter names local files when an
entity points at one.
"""

from __future__ import annotations

import codecs
from typing import Any, Final

from lxml import etree

from trace_verify.domain.documents import DocumentRejected

MAX_XML_BYTES: Final = 16 * 1024 * 1024
"""Bytes refused before parsing: the cap is the control that works whatever libxml2 version is linked."""

# libxml2 error codes that mean "this document tries to exhaust or escape the parser".
_UNSAFE_ERROR_CODES: Final = frozenset(
    {
        etree.ErrorTypes.ERR_RESOURCE_LIMIT,  # depth, text node size, entity amplification
        etree.ErrorTypes.ERR_ENTITY_LOOP,
        etree.ErrorTypes.IO_NETWORK_ATTEMPT,
    }
)


class _ResolveNothing(etree.Resolver):
    """Answers every external lookup with an empty document.

    Measured on libxml2 2.14: even with ``load_dtd=False`` the parser asks the resolver chain for an
    external subset (``SYSTEM "file:///etc/passwd"``) and for parameter entities, and reads the file
    when nobody answers. The pre-parse DOCTYPE check normally refuses those documents first; this is
    the second lock on the same door.
    """

    def resolve(self, system_url: str, public_id: str, context: object = None) -> object:
        return self.resolve_string("", context, base_url=None)


def _new_parser() -> etree.XMLParser:
    """A parser per call: a shared one serialises concurrent parses behind lxml's context lock."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        huge_tree=False,  # keeps libxml2's depth (256) and text-node (10 MB) caps
        recover=False,  # recover mode silently alters evidence (cut depth, dropped bytes, partial trees)
        remove_pis=True,
        collect_ids=False,
    )
    parser.resolvers.add(_ResolveNothing())
    return parser


def parse_xml(data: bytes, *, max_bytes: int = MAX_XML_BYTES) -> etree._Element:
    """Parse an untrusted XML document into its root element, or raise :class:`DocumentRejected`.

    ``DOCUMENT_UNSAFE``: too large, a DOCTYPE with an external identifier or any declaration, or a
    document that hits libxml2's resource limits (nesting, text-node size). ``DOCUMENT_UNREADABLE``:
    not well-formed, truncated, invalid bytes for its encoding, or an encoding the project does not read.
    Pass bytes, never ``str``: the declared encoding must be honoured (UTF-16 with a BOM parses).
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("parse_xml takes the raw bytes of the document, not text")
    raw = bytes(data)
    if len(raw) > max_bytes:
        raise DocumentRejected("DOCUMENT_UNSAFE", f"XML document larger than {max_bytes} bytes")
    _refuse_declarations(_prolog_text(raw))
    try:
        root = etree.fromstring(raw, _new_parser())
    except etree.XMLSyntaxError as exc:
        raise _rejection_for(exc) from None
    _check_parsed_doctype(root)
    return root


def _rejection_for(exc: etree.XMLSyntaxError) -> DocumentRejected:
    """Map a libxml2 failure to a code, with a message that carries no document content."""
    line = exc.position[0] if exc.position else 0
    code: int = getattr(exc, "code", 0)
    if code in _UNSAFE_ERROR_CODES:
        return DocumentRejected("DOCUMENT_UNSAFE", f"XML document exceeds the parser's limits (line {line})")
    return DocumentRejected("DOCUMENT_UNREADABLE", f"XML document is not well-formed (line {line})")


def _prolog_text(raw: bytes) -> str:
    """Decode enough of the document to read its prolog, as libxml2 would detect the encoding.

    UTF-8 and UTF-16 (with or without BOM) are decoded; any other ASCII-compatible encoding (GBK,
    Shift_JIS, ISO-8859-x) is read as Latin-1, which keeps every ASCII markup character in place.
    UTF-32 and EBCDIC are refused: no carrier sends them, and the check below could not read them.
    """
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, b"\x4c\x6f\xa7\x94")):
        raise DocumentRejected("DOCUMENT_UNREADABLE", "XML document in an unsupported encoding")
    if raw.startswith(codecs.BOM_UTF16_LE):
        return raw[2:].decode("utf-16-le", errors="replace")
    if raw.startswith(codecs.BOM_UTF16_BE):
        return raw[2:].decode("utf-16-be", errors="replace")
    if raw.startswith((b"<\x00?\x00", b"<\x00!\x00")):
        return raw.decode("utf-16-le", errors="replace")
    if raw.startswith((b"\x00<\x00?", b"\x00<\x00!")):
        return raw.decode("utf-16-be", errors="replace")
    return raw.removeprefix(codecs.BOM_UTF8).decode("latin-1")


def _refuse_declarations(text: str) -> None:
    """Walk the prolog (XML declaration, comments, PIs, DOCTYPE) and refuse any DTD content."""
    pos = 0
    end = len(text)
    while True:
        pos = _skip_space(text, pos)
        if pos >= end:
            return
        if text.startswith("<?", pos):
            pos = _after(text, "?>", pos)
        elif text.startswith("<!--", pos):
            pos = _after(text, "-->", pos + 4)
        elif text.startswith("<!DOCTYPE", pos):
            _refuse_doctype_content(text, pos + len("<!DOCTYPE"))
            return
        else:
            return  # the root element (or garbage, which libxml2 will refuse)


def _refuse_doctype_content(text: str, pos: int) -> None:
    """After ``<!DOCTYPE``: accept only ``S Name S? >``."""
    pos = _skip_space(text, pos)
    start = pos
    while pos < len(text) and not text[pos].isspace() and text[pos] not in "[>":
        pos += 1
    if pos == start:
        raise DocumentRejected("DOCUMENT_UNREADABLE", "XML DOCTYPE without a name")
    pos = _skip_space(text, pos)
    if not text.startswith(">", pos):
        raise DocumentRejected(
            "DOCUMENT_UNSAFE", "XML DOCTYPE with an external DTD or an internal subset is not accepted"
        )


def _check_parsed_doctype(root: etree._Element) -> None:
    """Second check, on what libxml2 built: no external identifier, no declared entity or element.

    lxml reports an ``internalDTD`` object even for a bare ``<!DOCTYPE name>`` and ``docinfo.doctype``
    looks bare while entities are declared, so the declarations themselves are inspected.
    """
    info = root.getroottree().docinfo
    if getattr(info, "system_url", None) or info.public_id:
        raise DocumentRejected("DOCUMENT_UNSAFE", "XML document names an external DTD")
    dtd: Any = info.internalDTD  # lxml-stubs lack the DTD iterators
    if dtd is not None and (any(True for _ in dtd.iterentities()) or any(True for _ in dtd.iterelements())):
        raise DocumentRejected("DOCUMENT_UNSAFE", "XML document declares entities or elements")


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _after(text: str, marker: str, pos: int) -> int:
    found = text.find(marker, pos)
    if found < 0:
        raise DocumentRejected("DOCUMENT_UNREADABLE", "XML document is not well-formed (unterminated prolog)")
    return found + len(marker)
