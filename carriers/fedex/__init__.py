"""FedEx Track API v1 (OAuth2): the ``fedex`` adapter.

``ADAPTER`` is the only name the registry needs; :mod:`carriers.fedex.parse` does the reading and
:mod:`carriers.fedex.codes` holds the code tables; border milestones are settled by the carrier-neutral
:mod:`carriers._route`. Fetching lives in ``carriers.fedex.client``.
"""

from __future__ import annotations

from importlib.util import find_spec
from typing import Final

from carriers._common import PlaceIndex, default_places
from carriers.fedex.parse import parse_document
from trace_verify.domain.documents import ParseResult


class FedexAdapter:
    """Reads FedEx Track API responses (``output.completeTrackResults``) and FedEx error bodies."""

    id: Final = "fedex"
    name: Final = "FedEx Track API v1"
    formats: Final = (
        "FedEx Track API JSON (POST /track/v1/trackingnumbers)",
        "FedEx error JSON (trackResults[].error in a 200; top-level errors[] for 401/403/429/5xx)",
    )
    #: A client fetches live when ``carriers/fedex/client.py`` exists (written alongside this adapter).
    live: Final = find_spec(f"{__name__}.client") is not None
    format_verified: Final = True
    format_note: Final = (
        "Field names and types from FedEx's published OpenAPI track.json (vendored by karrio at ee2d7406) "
        "and its Tracking Status Codes page; empty-string fields, derivedStatusCode values and "
        "possessionStatus from a public capture of a real response. The 429 body's error code is "
        "unverified (FedEx documents only the message)."
    )

    def __init__(self, places: PlaceIndex | None = None) -> None:
        """``places`` defaults to the shipped gazetteer, loaded on first parse (not at import)."""
        self._places = places

    def parse(self, data: bytes) -> ParseResult:
        """Parse one response body; raises DocumentRejected for anything that is not one."""
        return parse_document(data, self._places or default_places())


ADAPTER: Final = FedexAdapter()
