"""The live client for the UPS Track API v1: OAuth2 client credentials, one GET per tracking number.

``GET {base}/api/track/v1/details/{inquiryNumber}?locale=…`` with ``Authorization: Bearer …`` and the
required ``transId`` / ``transactionSrc`` headers; the token comes from ``POST
{base}/security/v1/oauth/token`` with HTTP Basic client authentication (UPS OpenAPI ``Tracking.yaml``:
``x-tokenEndpointAuthMethod: client_secret_basic``; carriers.md §4.1). Production is
``https://onlinetools.ups.com``, the Customer Integration Environment ``https://wwwcie.ups.com``.

The raw JSON is returned for ``carriers.ups.parse``, including UPS's own error documents (the 200 with
warning ``TW0001`` for an unknown number, 400/404 ``{"response": {"errors"}}``), because they are
evidence the parser reports. No answer, 5xx, 429 past the retries or refused credentials raise a
:class:`carriers._fetch.CarrierFetchError`. Credentials are only passed in.

Rate: UPS documents no rate limit for the Track API (carriers.md §4.1), so the policy sets none; the
breaker and retries still apply.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from urllib.parse import quote

import requests

from carriers._fetch import CarrierGuards, Clock, FetchClient, FetchPolicy, OAuth2ClientCredentials
from carriers._fetch.clock import SYSTEM_CLOCK

UPS_BASE_URL = "https://onlinetools.ups.com"
UPS_CIE_BASE_URL = "https://wwwcie.ups.com"
UPS_POLICY = FetchPolicy(carrier="ups")
#: Tracking.yaml: "Each inquiry number must be between 7 and 34 characters in length."
_INQUIRY_NUMBER = re.compile(r"[A-Za-z0-9]{7,34}", re.ASCII)


def _new_trans_id() -> str:
    return uuid.uuid4().hex


class UpsClient:
    """Fetches raw tracking documents from the UPS Track API (or the simulator at ``base_url``).

    ``locale`` is UPS's ``language_COUNTRY`` (default ``en_US``: English event wording, which the code
    tables do not need but the descriptions keep). ``transaction_src`` names this application to UPS.
    """

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        policy: FetchPolicy = UPS_POLICY,
        session: requests.Session | None = None,
        *,
        locale: str = "en_US",
        transaction_src: str = "trace-verify",
        guards: CarrierGuards | None = None,
        clock: Clock = SYSTEM_CLOCK,
        trans_id: Callable[[], str] = _new_trans_id,
    ) -> None:
        if not client_id or not client_secret:
            raise ValueError("UpsClient needs a client id and a client secret")
        base = base_url.rstrip("/")
        self._url = base + "/api/track/v1/details/"
        self._locale = locale
        self._source = transaction_src
        self._trans_id = trans_id
        auth = OAuth2ClientCredentials(
            "ups",
            base + "/security/v1/oauth/token",
            client_id,
            client_secret,
            client_auth="basic",
            clock=clock,
        )
        self._fetch = FetchClient(policy, auth=auth, session=session, guards=guards, clock=clock)

    def fetch(self, tracking_number: str) -> bytes:
        """The raw UPS document for ``tracking_number`` (a trackResponse or UPS's error document)."""
        number = tracking_number.strip()
        if not _INQUIRY_NUMBER.fullmatch(number):
            raise ValueError("not a UPS inquiry number: 7 to 34 letters and digits")
        headers = {"Accept": "application/json", "transId": self._trans_id(), "transactionSrc": self._source}
        params = {"locale": self._locale, "returnSignature": "false", "returnMilestones": "false"}
        result = self._fetch.get(self._url + quote(number, safe=""), params=params, headers=headers)
        return result.body
