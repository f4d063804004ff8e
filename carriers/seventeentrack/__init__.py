"""17TRACK tracking API v2.2 and its webhook: the ``17track`` adapter (package ``seventeentrack``).

``ADAPTER`` is what the registry needs; :mod:`.parse` reads documents, :mod:`.codes` holds the status
tables, :mod:`.push` checks a webhook's signature, :mod:`.client` fetches.
"""

from __future__ import annotations

from importlib.util import find_spec
from typing import Final

from carriers._common import PlaceIndex, default_places
from carriers.seventeentrack.parse import parse_document
from carriers.seventeentrack.push import verify_push
from trace_verify.domain.documents import ParseResult

__all__ = ["ADAPTER", "SeventeenTrackAdapter", "verify_push"]


class SeventeenTrackAdapter:
    """Reads 17TRACK gettrackinfo answers, refusals and webhook pushes. Stateless."""

    id: Final = "17track"
    name: Final = "17TRACK tracking API v2.2 and webhook"
    formats: Final = (
        "17TRACK v2.2 JSON (POST /track/v2.2/gettrackinfo, accepted and rejected)",
        "17TRACK webhook push JSON (TRACKING_UPDATED, TRACKING_STOPPED)",
    )
    live: Final = find_spec(f"{__name__}.client") is not None
    format_verified: Final = True
    format_note: Final = (
        "Field names from 17TRACK's published v2.2 documentation as reproduced by public clients and its "
        "webhook example; statuses from 17TRACK's help centre. Per-event sub_status and time_raw (v2.2 "
        "additions), error codes beyond -18019902 and 17TRACK carrier keys in fixtures are unverified."
    )

    def __init__(self, places: PlaceIndex | None = None) -> None:
        self._places = places

    def parse(self, data: bytes) -> ParseResult:
        """Parse one document; raises DocumentRejected for anything that is not one."""
        return parse_document(data, self._places or default_places())


ADAPTER: Final = SeventeenTrackAdapter()
