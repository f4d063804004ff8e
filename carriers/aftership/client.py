"""The live client for the AfterShip tracking API: read a tracking by slug and number.

``GET https://api.aftership.com/tracking/2024-10/trackings?tracking_numbers=…&slug=…`` with the key in the
``as-api-key`` header (AfterShip authentication documentation; the legacy v4 API used
``aftership-api-key``, which this client sends instead when ``api_version`` is ``"v4"``:
``GET /v4/trackings/{slug}/{number}``). The raw JSON answer is returned for ``carriers.aftership.parse``;
AfterShip's own 404 (meta code 4004) is returned too, as the parser's ``not_found``.

Rate: AfterShip allows 10 requests per second per account (API documentation, "Rate limit").
"""

from __future__ import annotations

import re

import requests

from carriers._fetch import ApiKeyAuth, CarrierGuards, Clock, FetchClient, FetchPolicy
from carriers._fetch.clock import SYSTEM_CLOCK

AFTERSHIP_BASE_URL = "https://api.aftership.com"
AFTERSHIP_POLICY = FetchPolicy(carrier="aftership", rate_per_second=10.0, burst=10)
_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{3,99}")  # AfterShip: 4-100 of A-Z 0-9 - . _ /
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,49}")


class AfterShipClient:
    """Fetches raw trackings from AfterShip (or from the simulator at ``base_url``)."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        policy: FetchPolicy = AFTERSHIP_POLICY,
        session: requests.Session | None = None,
        *,
        api_version: str = "2024-10",
        guards: CarrierGuards | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        if not api_key:
            raise ValueError("AfterShipClient needs an API key")
        self._base = base_url.rstrip("/")
        self._version = api_version
        header = "aftership-api-key" if api_version == "v4" else "as-api-key"
        self._fetch = FetchClient(
            policy, auth=ApiKeyAuth(header, api_key), session=session, guards=guards, clock=clock
        )

    def fetch(self, slug: str, number: str) -> bytes:
        """The raw answer for ``number`` of courier ``slug``."""
        slug, number = slug.strip(), number.strip()
        if not _SLUG.fullmatch(slug):
            raise ValueError("not an AfterShip courier slug")
        if not _NUMBER.fullmatch(number) or ".." in number:
            raise ValueError("not a tracking number: 4 to 100 of A-Z, 0-9, - . _ /")
        headers = {"Accept": "application/json"}
        if self._version == "v4":
            url = f"{self._base}/v4/trackings/{slug}/{number}"
            return self._fetch.get(url, headers=headers).body
        url = f"{self._base}/tracking/{self._version}/trackings"
        return self._fetch.get(url, params={"tracking_numbers": number, "slug": slug}, headers=headers).body
