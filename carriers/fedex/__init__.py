"""FedEx Track API v1 (OAuth2): the ``fedex`` adapter.

``SPEC`` is the only name the registry needs; :mod:`carriers.fedex.parse` does the reading and
:mod:`carriers.fedex.codes` holds the code tables; border milestones are settled by the carrier-neutral
:mod:`carriers._route`. Fetching lives in ``carriers.fedex.client``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from carriers.fedex.parse import parse_document
from carriers.spec import ByNumber, CarrierSpec, ClientSpec, Fetcher, Numbers

if TYPE_CHECKING:
    from carriers._fetch.guards import GuardStore


def _client(c: Mapping[str, str], guards: GuardStore) -> Fetcher:
    """The live client, built from its configuration (``requests`` is imported only now)."""
    from carriers.fedex.client import FEDEX_POLICY, FedexClient

    return ByNumber(
        FedexClient(c["base_url"], c["client_id"], c["client_secret"], guards=guards.guards(FEDEX_POLICY))
    )


SPEC: Final = CarrierSpec(
    id="fedex",
    name="FedEx Track API v1",
    formats=(
        "FedEx Track API JSON (POST /track/v1/trackingnumbers)",
        "FedEx error JSON (trackResults[].error in a 200; top-level errors[] for 401/403/429/5xx)",
    ),
    read=parse_document,
    format_note=(
        "Field names and types from FedEx's published OpenAPI track.json (vendored by karrio at ee2d7406) "
        "and its Tracking Status Codes page; empty-string fields, derivedStatusCode values and "
        "possessionStatus from a public capture of a real response. The 429 body's error code is "
        "unverified (FedEx documents only the message)."
    ),
    client=ClientSpec(("base_url", "client_id", "client_secret"), _client),
    simulator=f"{__name__}.sim_routes",
    numbers=Numbers(formats=(("fedex", None),), couriers=("fedex",)),
)
