"""Royal Mail Tracking API v2 (client id/secret headers): the ``royalmail`` adapter.

``SPEC`` is the only name the registry needs; :mod:`carriers.royalmail.parse` reads,
:mod:`carriers.royalmail.codes` holds the event table, ``carriers.royalmail.client`` fetches.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from carriers.royalmail.parse import parse_document
from carriers.spec import ByNumber, CarrierSpec, ClientSpec, Fetcher, Numbers

if TYPE_CHECKING:
    from carriers._fetch.guards import GuardStore


def _client(c: Mapping[str, str], guards: GuardStore) -> Fetcher:
    """The live client, built from its configuration (``requests`` is imported only now)."""
    from carriers.royalmail.client import ROYAL_MAIL_POLICY, RoyalMailClient

    return ByNumber(
        RoyalMailClient(
            c["base_url"], c["client_id"], c["client_secret"], guards=guards.guards(ROYAL_MAIL_POLICY)
        )
    )


SPEC: Final = CarrierSpec(
    id="royalmail",
    name="Royal Mail – Tracking API v2",
    formats=(
        "Royal Mail mailpieces JSON (GET /mailpieces/v2/{id}/events, /mailpieces/v2/summary)",
        "IBM API Connect error JSON (httpCode, errors[])",
    ),
    read=parse_document,
    format_verified=False,
    format_note=(
        "Royal Mail's developer portal (OpenAPI) could not be consulted; field names from public clients "
        "(karrio community plugin test body, elliotjreed/royal-mail-tracking). Of the international "
        "event codes only EVHOE, EVJIC, EVJIN are sourced; other foreign events are read from eventName."
    ),
    client=ClientSpec(("base_url", "client_id", "client_secret"), _client),
    simulator=f"{__name__}.sim_routes",
    numbers=Numbers(formats=(("s10", None),), s10_countries=("GB",), operator_names=("Royal Mail",)),
)
