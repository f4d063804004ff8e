"""The live client for DHL Express: MyDHL API ``GET /shipments/{n}/tracking`` with HTTP Basic auth.

Endpoint and parameters from DHL's MyDHL API OpenAPI 3.1.1 (carriers.md §4.8): production
``https://express.api.dhl.com/mydhlapi``, test ``https://express.api.dhl.com/mydhlapi/test``;
``trackingView=all-checkpoints``, ``levelOfDetail=shipment`` and ``requestGMTOffsetPerEvent=true``, so
that every event carries its UTC offset. The raw JSON is returned for :mod:`carriers.dhl_express.mydhl`,
DHL's own 404/400 problem documents included (they are evidence: ``not_found``, ``carrier_error``); no
answer, 5xx, 429 past the retries and refused credentials raise a ``CarrierFetchError``.

XML-PI has no client: DHL replaced XML Services by MyDHL API, and XML-PI documents are read from
bundles only. MyDHL publishes no per-second rate in the sources used here; the default policy sends at
most one call per second.
"""

from __future__ import annotations

import base64
import re
from typing import Final
from urllib.parse import quote

import requests

from carriers._fetch import ApiKeyAuth, CarrierGuards, Clock, FetchClient, FetchPolicy
from carriers._fetch.clock import SYSTEM_CLOCK

MYDHL_BASE_URL: Final = "https://express.api.dhl.com/mydhlapi"
MYDHL_TEST_BASE_URL: Final = "https://express.api.dhl.com/mydhlapi/test"
MYDHL_POLICY: Final = FetchPolicy(carrier="dhl-express", rate_per_second=1.0, burst=1)
_SHIPMENT_NUMBER = re.compile(r"[A-Za-z0-9]{4,40}")


def basic_credentials(username: str, password: str) -> str:
    """The ``Authorization`` header value for HTTP Basic (RFC 7617), as MyDHL API expects it."""
    if not username or not password:
        raise ValueError("MyDHL API needs a username and a password")
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


class MyDhlClient:
    """Fetches raw MyDHL tracking documents (or the simulator's, at ``base_url``)."""

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        policy: FetchPolicy = MYDHL_POLICY,
        session: requests.Session | None = None,
        *,
        guards: CarrierGuards | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._base = base_url.rstrip("/")
        auth = ApiKeyAuth("Authorization", basic_credentials(username, password))
        self._fetch = FetchClient(policy, auth=auth, session=session, guards=guards, clock=clock)

    def fetch(self, tracking_number: str) -> bytes:
        """The raw MyDHL document for one waybill (a shipments document or DHL's problem document)."""
        number = tracking_number.strip()
        if not _SHIPMENT_NUMBER.fullmatch(number):
            raise ValueError("not a DHL Express waybill: 4 to 40 letters and digits")
        url = f"{self._base}/shipments/{quote(number)}/tracking"
        params = {
            "trackingView": "all-checkpoints",
            "levelOfDetail": "shipment",
            "requestGMTOffsetPerEvent": "true",
        }
        return self._fetch.get(url, params=params, headers={"Accept": "application/json"}).body
