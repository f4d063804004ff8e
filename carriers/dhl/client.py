"""The live client for DHL Shipment Tracking – Unified API: one GET per tracking number.

``GET {base}/track/shipments?trackingNumber=…`` with the key in the ``DHL-API-Key`` header
(shared/reference/carriers.md §4.3). The raw JSON document is returned for ``carriers.dhl.parse``; DHL's
own error documents (404 "No result found", 400) are returned too, because they are evidence the parser
reports (``not_found``, ``carrier_error``). Everything else (no answer, 5xx, 429 past the retries, a
refused key) raises a :class:`carriers._fetch.CarrierFetchError`.

Rate: the initial DHL service level allows 1 call per second and 250 per day (DHL developer portal,
"Starter"); the token bucket holds the per-second rate, the daily quota is the caller's to budget.
"""

from __future__ import annotations

import re

import requests

from carriers._fetch import ApiKeyAuth, CarrierGuards, Clock, FetchClient, FetchPolicy
from carriers._fetch.clock import SYSTEM_CLOCK

DHL_UNIFIED_BASE_URL = "https://api-eu.dhl.com"
DHL_UNIFIED_POLICY = FetchPolicy(carrier="dhl", rate_per_second=1.0, burst=1)
_TRACKING_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")


class DhlClient:
    """Fetches raw tracking documents from the DHL Unified API (or the simulator at ``base_url``).

    ``service`` (``express``, ``parcel-de``, ``ecommerce``…) narrows the search: without it DHL may answer
    with another business unit's shipment that has the same id. ``language`` is DHL's ISO 639-1 code.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        policy: FetchPolicy = DHL_UNIFIED_POLICY,
        session: requests.Session | None = None,
        *,
        service: str | None = None,
        language: str = "en",
        guards: CarrierGuards | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        if not api_key:
            raise ValueError("DhlClient needs an API key")
        self._url = base_url.rstrip("/") + "/track/shipments"
        self._service = service
        self._language = language
        self._fetch = FetchClient(
            policy, auth=ApiKeyAuth("DHL-API-Key", api_key), session=session, guards=guards, clock=clock
        )

    def fetch(self, tracking_number: str) -> bytes:
        """The raw DHL document for ``tracking_number`` (a shipment list or DHL's problem document)."""
        number = tracking_number.strip()
        if not _TRACKING_NUMBER.fullmatch(number):
            raise ValueError("not a DHL tracking number: letters, digits and hyphens, at most 64")
        params = {"trackingNumber": number, "language": self._language}
        if self._service:
            params["service"] = self._service
        result = self._fetch.get(self._url, params=params, headers={"Accept": "application/json"})
        return result.body
