"""DHL Shipment Tracking – Unified API: the ``dhl`` adapter.

``ADAPTER`` is the only name the registry needs; :mod:`carriers.dhl.parse` does the reading and
:mod:`carriers.dhl.codes` holds the status table. Fetching lives in ``carriers.dhl.client``.
"""

from __future__ import annotations

from importlib.util import find_spec
from typing import Final

from carriers._common import PlaceIndex, default_places
from carriers.dhl.parse import parse_document
from trace_verify.domain.documents import ParseResult


class DhlAdapter:
    """Reads DHL Unified JSON responses and DHL's RFC 7807 error bodies. Stateless."""

    id: Final = "dhl"
    name: Final = "DHL Shipment Tracking – Unified API"
    formats: Final = ("DHL Unified JSON (GET /track/shipments)", "RFC 7807 problem JSON (404, 401, 429)")
    #: A client fetches live when ``carriers/dhl/client.py`` exists (written alongside this adapter).
    live: Final = find_spec(f"{__name__}.client") is not None
    format_verified: Final = True
    format_note: Final = (
        "Field names from DHL's published OpenAPI 1.3.1 (dpdhl_tracking-unified-api_1.3.1.yaml); "
        "event wording from public captures of real Express responses. Handover wording unverified."
    )

    def __init__(self, places: PlaceIndex | None = None) -> None:
        """``places`` defaults to the shipped gazetteer, loaded on first parse (not at import)."""
        self._places = places

    def parse(self, data: bytes) -> ParseResult:
        """Parse one response body; raises DocumentRejected for anything that is not one."""
        return parse_document(data, self._places or default_places())


ADAPTER: Final = DhlAdapter()
