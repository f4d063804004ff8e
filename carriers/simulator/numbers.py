"""Where a request carries its tracking number: the number sources a :class:`RouteSpec` names.

``query:<param>``, ``path:<var>``, ``form:<field>``, ``json:<JSON pointer>`` (the body), and three for
numbers nested in another format:

* ``form-json:<field>:<JSON pointer>``: a form field holding JSON — Kuaidi100's ``param``
  (``form-json:param:/num``), SF's ``msgData`` (``form-json:msgData:/trackingNumber/0``);
* ``query-xml:<param>:<path>``: a query parameter holding XML — USPS Web Tools ``API=TrackV2&XML=
  <TrackRequest USERID="…"><TrackID ID="…"/></TrackRequest>`` (``query-xml:XML:TrackID@ID``);
* ``body-xml:<path>``: an XML request body — DHL XML-PI ``KnownTrackingRequest`` (``body-xml:AWBNumber``).

An XML ``<path>`` is child element local names below the document element, ``/``-separated, with an
optional ``@attribute`` at the end; namespaces are ignored. XML is read through
:func:`carriers._xml.parse_xml` like any untrusted document.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from lxml import etree
from werkzeug.wrappers import Request

from carriers._xml import parse_xml
from trace_verify.domain.documents import DocumentRejected


def tracking_number(request: Request, number_from: str, args: Mapping[str, str]) -> str | None:
    """The number the request asks for, or None when the named place does not hold one."""
    source, _, name = number_from.partition(":")
    if source == "query":
        return request.args.get(name)
    if source == "path":
        return args.get(name)
    if source == "form":
        return request.form.get(name)
    if source == "json":
        return json_pointer(request.get_json(silent=True), name)
    if source == "form-json":
        field, _, pointer = name.partition(":")
        return json_pointer(_loads(request.form.get(field)), pointer)
    if source == "query-xml":
        param, _, path = name.partition(":")
        text = request.args.get(param)
        return xml_path(text.encode("utf-8"), path) if text else None
    if source == "body-xml":
        return xml_path(request.get_data(), name)
    raise ValueError(f"unknown number source {number_from!r}")


def json_pointer(doc: Any, pointer: str) -> str | None:
    """The string at an RFC 6901 pointer (no escapes needed for the routes here); None elsewhere."""
    for part in filter(None, pointer.split("/")):
        if isinstance(doc, list) and part.isdigit() and int(part) < len(doc):
            doc = doc[int(part)]
        elif isinstance(doc, dict) and part in doc:
            doc = doc[part]
        else:
            return None
    return doc if isinstance(doc, str) else None


def xml_path(data: bytes, path: str) -> str | None:
    """The text (or ``@attribute``) at ``path`` below the document element; None when absent or not XML."""
    try:
        element = parse_xml(data)
    except DocumentRejected:
        return None
    steps, _, attribute = path.partition("@")
    for name in filter(None, steps.split("/")):
        child = next(
            (c for c in element if isinstance(c.tag, str) and etree.QName(c).localname == name), None
        )
        if child is None:
            return None
        element = child
    value = element.get(attribute) if attribute else element.text
    return value.strip() if value and value.strip() else None


def _loads(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None
