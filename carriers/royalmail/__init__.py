"""Royal Mail Tracking API v2 (client id/secret headers): the ``royalmail`` adapter.

``ADAPTER`` is the only name the registry needs; :mod:`carriers.royalmail.parse` reads,
:mod:`carriers.royalmail.codes` holds the event table, ``carriers.royalmail.client`` fetches.
"""

from __future__ import annotations

from importlib.util import find_spec
from typing import Final

from carriers._common import PlaceIndex, default_places
from carriers.royalmail.parse import parse_document
from trace_verify.domain.documents import ParseResult


class RoyalMailAdapter:
    """Reads Tracking API v2 events/summary bodies and IBM API Connect error bodies. Stateless."""

    id: Final = "royalmail"
    name: Final = "Royal Mail – Tracking API v2"
    formats: Final = (
        "Royal Mail mailpieces JSON (GET /mailpieces/v2/{id}/events, /mailpieces/v2/summary)",
        "IBM API Connect error JSON (httpCode, errors[])",
    )
    live: Final = find_spec(f"{__name__}.client") is not None
    format_verified: Final = False
    format_note: Final = (
        "Royal Mail's developer portal (OpenAPI) could not be consulted; field names from public clients "
        "(karrio community plugin test body, elliotjreed/royal-mail-tracking). Of the international "
        "event codes only EVHOE, EVJIC, EVJIN are sourced; other foreign events are read from eventName."
    )

    def __init__(self, places: PlaceIndex | None = None) -> None:
        """``places`` defaults to the shipped gazetteer, loaded on first parse."""
        self._places = places

    def parse(self, data: bytes) -> ParseResult:
        """Parse one response body; raises DocumentRejected for anything that is not one."""
        return parse_document(data, self._places or default_places())


ADAPTER: Final = RoyalMailAdapter()
