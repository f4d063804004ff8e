"""The live client for Royal Mail Tracking API v2: one GET per mail piece, IBM API Connect client headers.

``GET {base}/mailpieces/v2/{mailPieceId}/events`` with ``X-IBM-Client-Id``, ``X-IBM-Client-Secret`` and
``X-Accept-RMG-Terms: yes`` (carriers.md §4.9; elliotjreed/royal-mail-tracking asserts the same headers). The
raw JSON is returned for ``carriers.royalmail.parse``, Royal Mail's 404 error body too ("Barcode reference …
isn't recognised" is evidence). A refused client id, 5xx and 429 past the retries raise a
:class:`carriers._fetch.CarrierFetchError`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

import requests

from carriers._fetch import CarrierGuards, Clock, FetchClient, FetchPolicy
from carriers._fetch.auth import TokenPost
from carriers._fetch.clock import SYSTEM_CLOCK

ROYAL_MAIL_BASE_URL: Final = "https://api.royalmail.net"
ROYAL_MAIL_POLICY: Final = FetchPolicy(carrier="royalmail", rate_per_second=2.0, burst=2)
_MAIL_PIECE = re.compile(r"[A-Za-z0-9]{9,40}")


class ClientIdSecretAuth:
    """IBM API Connect's client id and secret headers, and Royal Mail's terms header. 401 is final."""

    def __init__(self, client_id: str, client_secret: str) -> None:
        if not client_id or not client_secret:
            raise ValueError("Royal Mail needs a client id and a client secret")
        self._headers = {
            "X-IBM-Client-Id": client_id,
            "X-IBM-Client-Secret": client_secret,
            "X-Accept-RMG-Terms": "yes",
        }

    def headers(self, post: TokenPost) -> Mapping[str, str]:
        return self._headers

    def unauthorized(self, sent: Mapping[str, str]) -> bool:
        return False

    def __repr__(self) -> str:
        return "ClientIdSecretAuth(<redacted>)"


class RoyalMailClient:
    """Fetches raw Tracking API v2 event documents (or the simulator's, at ``base_url``)."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        policy: FetchPolicy = ROYAL_MAIL_POLICY,
        session: requests.Session | None = None,
        *,
        guards: CarrierGuards | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._fetch = FetchClient(
            policy,
            auth=ClientIdSecretAuth(client_id, client_secret),
            session=session,
            guards=guards,
            clock=clock,
        )

    def fetch(self, mail_piece_id: str) -> bytes:
        """The raw JSON for ``mail_piece_id`` (an events document or Royal Mail's error body)."""
        number = mail_piece_id.strip()
        if not _MAIL_PIECE.fullmatch(number):
            raise ValueError("not a Royal Mail mail piece id: 9 to 40 letters and digits")
        url = f"{self._base}/mailpieces/v2/{number}/events"
        return self._fetch.get(url, headers={"Accept": "application/json"}).body
