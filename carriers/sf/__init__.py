"""SF Express route query (open platform, signed form POST): the ``sf`` adapter.

``SPEC`` is the only name the registry needs; :mod:`carriers.sf.parse` reads, :mod:`carriers.sf.codes`
holds the code and text tables, ``carriers.sf.client`` fetches.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from carriers.sf.parse import parse_document
from carriers.spec import ByNumber, CarrierSpec, ClientSpec, Fetcher, Numbers

if TYPE_CHECKING:
    from carriers._fetch.guards import GuardStore


def _client(c: Mapping[str, str], guards: GuardStore) -> Fetcher:
    """The live client, built from its configuration (``requests`` is imported only now)."""
    from carriers.sf.client import SF_POLICY, SfClient

    return ByNumber(SfClient(c["base_url"], c["partner_id"], c["checkword"], guards=guards.guards(SF_POLICY)))


SPEC: Final = CarrierSpec(
    id="sf",
    name="SF Express – route query (EXP_RECE_SEARCH_ROUTES)",
    formats=(
        "SF open platform envelope JSON (apiResultCode, apiResultData as a JSON string)",
        "decoded apiResultData JSON (success, msgData.routeResps)",
    ),
    read=parse_document,
    format_verified=False,
    format_note=(
        "SF's developer documentation (qiao.sf-express.com) could not be consulted; the envelope and route "
        "fields come from public clients (karrio-sf-express 2023.4, Eagle1 sfex.ts, route captures). opCode "
        "meanings beyond 50/54/30/31/36/80 and the customs wording are unverified; times are Beijing time."
    ),
    client=ClientSpec(("base_url", "partner_id", "checkword"), _client),
    simulator=f"{__name__}.sim_routes",
    numbers=Numbers(
        formats=(("sf", None),),
        couriers=("sf",),
        operator_names=("SF Express", "shunfeng", "顺丰", "顺丰速运"),
    ),
)
