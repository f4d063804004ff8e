"""The live client for Canada Post VIS tracking: one GET per PIN, HTTP Basic authentication.

``GET {base}/vis/track/pin/{pin}/detail`` with ``Accept: application/vnd.cpc.track-v2+xml`` and
``Accept-language: en-CA|fr-CA`` (carriers.md §4.6; base ``https://soa-gw.canadapost.ca``, development
``https://ct.soa-gw.canadapost.ca``). The raw XML is returned for ``carriers.canadapost.parse``, Canada Post's
``messages`` documents too (404 "No Pin History" is evidence). A refused key, 5xx and 429 past the retries
raise a :class:`carriers._fetch.CarrierFetchError`. karrio spaces calls 25 ms apart; the policy allows 20/s.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Final

import requests

from carriers._fetch import CarrierGuards, Clock, FetchClient, FetchPolicy
from carriers._fetch.auth import TokenPost
from carriers._fetch.clock import SYSTEM_CLOCK

CANADA_POST_BASE_URL: Final = "https://soa-gw.canadapost.ca"
CANADA_POST_DEV_BASE_URL: Final = "https://ct.soa-gw.canadapost.ca"
CANADA_POST_POLICY: Final = FetchPolicy(carrier="canadapost", rate_per_second=20.0, burst=2)
MEDIA_TYPE: Final = "application/vnd.cpc.track-v2+xml"
_PIN = re.compile(r"[A-Za-z0-9]{4,40}")


class BasicAuth:
    """HTTP Basic with the API user name and password. A 401 will not be cured by retrying."""

    def __init__(self, username: str, password: str) -> None:
        if not username or not password:
            raise ValueError("Canada Post needs an API user name and password")
        pair = f"{username}:{password}".encode()
        self._header = "Basic " + base64.b64encode(pair).decode("ascii")

    def headers(self, post: TokenPost) -> Mapping[str, str]:
        return {"Authorization": self._header}

    def unauthorized(self, sent: Mapping[str, str]) -> bool:
        return False

    def __repr__(self) -> str:
        return "BasicAuth(<redacted>)"


class CanadaPostClient:
    """Fetches raw ``tracking-detail`` documents (or the simulator's, at ``base_url``)."""

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        policy: FetchPolicy = CANADA_POST_POLICY,
        session: requests.Session | None = None,
        *,
        language: str = "en-CA",
        guards: CarrierGuards | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        if language not in ("en-CA", "fr-CA"):
            raise ValueError("Canada Post answers in en-CA or fr-CA")
        self._base = base_url.rstrip("/")
        self._language = language
        self._fetch = FetchClient(
            policy, auth=BasicAuth(username, password), session=session, guards=guards, clock=clock
        )

    def fetch(self, pin: str) -> bytes:
        """The raw XML for ``pin`` (a ``tracking-detail`` or Canada Post's ``messages`` document)."""
        number = pin.strip()
        if not _PIN.fullmatch(number):
            raise ValueError("not a Canada Post PIN: 4 to 40 letters and digits")
        url = f"{self._base}/vis/track/pin/{number}/detail"
        headers = {"Accept": MEDIA_TYPE, "Accept-language": self._language}
        return self._fetch.get(url, headers=headers).body
