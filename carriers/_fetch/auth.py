"""How a carrier knows the project: an API-key header (DHL) or OAuth2 client credentials (UPS, FedEx, USPS).

Credentials are handed in by the caller (the service reads configuration); nothing here reads the
environment. Tokens are cached until shortly before they expire and dropped when the carrier answers 401,
so that the client can fetch a fresh one and retry once.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from carriers._fetch.clock import SYSTEM_CLOCK, Clock
from carriers._fetch.errors import CarrierAuthError, CarrierBadResponse
from trace_verify import strictjson

TokenPost = Callable[[str, Mapping[str, str], Mapping[str, str]], tuple[int, bytes]]
"""``post(url, form, headers) -> (status, body)``: the client's own transport, inside the call's deadline."""


class Auth(Protocol):
    """What the fetch client asks of an authentication scheme."""

    def headers(self, post: TokenPost) -> Mapping[str, str]:
        """Headers to add to the request (may fetch a token through ``post``)."""
        ...

    def unauthorized(self, sent: Mapping[str, str]) -> bool:
        """The carrier said 401 to ``sent``: forget what was stale; ``True`` if a retry may succeed."""
        ...


@dataclass(frozen=True, slots=True)
class ApiKeyAuth:
    """A static key in a header, e.g. ``DHL-API-Key``. A 401 will not be cured by retrying."""

    header: str
    key: str

    def headers(self, post: TokenPost) -> Mapping[str, str]:
        return {self.header: self.key}

    def unauthorized(self, sent: Mapping[str, str]) -> bool:
        return False

    def __repr__(self) -> str:
        return f"ApiKeyAuth(header={self.header!r}, key=<redacted>)"


class OAuth2ClientCredentials:
    """RFC 6749 §4.4 client-credentials grant with a cached bearer token.

    ``client_auth``: ``"basic"`` sends id and secret as HTTP Basic (UPS: ``client_secret_basic``);
    ``"post"`` sends them in the form (FedEx, USPS). ``expires_in`` may be a number or a numeric string
    (UPS sends ``"14399"``). The token is renewed ``refresh_margin`` seconds (at most half its lifetime)
    before it expires.
    """

    def __init__(
        self,
        carrier: str,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        client_auth: Literal["basic", "post"] = "post",
        scope: str | None = None,
        refresh_margin: float = 60.0,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.carrier = carrier
        self.token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._client_auth = client_auth
        self._scope = scope
        self._margin = refresh_margin
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._renew_at = 0.0
        self.tokens_fetched = 0

    def __repr__(self) -> str:
        return f"OAuth2ClientCredentials(carrier={self.carrier!r}, token_url={self.token_url!r})"

    def headers(self, post: TokenPost) -> Mapping[str, str]:
        with self._lock:
            if self._token is None or self._clock.monotonic() >= self._renew_at:
                self._fetch(post)
            assert self._token is not None
            return {"Authorization": f"Bearer {self._token}"}

    def unauthorized(self, sent: Mapping[str, str]) -> bool:
        with self._lock:
            if sent.get("Authorization") == f"Bearer {self._token}":
                self._token = None  # another thread may already have renewed it: keep that one
        return True

    def _fetch(self, post: TokenPost) -> None:
        form = {"grant_type": "client_credentials"}
        if self._scope:
            form["scope"] = self._scope
        headers = {"Accept": "application/json"}
        if self._client_auth == "basic":
            pair = f"{self._client_id}:{self._client_secret}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        else:
            form |= {"client_id": self._client_id, "client_secret": self._client_secret}
        started = self._clock.monotonic()
        status, body = post(self.token_url, form, headers)
        if status in (400, 401, 403):
            raise CarrierAuthError(
                self.carrier, f"token endpoint refused the credentials (HTTP {status})", status=status
            )
        if status != 200:
            raise CarrierBadResponse(self.carrier, f"token endpoint answered HTTP {status}", status=status)
        token, lifetime = _read_token(self.carrier, body)
        self._token = token
        self._renew_at = started + lifetime - min(self._margin, lifetime / 2)
        self.tokens_fetched += 1


def _read_token(carrier: str, body: bytes) -> tuple[str, float]:
    """``access_token`` and ``expires_in`` (seconds) from a token response."""
    try:
        doc = strictjson.loads(body)
        token = doc["access_token"]
        lifetime = float(doc.get("expires_in", 300))
    except (ValueError, KeyError, TypeError):
        raise CarrierBadResponse(carrier, "token endpoint sent an unreadable token response") from None
    if not isinstance(token, str) or not token or lifetime <= 0:
        raise CarrierBadResponse(carrier, "token endpoint sent an unusable token")
    return token, lifetime
