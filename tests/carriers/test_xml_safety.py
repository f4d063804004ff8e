"""The hostile-XML battery (reliability.md §2, rows X1–X8) against the project's one XML parser."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from carriers import _xml
from carriers._xml import MAX_XML_BYTES, parse_xml
from trace_verify.domain.documents import DocumentRejected

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / "fixtures" / "xml" / "hostile"

UNSAFE = [
    "xxe_file_read.xml",
    "xxe_parameter_entity.xml",
    "pe_file_as_dtd.xml",
    "external_dtd.xml",
    "external_dtd_public.xml",
    "external_dtd_file.xml",
    "pe_http.xml",
    "ge_http.xml",
    "billion_laughs.xml",
    "quadratic_blowup.xml",
    "deep_nesting_100k.xml",
    "dtd_benign_internal_entity.xml",
    "dtd_attlist_only.xml",
    "dtd_notation_only.xml",
    "dtd_hidden_behind_comment.xml",
    "xxe_utf16.xml",
]
UNREADABLE = [
    "invalid_utf8.xml",
    "invalid_utf8_overlong.xml",
    "invalid_utf8_surrogate.xml",
    "truncated.xml",
]
CONTROLS = {
    "control_utf16_bom.xml": "已签收 delivered",
    "control_gbk_declared.xml": "已签收 delivered",
    "control_valid.xml": "delivered",
}
PASSWD_MARKERS = ("root:", "passwd", "/bin/", "nologin")


def _reject(data: bytes) -> tuple[DocumentRejected, float]:
    start = time.perf_counter()
    with pytest.raises(DocumentRejected) as caught:
        parse_xml(data)
    return caught.value, time.perf_counter() - start


def test_every_stored_document_is_classified() -> None:
    stored = {p.name for p in HOSTILE.glob("*.xml")}
    assert stored == set(UNSAFE) | set(UNREADABLE) | set(CONTROLS) | {
        "control_bare_doctype.xml",
        "xinclude_file_read.xml",
    }


@pytest.mark.parametrize("name", UNSAFE)
def test_hostile_documents_are_unsafe_fast_and_leak_nothing(name: str) -> None:
    error, elapsed = _reject((HOSTILE / name).read_bytes())
    assert error.code == "DOCUMENT_UNSAFE"
    assert elapsed < 1.0
    assert not any(marker in error.message for marker in PASSWD_MARKERS)


@pytest.mark.parametrize("name", UNREADABLE)
def test_malformed_documents_are_unreadable_never_repaired(name: str) -> None:
    error, elapsed = _reject((HOSTILE / name).read_bytes())
    assert error.code == "DOCUMENT_UNREADABLE"
    assert elapsed < 1.0


@pytest.mark.parametrize(("name", "status"), sorted(CONTROLS.items()))
def test_valid_documents_parse_with_their_declared_encoding(name: str, status: str) -> None:
    root = parse_xml((HOSTILE / name).read_bytes())
    assert root.findtext("status") == status


def test_a_bare_doctype_is_harmless() -> None:
    root = parse_xml((HOSTILE / "control_bare_doctype.xml").read_bytes())
    assert root.tag == "{urn:epcglobal:epcis:xsd:2}EPCISDocument"
    # lxml reports a DTD object even here, as it does for an entity-declaring doctype
    assert root.getroottree().docinfo.internalDTD is not None


def test_a_doctype_string_can_look_bare_while_declaring_entities() -> None:
    """Why the declarations are inspected: lxml's doctype string hides the internal subset."""
    data = (HOSTILE / "dtd_benign_internal_entity.xml").read_bytes()
    info: Any = etree.fromstring(data, _xml._new_parser()).getroottree().docinfo
    assert info.doctype == "<!DOCTYPE trackResponse>"
    assert _reject(data)[0].code == "DOCUMENT_UNSAFE"


