"""Canada Post VIS tracking (XML, HTTP Basic): the ``canadapost`` adapter.

``ADAPTER`` is the only name the registry needs; :mod:`carriers.canadapost.parse` reads,
:mod:`carriers.canadapost.codes` holds the event table, ``carriers.canadapost.client`` fetches.
"""

from __future__ import annotations

from importlib.util import find_spec
from typing import Final

from carriers._common import PlaceIndex, default_places
from carriers.canadapost.parse import parse_document
from trace_verify.domain.documents import ParseResult


class CanadaPostAdapter:
    """Reads ``tracking-detail`` documents and Canada Post ``messages`` error bodies. Stateless."""

    id: Final = "canadapost"
    name: Final = "Canada Post – Tracking (VIS)"
    formats: Final = (
        "Canada Post tracking-detail XML (track-v2, GET /vis/track/pin/{pin}/detail)",
        "Canada Post messages XML (errors)",
    )
    live: Final = find_spec(f"{__name__}.client") is not None
    format_verified: Final = True
    format_note: Final = (
        "Element names from Canada Post's published track XSD (Tracking REST schema; fixtures validate "
        "against it with the track-v2 namespace) and messages XSD. Event codes from Canada Post's code "
        "table as transcribed in public code. The zone labels of foreign events are not documented."
    )

    def __init__(self, places: PlaceIndex | None = None) -> None:
        """``places`` defaults to the shipped gazetteer, loaded on first parse."""
        self._places = places

    def parse(self, data: bytes) -> ParseResult:
        """Parse one response body; raises DocumentRejected for anything that is not one."""
        return parse_document(data, self._places or default_places())


ADAPTER: Final = CanadaPostAdapter()
