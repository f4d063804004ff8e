"""UPS Track API v1 (OAuth2): the ``ups`` adapter.

``ADAPTER`` is the only name the registry needs; :mod:`carriers.ups.parse` does the reading,
:mod:`carriers.ups.codes` holds the code tables and :mod:`carriers._route` settles border milestones.
Fetching lives in ``carriers.ups.client``.
"""

from __future__ import annotations

from importlib.util import find_spec
from typing import Final

from carriers._common import PlaceIndex, default_places
from carriers.ups.parse import parse_document
from trace_verify.domain.documents import ParseResult


class UpsAdapter:
    """Reads UPS Track API responses (``trackResponse``) and UPS error bodies. Stateless."""

    id: Final = "ups"
    name: Final = "UPS Track API v1"
    formats: Final = (
        "UPS Track API JSON (GET /api/track/v1/details/{inquiryNumber})",
        "UPS error JSON ({response: {errors}}, and warning TW0001 in a 200)",
    )
    #: A client fetches live when ``carriers/ups/client.py`` exists (written alongside this adapter).
    live: Final = find_spec(f"{__name__}.client") is not None
    format_verified: Final = True
    format_note: Final = (
        "Field names and types from UPS's published OpenAPI Tracking.yaml (vendored by karrio at "
        "ee2d7406) and its code appendices; gmtTime as 'HH:MM:SS' and activity wording from a public "
        "capture of real responses; TW0001 not-found body verbatim from UPS-API/api-documentation#102. "
        "Which exception code UPS uses for each customs step is from the appendix, not seen live."
    )

    def __init__(self, places: PlaceIndex | None = None) -> None:
        """``places`` defaults to the shipped gazetteer, loaded on first parse (not at import)."""
        self._places = places

    def parse(self, data: bytes) -> ParseResult:
        """Parse one response body; raises DocumentRejected for anything that is not one."""
        return parse_document(data, self._places or default_places())


ADAPTER: Final = UpsAdapter()