@pytest.mark.parametrize(
    "name",
    ["xxe_file_read.xml", "pe_file_as_dtd.xml", "external_dtd_file.xml", "dtd_benign_internal_entity.xml"],
)
def test_the_post_parse_check_alone_still_refuses(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Second lock: with the pre-parse prolog check disabled, the parsed tree's DTD is still refused."""
    monkeypatch.setattr(_xml, "_refuse_declarations", lambda text: None)
    error, _ = _reject((HOSTILE / name).read_bytes())
    assert error.code == "DOCUMENT_UNSAFE"
    assert not any(marker in error.message for marker in PASSWD_MARKERS)


def test_the_resolver_never_reads_local_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Even with both DTD checks off, an external subset naming a file yields no file content."""
    monkeypatch.setattr(_xml, "_refuse_declarations", lambda text: None)
    monkeypatch.setattr(_xml, "_check_parsed_doctype", lambda root: None)
    root = parse_xml((HOSTILE / "xxe_file_read.xml").read_bytes())
    assert "root:" not in "".join(str(t) for t in root.itertext())
    root = parse_xml((HOSTILE / "external_dtd_file.xml").read_bytes())
    assert root.tag == "trackResponse"


def test_xinclude_stays_inert() -> None:
    root = parse_xml((HOSTILE / "xinclude_file_read.xml").read_bytes())
    assert "root:" not in "".join(str(t) for t in root.itertext())
    assert root[0].tag == "{http://www.w3.org/2001/XInclude}include"


def test_huge_text_node_is_unsafe() -> None:
    error, elapsed = _reject(b"<a>" + b"x" * 12_000_000 + b"</a>")
    assert error.code == "DOCUMENT_UNSAFE"
    assert elapsed < 1.0


def test_oversized_input_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_parse(*args: object) -> None:
        raise AssertionError("parsed a document over the byte cap")

    monkeypatch.setattr(etree, "fromstring", must_not_parse)
    error, elapsed = _reject(b"<a>" + b" " * MAX_XML_BYTES + b"</a>")
    assert error.code == "DOCUMENT_UNSAFE"
    assert elapsed < 0.5


@pytest.mark.parametrize(
    "data",
    [b"", b"   ", b"not xml", b"<a>&undeclared;</a>", b"<a>\x00</a>", b"\x00\x00\xfe\xff<\x00\x00\x00"],
)
def test_other_garbage_is_unreadable(data: bytes) -> None:
    assert _reject(data)[0].code == "DOCUMENT_UNREADABLE"


def test_text_is_refused_bytes_are_required() -> None:
    with pytest.raises(TypeError):
        parse_xml("<a/>")  # type: ignore[arg-type]


@pytest.fixture
def listener() -> Iterator[tuple[int, list[int]]]:
    """A TCP listener that counts connections (the SSRF target of row X3)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.05)
    seen: list[int] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            seen.append(1)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    stop.set()
    thread.join()
    server.close()


@pytest.mark.parametrize(
    "name", ["external_dtd.xml", "external_dtd_public.xml", "pe_http.xml", "ge_http.xml"]
)
def test_ssrf_documents_open_no_connection(name: str, listener: tuple[int, list[int]]) -> None:
    port, seen = listener
    data = (HOSTILE / name).read_bytes().replace(b"127.0.0.1:9/", b"127.0.0.1:%d/" % port)
    assert _reject(data)[0].code == "DOCUMENT_UNSAFE"
    time.sleep(0.1)
    assert seen == []


_MEMORY_PROBE = """
import json, resource, sys, time
from pathlib import Path
from carriers._xml import parse_xml
from trace_verify.domain.documents import DocumentRejected
docs = [Path(p).read_bytes() for p in sys.argv[1:]]
docs.append(b"<a>" + b"x" * 12_000_000 + b"</a>")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
worst = 0.0
for data in docs:
    start = time.perf_counter()
    try:
        parse_xml(data)
    except DocumentRejected:
        pass
    worst = max(worst, time.perf_counter() - start)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"growth_kib": after - before, "worst_s": worst}))
"""


def test_bombs_stay_in_bounded_memory() -> None:
    """Peak RSS (libxml2 allocations included, which tracemalloc cannot see) in a fresh interpreter."""
    paths = [str(HOSTILE / name) for name in UNSAFE + UNREADABLE]
    out = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE, *paths],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=60,
    )
    probe = json.loads(out.stdout)
    assert probe["growth_kib"] < 40 * 1024  # the generated 12 MB input is already resident before
    assert probe["worst_s"] < 1.0


_RAW_PARSE = re.compile(
    r"etree\.(fromstring|parse|XML|iterparse|XMLPullParser|XMLParser|ETCompatXMLParser)\b"
    r"|\b(iterparse|XMLParser|XMLPullParser)\s*\("
    r"|\bxml\.(etree|dom|sax)\b|\bminidom\b|\bexpatbuilder\b|\bpyexpat\b|\bdefusedxml\b"
    r"|\.xinclude\s*\(|recover\s*=\s*True|huge_tree\s*=\s*True|resolve_entities\s*=\s*True"
    r"|from\s+lxml(\.etree)?\s+import\s+.*\b(fromstring|parse|XML|iterparse|XMLParser)\b"
)


def test_no_xml_parse_bypasses_the_one_parser() -> None:
    offenders = []
    for package in ("trace_verify", "carriers"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "carriers" / "_xml.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if _RAW_PARSE.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == [], "parse XML only through carriers._xml.parse_xml:\n" + "\n".join(offenders)


def test_lxml_is_new_enough() -> None:
    """lxml < 6.1 let iterparse resolve external entities by default (CVE-2026-41066)."""
    major, minor = (int(part) for part in version("lxml").split(".")[:2])
    assert (major, minor) >= (6, 1)
