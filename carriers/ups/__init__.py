"""UPS Track API v1 (OAuth2): the ``ups`` adapter.

``SPEC`` is the only name the registry needs; :mod:`carriers.ups.parse` does the reading,
:mod:`carriers.ups.codes` holds the code tables and :mod:`carriers._route` settles border milestones.
Fetching lives in ``carriers.ups.client``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from carriers.spec import ByNumber, CarrierSpec, ClientSpec, Fetcher, Numbers
from carriers.ups.parse import parse_document

if TYPE_CHECKING:
    from carriers._fetch.guards import GuardStore


def _client(c: Mapping[str, str], guards: GuardStore) -> Fetcher:
    """The live client, built from its configuration (``requests`` is imported only now)."""
    from carriers.ups.client import UPS_POLICY, UpsClient

    return ByNumber(
        UpsClient(c["base_url"], c["client_id"], c["client_secret"], guards=guards.guards(UPS_POLICY))
    )


SPEC: Final = CarrierSpec(
    id="ups",
    name="UPS Track API v1",
    formats=(
        "UPS Track API JSON (GET /api/track/v1/details/{inquiryNumber})",
        "UPS error JSON ({response: {errors}}, and warning TW0001 in a 200)",
    ),
    read=parse_document,
    format_note=(
        "Field names and types from UPS's published OpenAPI Tracking.yaml (vendored by karrio at "
        "ee2d7406) and its code appendices; gmtTime as 'HH:MM:SS' and activity wording from a public "
        "capture of real responses; TW0001 not-found body verbatim from UPS-API/api-documentation#102. "
        "Which exception code UPS uses for each customs step is from the appendix, not seen live."
    ),
    client=ClientSpec(("base_url", "client_id", "client_secret"), _client),
    simulator=f"{__name__}.sim_routes",
    numbers=Numbers(formats=(("ups", None),), couriers=("ups",)),
)
