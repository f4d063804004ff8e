"""DHL Express: the ``dhl-express`` adapter, reading MyDHL API JSON and XML-PI ``TrackingResponse``.

The two formats are told apart by content, not by a flag: a document whose first significant byte
is ``<`` is XML-PI (:mod:`carriers.dhl_express.xmlpi`), ``{`` is MyDHL JSON
(:mod:`carriers.dhl_express.mydhl`). Both share the checkpoint-code table (:mod:`.codes`), the
service-area reader (:mod:`.service_area`) and the carrier-neutral route rules
(:mod:`carriers._route`). The live client (:mod:`.client`) speaks MyDHL API.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from carriers._common import PlaceIndex, read_xml_or_json
from carriers.dhl_express.mydhl import parse_mydhl
from carriers.dhl_express.xmlpi import parse_xmlpi
from carriers.spec import ByNumber, CarrierSpec, ClientSpec, Fetcher, Numbers
from trace_verify.domain.documents import ParseResult

if TYPE_CHECKING:
    from carriers._fetch.guards import GuardStore


def _read(data: bytes, places: PlaceIndex) -> ParseResult:
    """Parse one document of either format; raises DocumentRejected for anything else."""
    return read_xml_or_json(
        data,
        places,
        xml=parse_xmlpi,
        json=parse_mydhl,
        neither="neither MyDHL JSON nor DHL XML-PI",
    )


def _client(c: Mapping[str, str], guards: GuardStore) -> Fetcher:
    """The live client, built from its configuration (``requests`` is imported only now)."""
    from carriers.dhl_express.client import MYDHL_POLICY, MyDhlClient

    return ByNumber(
        MyDhlClient(c["base_url"], c["username"], c["password"], guards=guards.guards(MYDHL_POLICY))
    )


SPEC: Final = CarrierSpec(
    id="dhl-express",
    name="DHL Express – MyDHL API and XML-PI tracking",
    formats=(
        "MyDHL API JSON (GET /shipments/{n}/tracking), problem JSON (404, 401, 429)",
        "XML-PI TrackingResponse / ShipmentTrackingErrorResponse (KnownTrackingRequest)",
    ),
    read=_read,
    format_note=(
        "MyDHL: DHL's MyDHL API OpenAPI 3.1.1 and its example body (vendored by karrio); GMTOffset "
        "only when requested. XML-PI: karrio's captured TrackingResponse bodies and track-err-res.xsd; "
        "DHL retired XML-PI in favour of MyDHL, so it is read, not fetched. Checkpoint codes: DHL's Express "
        "status list. Condition code 101 for not-found is unverified (103 is captured)."
    ),
    client=ClientSpec(("base_url", "username", "password"), _client),
    simulator=f"{__name__}.sim_routes",
    numbers=Numbers(
        formats=(("dhl", frozenset({"dhl_express", "dhl_express_piece_id"})),),
        operator_names=("DHL Express",),
    ),
)
