"""The live client for Cainiao's global tracking page data: one GET per number, no credentials.

``GET https://global.cainiao.com/global/detail.json?mailNos=…&lang=en-US`` is what Cainiao's public
tracking page loads; public clients use it the same way (see :mod:`carriers.cainiao.codes`). It is not a
documented API: no contract, no stated rate limit (the default policy stays at one call per second), and
it may change without notice — hence the adapter's ``format_verified = False``.
"""

from __future__ import annotations

import re

import requests

from carriers._fetch import CarrierGuards, Clock, FetchClient, FetchPolicy
from carriers._fetch.clock import SYSTEM_CLOCK

CAINIAO_BASE_URL = "https://global.cainiao.com"
CAINIAO_POLICY = FetchPolicy(carrier="cainiao", rate_per_second=1.0, burst=1)
_NUMBER = re.compile(r"[A-Za-z0-9]{6,40}")


class CainiaoClient:
    """Fetches the raw ``detail.json`` answer for a number (or from the simulator at ``base_url``)."""

    def __init__(
        self,
        base_url: str,
        policy: FetchPolicy = CAINIAO_POLICY,
        session: requests.Session | None = None,
        *,
        language: str = "en-US",
        guards: CarrierGuards | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._url = base_url.rstrip("/") + "/global/detail.json"
        self._language = language
        self._fetch = FetchClient(policy, session=session, guards=guards, clock=clock)

    def fetch(self, number: str) -> bytes:
        """The raw answer for ``number`` (a mail number or a Cainiao ``LP…`` logistics number)."""
        number = number.strip()
        if not _NUMBER.fullmatch(number):
            raise ValueError("not a Cainiao number: 6 to 40 letters and digits")
        params = {"mailNos": number, "lang": self._language}
        return self._fetch.get(self._url, params=params, headers={"Accept": "application/json"}).body
