"""DHL Shipment Tracking – Unified API: the ``dhl`` adapter.

``SPEC`` is the only name the registry needs; :mod:`carriers.dhl.parse` does the reading and
:mod:`carriers.dhl.codes` holds the status table. Fetching lives in ``carriers.dhl.client``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from carriers.dhl.parse import parse_document
from carriers.spec import ByNumber, CarrierSpec, ClientSpec, Fetcher, Numbers

if TYPE_CHECKING:
    from carriers._fetch.guards import GuardStore


def _client(c: Mapping[str, str], guards: GuardStore) -> Fetcher:
    """The live client, built from its configuration (``requests`` is imported only now)."""
    from carriers.dhl.client import DHL_UNIFIED_POLICY, DhlClient

    return ByNumber(DhlClient(c["base_url"], c["api_key"], guards=guards.guards(DHL_UNIFIED_POLICY)))


SPEC: Final = CarrierSpec(
    id="dhl",
    name="DHL Shipment Tracking – Unified API",
    formats=("DHL Unified JSON (GET /track/shipments)", "RFC 7807 problem JSON (404, 401, 429)"),
    read=parse_document,
    format_note=(
        "Field names from DHL's published OpenAPI 1.3.1 (dpdhl_tracking-unified-api_1.3.1.yaml); "
        "event wording from public captures of real Express responses. Handover wording unverified."
    ),
    client=ClientSpec(("base_url", "api_key"), _client),
    simulator=f"{__name__}.sim_routes",
    numbers=Numbers(formats=(("dhl", None),), couriers=("dhl",)),
)
