"""Canada Post VIS tracking (XML, HTTP Basic): the ``canadapost`` adapter.

``SPEC`` is the only name the registry needs; :mod:`carriers.canadapost.parse` reads,
:mod:`carriers.canadapost.codes` holds the event table, ``carriers.canadapost.client`` fetches.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from carriers.canadapost.parse import parse_document
from carriers.spec import ByNumber, CarrierSpec, ClientSpec, Fetcher, Numbers

if TYPE_CHECKING:
    from carriers._fetch.guards import GuardStore


def _client(c: Mapping[str, str], guards: GuardStore) -> Fetcher:
    """The live client, built from its configuration (``requests`` is imported only now)."""
    from carriers.canadapost.client import CANADA_POST_POLICY, CanadaPostClient

    return ByNumber(
        CanadaPostClient(
            c["base_url"], c["username"], c["password"], guards=guards.guards(CANADA_POST_POLICY)
        )
    )


SPEC: Final = CarrierSpec(
    id="canadapost",
    name="Canada Post – Tracking (VIS)",
    formats=(
        "Canada Post tracking-detail XML (track-v2, GET /vis/track/pin/{pin}/detail)",
        "Canada Post messages XML (errors)",
    ),
    read=parse_document,
    format_note=(
        "Element names from Canada Post's published track XSD (Tracking REST schema; fixtures validate "
        "against it with the track-v2 namespace) and messages XSD. Event codes from Canada Post's code "
        "table as transcribed in public code. The zone labels of foreign events are not documented."
    ),
    client=ClientSpec(("base_url", "username", "password"), _client),
    simulator=f"{__name__}.sim_routes",
    numbers=Numbers(
        formats=(("canada_post", None), ("s10", None)),
        couriers=("canada_post",),
        s10_countries=("CA",),
        operator_names=("Canada Post", "Postes Canada"),
    ),
)
