"""The live client for the FedEx Track API v1: OAuth2 client credentials, one POST per request.

``POST {base}/track/v1/trackingnumbers`` with ``{"includeDetailedScans": true, "trackingInfo":
[{"trackingNumberInfo": {"trackingNumber": …}}]}`` (at most 30 numbers, track.json
``Full_Schema_Tracking_Numbers``) and ``Authorization: Bearer …``; the token comes from ``POST
{base}/oauth/token`` with ``grant_type=client_credentials`` and the client id and secret in the form
(carriers.md §4.2). Production is ``https://apis.fedex.com``, the sandbox ``https://apis-sandbox.fedex.com``.

The raw JSON is returned for ``carriers.fedex.parse``, including FedEx's own error documents (a number it
does not know is a ``trackResults[].error`` in a 200; 400/404 ``errors[]``). No answer, 5xx, 429 past the
retries or refused credentials raise a :class:`carriers._fetch.CarrierFetchError`. The POST is a read, so
it is retried like a GET. Credentials are only passed in.

Rate: 1 400 transactions per 10 s per project (developer.fedex.com rate-limit guide) → 140/s.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import requests

from carriers._fetch import CarrierGuards, Clock, FetchClient, FetchPolicy, OAuth2ClientCredentials
from carriers._fetch.clock import SYSTEM_CLOCK

FEDEX_BASE_URL = "https://apis.fedex.com"
FEDEX_SANDBOX_BASE_URL = "https://apis-sandbox.fedex.com"
FEDEX_POLICY = FetchPolicy(carrier="fedex", rate_per_second=140.0, burst=10)
#: track.json: "Maximum limit is 30" trackingInfo per request.
MAX_NUMBERS_PER_REQUEST = 30
_TRACKING_NUMBER = re.compile(r"[A-Za-z0-9]{8,40}", re.ASCII)


class FedexClient:
    """Fetches raw tracking documents from the FedEx Track API (or the simulator at ``base_url``)."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        policy: FetchPolicy = FEDEX_POLICY,
        session: requests.Session | None = None,
        *,
        locale: str = "en_US",
        guards: CarrierGuards | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        if not client_id or not client_secret:
            raise ValueError("FedexClient needs a client id and a client secret")
        base = base_url.rstrip("/")
        self._url = base + "/track/v1/trackingnumbers"
        self._locale = locale
        auth = OAuth2ClientCredentials(
            "fedex", base + "/oauth/token", client_id, client_secret, client_auth="post", clock=clock
        )
        self._fetch = FetchClient(policy, auth=auth, session=session, guards=guards, clock=clock)

    def fetch(self, tracking_number: str) -> bytes:
        """The raw FedEx document for one number (track results or FedEx's error document)."""
        return self.fetch_many([tracking_number])

    def fetch_many(self, tracking_numbers: Sequence[str]) -> bytes:
        """One FedEx document for up to 30 numbers."""
        numbers = [n.strip() for n in tracking_numbers]
        if not numbers or len(numbers) > MAX_NUMBERS_PER_REQUEST:
            raise ValueError(f"FedEx tracks 1 to {MAX_NUMBERS_PER_REQUEST} numbers per request")
        if not all(_TRACKING_NUMBER.fullmatch(n) for n in numbers):
            raise ValueError("not a FedEx tracking number: 8 to 40 letters and digits")
        body = {
            "includeDetailedScans": True,
            "trackingInfo": [{"trackingNumberInfo": {"trackingNumber": n}} for n in numbers],
        }
        headers = {"Accept": "application/json", "X-locale": self._locale}
        return self._fetch.post(self._url, json_body=body, headers=headers, idempotent=True).body
