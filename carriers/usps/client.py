"""The live client for USPS Tracking API v3: OAuth2 client credentials, one GET per number.

``POST {base}/oauth2/v3/token`` (``grant_type=client_credentials``, scope ``tracking``), then
``GET {base}/tracking/v3/tracking/{n}?expand=DETAIL`` with the bearer token (carriers.md §4.4; USPS
Tracking OpenAPI 3.2.4: production ``https://apis.usps.com``, test ``https://apis-tem.usps.com``).
The raw JSON is returned for :mod:`carriers.usps.v3`, USPS's 404/400 ``ErrorMessage`` included (they are
evidence); refused credentials, 429 past the retries, 5xx and no answer raise a ``CarrierFetchError``.

Rate: the OpenAPI states none; a third-party write-up reports 60 requests per hour per app
(carriers.md §4.4, unverified), so the default policy spaces calls one minute apart with a burst of 5.
Web Tools TrackV2 has no client: USPS is retiring Web Tools in favour of these APIs.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import quote

import requests

from carriers._fetch import CarrierGuards, Clock, FetchClient, FetchPolicy, OAuth2ClientCredentials
from carriers._fetch.clock import SYSTEM_CLOCK

USPS_BASE_URL: Final = "https://apis.usps.com"
USPS_TEST_BASE_URL: Final = "https://apis-tem.usps.com"
USPS_POLICY: Final = FetchPolicy(carrier="usps", rate_per_second=1 / 60, burst=5)
#: USPS numbers: IMpb (20–34 digits) or S10 (``EA123456785US``); letters and digits only.
_TRACKING_NUMBER = re.compile(r"[A-Za-z0-9]{10,40}")


class UspsClient:
    """Fetches raw v3 tracking documents from USPS (or the simulator at ``base_url``)."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        policy: FetchPolicy = USPS_POLICY,
        session: requests.Session | None = None,
        *,
        guards: CarrierGuards | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        if not client_id or not client_secret:
            raise ValueError("UspsClient needs a client id and secret")
        self._base = base_url.rstrip("/")
        auth = OAuth2ClientCredentials(
            "usps", f"{self._base}/oauth2/v3/token", client_id, client_secret, scope="tracking", clock=clock
        )
        self._fetch = FetchClient(policy, auth=auth, session=session, guards=guards, clock=clock)

    def fetch(self, tracking_number: str) -> bytes:
        """The raw v3 document for one number (tracking details or USPS's error document)."""
        number = tracking_number.strip()
        if not _TRACKING_NUMBER.fullmatch(number):
            raise ValueError("not a USPS tracking number: 10 to 40 letters and digits")
        url = f"{self._base}/tracking/v3/tracking/{quote(number)}"
        result = self._fetch.get(url, params={"expand": "DETAIL"}, headers={"Accept": "application/json"})
        return result.body
