"""Namespace-agnostic reads from a parsed XML tree (parse with :func:`carriers._xml.parse_xml`).

Carriers publish the same elements with and without a namespace (Canada Post's track-v2 and its
older track namespace, DHL's XML-PI responses with or without a prefix), so adapters match children
by local name. Why these helpers instead of ``etree.QName(child).localname``: building a QName per
child per lookup was 65% of a Canada Post parse; the local name is the tag's text after ``}``, and an
element whose fields are all read is indexed once (:func:`child_index`) instead of scanned per field.
Comments and processing instructions (whose ``tag`` is not a string) are never matched.
"""

from __future__ import annotations

from lxml import etree


def local_name(element: etree._Element) -> str:
    """The tag without its namespace: ``{ns}name`` → ``name`` (``""`` for a comment or PI)."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def namespace_of(element: etree._Element) -> str | None:
    """The tag's namespace URI; None when it has none (what ``etree.QName(element).namespace`` gives)."""
    tag = element.tag
    return tag[1:].partition("}")[0] if isinstance(tag, str) and tag.startswith("{") else None


def child_index(parent: etree._Element | None) -> dict[str, etree._Element]:
    """The first child element of each local name, in one pass over ``parent`` (empty for None)."""
    index: dict[str, etree._Element] = {}
    if parent is None:
        return index
    for child in parent:
        tag = child.tag
        if isinstance(tag, str):
            index.setdefault(tag.rpartition("}")[2], child)
    return index


def children_named(parent: etree._Element | None, name: str) -> list[etree._Element]:
    """Every child element whose local name is ``name``, in document order (empty for None)."""
    if parent is None:
        return []
    return [c for c in parent if isinstance(c.tag, str) and c.tag.rpartition("}")[2] == name]


def stripped_text(index: dict[str, etree._Element], name: str) -> str | None:
    """The stripped text of the indexed child ``name``; None when absent, empty or blank."""
    element = index.get(name)
    if element is None or element.text is None:
        return None
    return element.text.strip() or None
