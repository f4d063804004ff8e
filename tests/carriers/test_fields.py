"""carriers._fields: typed JSON field access and each carrier option."""

from __future__ import annotations

import pytest

from carriers._fields import JsonFields
from trace_verify.domain.documents import DocumentRejected

STRICT = JsonFields("Acme JSON")
LENIENT = JsonFields("Acme JSON", strip=True, numbers=True, empty_lists=True)


def test_rejections_name_the_format_and_the_pointer() -> None:
    with pytest.raises(DocumentRejected) as caught:
        STRICT.obj([], "")
    assert (caught.value.code, caught.value.message) == (
        "DOCUMENT_UNREADABLE",
        "Acme JSON: /: expected an object",
    )
    with pytest.raises(DocumentRejected, match="Acme JSON: /a/b: expected an array"):
        STRICT.array({"b": {}}, "b", "/a")
    with pytest.raises(DocumentRejected, match="/a/s: expected a string"):
        STRICT.text({"s": 7}, "s", "/a")


def test_strict_reads() -> None:
    assert STRICT.obj({"a": 1}, "") == {"a": 1}
    assert STRICT.text({"s": "  x "}, "s", "") == "  x "
    assert STRICT.text({"s": None}, "s", "") is None and STRICT.text({}, "s", "") is None
    with pytest.raises(DocumentRejected):
        STRICT.array({}, "events", "")


def test_lenient_reads() -> None:
    assert LENIENT.text({"s": "  x "}, "s", "") == "x"
    assert LENIENT.text({"s": "   "}, "s", "") is None
    assert LENIENT.text({"code": 404}, "code", "") == "404"
    with pytest.raises(DocumentRejected):
        LENIENT.text({"flag": True}, "flag", "")  # a boolean is never a number here
    assert LENIENT.array({}, "events", "") == [] and LENIENT.array({"events": None}, "events", "") == []
    with pytest.raises(DocumentRejected):
        LENIENT.array({"events": {}}, "events", "")
