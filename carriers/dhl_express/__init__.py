"""DHL Express: the ``dhl-express`` adapter, reading MyDHL API JSON and XML-PI ``TrackingResponse``.

The two formats are told apart by content, not by a flag: a document whose first significant byte
is ``<`` is XML-PI (:mod:`carriers.dhl_express.xmlpi`), ``{`` is MyDHL JSON
(:mod:`carriers.dhl_express.mydhl`). Both share the checkpoint-code table (:mod:`.codes`), the
service-area reader (:mod:`.service_area`) and the carrier-neutral route rules
(:mod:`carriers._route`). The live client (:mod:`.client`) speaks MyDHL API.
"""

from __future__ import annotations

from importlib.util import find_spec
from typing import Final

from carriers._common import PlaceIndex, default_places, read_xml_or_json
from carriers.dhl_express.mydhl import parse_mydhl
from carriers.dhl_express.xmlpi import parse_xmlpi
from trace_verify.domain.documents import ParseResult


class DhlExpressAdapter:
    """Reads DHL Express MyDHL API JSON and XML-PI tracking responses, with their error bodies."""

    id: Final = "dhl-express"
    name: Final = "DHL Express – MyDHL API and XML-PI tracking"
    formats: Final = (
        "MyDHL API JSON (GET /shipments/{n}/tracking), problem JSON (404, 401, 429)",
        "XML-PI TrackingResponse / ShipmentTrackingErrorResponse (KnownTrackingRequest)",
    )
    live: Final = find_spec(f"{__name__}.client") is not None
    format_verified: Final = True
    format_note: Final = (
        "MyDHL: DHL's MyDHL API OpenAPI 3.1.1 and its example body (vendored by karrio); GMTOffset "
        "only when requested. XML-PI: karrio's captured TrackingResponse bodies and track-err-res.xsd; "
        "DHL retired XML-PI in favour of MyDHL, so it is read, not fetched. Checkpoint codes: DHL's Express "
        "status list. Condition code 101 for not-found is unverified (103 is captured)."
    )

    def __init__(self, places: PlaceIndex | None = None) -> None:
        """``places`` defaults to the shipped gazetteer, loaded on first parse (not at import)."""
        self._places = places

    def parse(self, data: bytes) -> ParseResult:
        """Parse one document of either format; raises DocumentRejected for anything else."""
        return read_xml_or_json(
            data,
            self._places or default_places(),
            xml=parse_xmlpi,
            json=parse_mydhl,
            neither="neither MyDHL JSON nor DHL XML-PI",
        )


ADAPTER: Final = DhlExpressAdapter()
