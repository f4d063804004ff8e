"""USPS: the ``usps`` adapter, reading Tracking API v3 JSON and Web Tools TrackV2 XML.

The two formats are told apart by content: ``<`` first is TrackV2 XML (:mod:`carriers.usps.webtools`),
``{`` is v3 JSON (:mod:`carriers.usps.v3`). Both share the code table (:mod:`.codes`), the place reader
(:mod:`.places`) and the carrier-neutral route rules of :mod:`carriers._route`. The live client
(:mod:`.client`) speaks v3 with OAuth2.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from carriers._common import PlaceIndex, read_xml_or_json
from carriers.spec import ByNumber, CarrierSpec, ClientSpec, Fetcher, Numbers
from carriers.usps.v3 import parse_v3
from carriers.usps.webtools import parse_webtools
from trace_verify.domain.documents import ParseResult

if TYPE_CHECKING:
    from carriers._fetch.guards import GuardStore


def _read(data: bytes, places: PlaceIndex) -> ParseResult:
    """Parse one document of either format; raises DocumentRejected for anything else."""
    return read_xml_or_json(
        data,
        places,
        xml=parse_webtools,
        json=parse_v3,
        neither="neither USPS v3 JSON nor Web Tools XML",
    )


def _client(c: Mapping[str, str], guards: GuardStore) -> Fetcher:
    """The live client, built from its configuration (``requests`` is imported only now)."""
    from carriers.usps.client import USPS_POLICY, UspsClient

    return ByNumber(
        UspsClient(c["base_url"], c["client_id"], c["client_secret"], guards=guards.guards(USPS_POLICY))
    )


SPEC: Final = CarrierSpec(
    id="usps",
    name="USPS – Tracking API v3 and Web Tools TrackV2",
    formats=(
        "Tracking API v3 JSON (GET /tracking/v3/tracking/{n}?expand=DETAIL), ErrorMessage and OAuth errors",
        "Web Tools TrackV2 XML, Revision 1 (TrackResponse / Error)",
    ),
    read=_read,
    format_note=(
        "v3: USPS Tracking OpenAPI 3.2.4 (vendored by karrio) and karrio's captured body; live bodies send "
        "null and string booleans. TrackV2: karrio-usps 2023.9.2 schema and captured Revision 1 bodies; "
        "read, not fetched (Web Tools is being retired). International (Pub 199 G-5) codes unverified: "
        "international events are read from their texts."
    ),
    client=ClientSpec(("base_url", "client_id", "client_secret"), _client),
    simulator=f"{__name__}.sim_routes",
    numbers=Numbers(
        formats=(("usps", None), ("s10", None)),
        couriers=("usps",),
        s10_countries=("US",),
        operator_names=("United States Postal Service",),
    ),
)
