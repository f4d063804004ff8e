"""USPS: the ``usps`` adapter, reading Tracking API v3 JSON and Web Tools TrackV2 XML.

The two formats are told apart by content: ``<`` first is TrackV2 XML (:mod:`carriers.usps.webtools`),
``{`` is v3 JSON (:mod:`carriers.usps.v3`). Both share the code table (:mod:`.codes`), the place reader
(:mod:`.places`) and the carrier-neutral route rules of :mod:`carriers._route`. The live client
(:mod:`.client`) speaks v3 with OAuth2.
"""

from __future__ import annotations

from importlib.util import find_spec
from typing import Final

from carriers._common import PlaceIndex, default_places, read_xml_or_json
from carriers.usps.v3 import parse_v3
from carriers.usps.webtools import parse_webtools
from trace_verify.domain.documents import ParseResult


class UspsAdapter:
    """Reads USPS Tracking API v3 JSON and Web Tools TrackV2 XML, with their error bodies."""

    id: Final = "usps"
    name: Final = "USPS – Tracking API v3 and Web Tools TrackV2"
    formats: Final = (
        "Tracking API v3 JSON (GET /tracking/v3/tracking/{n}?expand=DETAIL), ErrorMessage and OAuth errors",
        "Web Tools TrackV2 XML, Revision 1 (TrackResponse / Error)",
    )
    live: Final = find_spec(f"{__name__}.client") is not None
    format_verified: Final = True
    format_note: Final = (
        "v3: USPS Tracking OpenAPI 3.2.4 (vendored by karrio) and karrio's captured body; live bodies send "
        "null and string booleans. TrackV2: karrio-usps 2023.9.2 schema and captured Revision 1 bodies; "
        "read, not fetched (Web Tools is being retired). International (Pub 199 G-5) codes unverified: "
        "international events are read from their texts."
    )

    def __init__(self, places: PlaceIndex | None = None) -> None:
        """``places`` defaults to the shipped gazetteer, loaded on first parse (not at import)."""
        self._places = places

    def parse(self, data: bytes) -> ParseResult:
        """Parse one document of either format; raises DocumentRejected for anything else."""
        return read_xml_or_json(
            data,
            self._places or default_places(),
            xml=parse_webtools,
            json=parse_v3,
            neither="neither USPS v3 JSON nor Web Tools XML",
        )


ADAPTER: Final = UspsAdapter()
