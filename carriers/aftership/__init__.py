"""AfterShip tracking API and webhooks: the ``aftership`` adapter.

``SPEC`` is what the registry needs; :mod:`.parse` reads documents, :mod:`.codes` holds the tag and
subtag table, :mod:`.push` checks a webhook's signature, :mod:`.client` fetches.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from carriers._couriers import courier_of
from carriers.aftership.parse import parse_document
from carriers.aftership.push import verify_push
from carriers.spec import ByCourier, CarrierSpec, ClientSpec, Fetcher, Numbers

if TYPE_CHECKING:
    from carriers._fetch.guards import GuardStore

__all__ = ["SPEC", "verify_push"]


#: tracking_number_data courier codes → AfterShip courier slugs (AfterShip's courier list).
SLUGS: Final = {
    "sf": "sf-express",
    "yto": "yto",
    "zto": "zto-express",
    "sto": "sto",
    "yunda": "yunda",
    "jd": "jd",
    "chinapost": "china-post",
    "dhl": "dhl",
    "ups": "ups",
    "fedex": "fedex",
    "usps": "usps",
    "canada_post": "canada-post",
}

#: An S10 item's issuing country → the slug of that country's post (China's EMS items: ``china-ems``).
S10_SLUGS: Final = {
    "CN": "china-ems",
    "JP": "japan-post",
    "KR": "korea-post",
    "GB": "royal-mail",
    "US": "usps",
    "CA": "canada-post",
    "DE": "deutsch-post",
    "FR": "la-poste-colissimo",
}


def slug_of(number: str) -> str | None:
    """The AfterShip slug the number's format names, when it names one courier."""
    return courier_of(number, SLUGS, lambda country: S10_SLUGS.get(country or ""))


def _client(c: Mapping[str, str], guards: GuardStore) -> Fetcher:
    """The live client (AfterShip's 2024-10 API); ``requests`` is imported only now."""
    from carriers.aftership.client import AFTERSHIP_POLICY, AfterShipClient

    return ByCourier(
        AfterShipClient(c["base_url"], c["api_key"], guards=guards.guards(AFTERSHIP_POLICY)), slug_of
    )


SPEC: Final = CarrierSpec(
    id="aftership",
    name="AfterShip tracking API and webhook",
    formats=(
        "AfterShip tracking JSON (v4 data.tracking, 2024-xx data / data.trackings)",
        "AfterShip error JSON (meta.code ≥ 400)",
        "AfterShip webhook JSON (event, msg)",
    ),
    read=parse_document,
    format_note=(
        "Tags and verified subtags from AfterShip's enum documentation; checkpoint fields from AfterShip's "
        "official SDK models. InTransit_002/004/005/006 subtags, the 2024 country_region names and "
        "last_mile are used as documented but not checked against a captured response."
    ),
    client=ClientSpec(("base_url", "api_key"), _client),
    verify_push=verify_push,
    simulator=f"{__name__}.sim_routes",
    numbers=Numbers(aggregator=True),
)
