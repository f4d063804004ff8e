"""The live client for the 17TRACK tracking API v2.2: register a number, then read its tracking.

``POST https://api.17track.net/track/v2.2/register`` and ``…/gettrackinfo`` with a JSON array of up to 40
``{"number", "carrier"}`` items and the account's key in the ``17token`` header (API documentation v2.2,
carriers.md §6.2). The raw JSON answer is returned for ``carriers.seventeentrack.parse``; 17TRACK's own
per-number refusals (``rejected``) come with HTTP 200 and are parsed as errors.

Rate: 17TRACK allows 3 requests per second per key (API documentation, "Request limit"); both calls are
reads or idempotent registrations (registering twice answers -18019901), so they are retried.
"""

from __future__ import annotations

import re
from typing import Any

import requests

from carriers._fetch import ApiKeyAuth, CarrierGuards, Clock, FetchClient, FetchPolicy
from carriers._fetch.clock import SYSTEM_CLOCK

SEVENTEENTRACK_BASE_URL = "https://api.17track.net"
SEVENTEENTRACK_POLICY = FetchPolicy(carrier="17track", rate_per_second=3.0, burst=3)
API_PATH = "/track/v2.2"
_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{4,49}")


class SeventeenTrackClient:
    """Registers numbers with 17TRACK and fetches their raw tracking (or from the simulator)."""

    def __init__(
        self,
        base_url: str,
        token: str,
        policy: FetchPolicy = SEVENTEENTRACK_POLICY,
        session: requests.Session | None = None,
        *,
        guards: CarrierGuards | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        if not token:
            raise ValueError("SeventeenTrackClient needs the 17token key")
        self._base = base_url.rstrip("/") + API_PATH
        self._fetch = FetchClient(
            policy, auth=ApiKeyAuth("17token", token), session=session, guards=guards, clock=clock
        )

    def register(self, number: str, carrier: int | None = None) -> bytes:
        """Ask 17TRACK to track ``number`` (its carrier key, or auto-detection); the raw answer."""
        return self._post("register", number, carrier)

    def fetch(self, number: str, carrier: int | None = None) -> bytes:
        """The raw ``gettrackinfo`` answer for a registered ``number``."""
        return self._post("gettrackinfo", number, carrier)

    def _post(self, endpoint: str, number: str, carrier: int | None) -> bytes:
        number = number.strip()
        if not _NUMBER.fullmatch(number):
            raise ValueError("not a tracking number: 5 to 50 letters, digits and hyphens")
        item: dict[str, Any] = {"number": number}
        if carrier is not None:
            item["carrier"] = int(carrier)
        result = self._fetch.post(
            f"{self._base}/{endpoint}",
            json_body=[item],
            headers={"Accept": "application/json"},
            idempotent=True,
        )
        return result.body
