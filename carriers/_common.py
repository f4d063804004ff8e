"""Small pieces every adapter shares: the gazetteer port the parsers need, and content sniffing.

Kept apart from any one carrier so that no carrier package imports another (an import-linter
independence contract in pyproject.toml holds the carrier packages apart).
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Hashable
from functools import lru_cache
from typing import Final, Generic, Protocol, TypeVar

from carriers.base import MAX_DOCUMENT_BYTES
from trace_verify.domain.documents import CarrierErrorCode, DocumentRejected, ParseResult
from trace_verify.domain.places import Gazetteer, Place
from trace_verify.refdata import default_gazetteer


class PlaceIndex(Protocol):
    """The part of the gazetteer (``trace_verify.domain.places``) the parsers need."""

    def resolve(
        self, city: str | None, country: str | None = None, region: str | None = None
    ) -> Place | None:
        """The place called ``city`` in ``country``; None when unknown or ambiguous."""
        ...

    def country_code(self, text: str | None) -> str | None:
        """ISO alpha-2 for a carrier's country name or code."""
        ...

    def place(self, key: str) -> Place | None:
        """The place with a division key (GB/T 2260 ``CN-440300``), for carriers that send one."""
        ...


#: Most answers :class:`MemoPlaces` keeps per table; a hostile stream of names cannot grow it further.
_COUNTRY_MEMO_LIMIT: Final = 4096


class MemoPlaces:
    """The gazetteer with ``country_code`` and ``place`` memoised (``resolve`` memoises itself).

    Why: the gazetteer normalises the text (Unicode decomposition, a regex) on every ``country_code``
    call, and adapters ask for the same few country names and codes on every event of every document.
    The answers are the gazetteer's own, so memoising changes no output.
    """

    __slots__ = ("_by_key", "_codes", "_places")

    def __init__(self, places: Gazetteer) -> None:
        self._places = places
        self._codes: dict[str, str | None] = {}
        self._by_key: dict[str, Place | None] = {}

    def resolve(
        self, city: str | None, country: str | None = None, region: str | None = None
    ) -> Place | None:
        """The wrapped gazetteer's answer."""
        return self._places.resolve(city, country, region)

    def place(self, key: str) -> Place | None:
        """The wrapped gazetteer's place with this key (Kuaidi100's GB/T 2260 area codes), memoised."""
        try:
            return self._by_key[key]
        except KeyError:
            pass
        place = self._places.place(key)
        if len(self._by_key) >= _COUNTRY_MEMO_LIMIT:
            self._by_key.clear()
        self._by_key[key] = place
        return place

    def country_code(self, text: str | None) -> str | None:
        """The wrapped gazetteer's answer, memoised per text."""
        if not text:
            return None
        try:
            return self._codes[text]
        except KeyError:
            pass
        code = self._places.country_code(text)
        if len(self._codes) >= _COUNTRY_MEMO_LIMIT:
            self._codes.clear()
        self._codes[text] = code
        return code


_V = TypeVar("_V")


class PlaceMemo(Generic[_V]):
    """Answers an adapter derives from place names alone (a Location and its zone), memoised per gazetteer.

    Why: carriers name the same few facilities on every event of every document, and turning a name
    into a Location (splitting, suffix stripping, gazetteer look-ups) cost more than reading the event.
    The key is the place text exactly as read; the answers are those of one gazetteer (the last one
    asked: another starts afresh, so an injected test gazetteer never sees another's), kept with it
    in one tuple so that a thread never writes into another gazetteer's answers. Bounded: cleared
    when full. A hit is one attribute read and one dict look-up (it runs once per event).
    """

    __slots__ = ("_limit", "_state")

    def __init__(self, limit: int = 4096) -> None:
        self._state: tuple[object, dict[Hashable, _V]] = (None, {})
        self._limit = limit

    def get(self, places: object, key: Hashable, compute: Callable[[], _V]) -> _V:
        """The memoised answer for ``key`` from ``places``, computing it with ``compute`` the first time."""
        owner, answers = self._state
        if owner is not places:
            answers = {}
            self._state = (places, answers)
        try:
            return answers[key]
        except KeyError:
            pass
        value = compute()
        if len(answers) >= self._limit:
            answers.clear()
        answers[key] = value
        return value


@lru_cache(maxsize=1)
def default_places() -> MemoPlaces:
    """The shipped gazetteer with memoised country codes, loaded on first use (not at import)."""
    return MemoPlaces(default_gazetteer())


def first_significant_byte(data: bytes) -> bytes:
    """The first byte after a BOM and whitespace (``b""`` for an empty document); UTF-16 reads as ``<``.

    Adapters that read two formats (XML and JSON) tell them apart by this, not by a flag.
    """
    head = data[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"<\x00", b"\x00<")):
        return b"<"
    return head.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n")[:1]


def read_xml_or_json(
    data: bytes,
    places: PlaceIndex,
    *,
    xml: Callable[[bytes, PlaceIndex], ParseResult],
    json: Callable[[bytes, PlaceIndex], ParseResult],
    neither: str,
) -> ParseResult:
    """Parse a document of a carrier that speaks both XML and JSON, telling them apart by content.

    Refuses an oversized document before looking at it (``DOCUMENT_UNSAFE``) and one that is neither
    (``DOCUMENT_UNREADABLE`` with ``neither`` as the message).
    """
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentRejected("DOCUMENT_UNSAFE", f"larger than {MAX_DOCUMENT_BYTES} bytes")
    first = first_significant_byte(data)
    if first == b"<":
        return xml(data, places)
    if first in (b"{", b"["):
        return json(data, places)
    raise DocumentRejected("DOCUMENT_UNREADABLE", neither)


def status_error(status: int | str | None) -> CarrierErrorCode:
    """The carrier error an HTTP status names (as a number or the digits a body carries it in).

    404 is not found, 401 and 403 a refused credential, 429 rate limited; anything else, or no status,
    is a carrier error. Adapters whose error bodies say more (a carrier's own not-found code) test
    that first and fall back to this.
    """
    code = int(status) if isinstance(status, str) and status.isdigit() else status
    if code == 404:
        return "not_found"
    if code in (401, 403):
        return "unauthorized"
    if code == 429:
        return "rate_limited"
    return "carrier_error"
