"""The live client for SF Express's route query: a signed form POST to the open platform.

``POST https://sfapi.sf-express.com/std/service`` (sandbox ``https://sfapi-sbox.sf-express.com/std/service``)
with form fields ``partnerID, requestID, serviceCode=EXP_RECE_SEARCH_ROUTES, timestamp, msgDigest, msgData``
(carriers.md §4.10). ``msgDigest = base64(md5(urlencode(msgData + timestamp + checkWord)))``: the string is
URL-encoded as Java's ``URLEncoder`` does (``quote_plus``, UTF-8) before hashing, as karrio-sf-express
2023.4's ``Settings.parse`` and public SF SDKs do. SF answers HTTP 200 with its own ``apiResultCode``, so the
raw body is returned for ``carriers.sf.parse`` whatever the result code. The query is a read: it is retried.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import uuid
from collections.abc import Callable
from typing import Final
from urllib.parse import quote_plus

import requests

from carriers._fetch import CarrierGuards, Clock, FetchClient, FetchPolicy
from carriers._fetch.clock import SYSTEM_CLOCK

SF_BASE_URL: Final = "https://sfapi.sf-express.com/std/service"
SF_SANDBOX_URL: Final = "https://sfapi-sbox.sf-express.com/std/service"
SF_POLICY: Final = FetchPolicy(carrier="sf", rate_per_second=5.0, burst=2)
SERVICE_CODE: Final = "EXP_RECE_SEARCH_ROUTES"
_WAYBILL = re.compile(r"[A-Za-z0-9]{8,30}")
_PHONE_TAIL = re.compile(r"[0-9]{4}")


def msg_digest(msg_data: str, timestamp: str, checkword: str) -> str:
    """SF's signature: base64 of the MD5 of the URL-encoded ``msgData + timestamp + checkWord``."""
    encoded = quote_plus(msg_data + timestamp + checkword, encoding="utf-8")
    return base64.b64encode(hashlib.md5(encoded.encode("utf-8")).digest()).decode("ascii")


def route_query(waybill: str, phone_tail: str | None = None, language: str = "0") -> str:
    """The ``msgData`` of a route query for one waybill, serialized the same way every time."""
    data: dict[str, object] = {
        "language": language,
        "trackingType": "1",
        "trackingNumber": [waybill],
        "methodType": "1",
    }
    if phone_tail is not None:
        data["checkPhoneNo"] = phone_tail
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


class SfClient:
    """Fetches raw route query answers (or the simulator's, at ``url``). ``checkword`` never leaves the call.

    ``phone_tail``: the last four digits of the sender's or recipient's phone, which SF requires for
    waybills not shipped on the caller's own account.
    """

    def __init__(
        self,
        url: str,
        partner_id: str,
        checkword: str,
        policy: FetchPolicy = SF_POLICY,
        session: requests.Session | None = None,
        *,
        guards: CarrierGuards | None = None,
        clock: Clock = SYSTEM_CLOCK,
        request_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        if not partner_id or not checkword:
            raise ValueError("SF needs a partner id (顾客编码) and a check word (校验码)")
        self._url = url
        self._partner_id = partner_id
        self._checkword = checkword
        self._clock = clock
        self._request_id = request_id
        self._fetch = FetchClient(policy, session=session, guards=guards, clock=clock)

    def __repr__(self) -> str:
        return f"SfClient(url={self._url!r}, partner_id={self._partner_id!r}, checkword=<redacted>)"

    def fetch(self, waybill: str, phone_tail: str | None = None) -> bytes:
        """The raw JSON envelope SF answers for ``waybill``."""
        number = waybill.strip()
        if not _WAYBILL.fullmatch(number):
            raise ValueError("not an SF waybill number: 8 to 30 letters and digits")
        if phone_tail is not None and not _PHONE_TAIL.fullmatch(phone_tail):
            raise ValueError("phone_tail is the last four digits of a phone number")
        msg_data = route_query(number, phone_tail)
        timestamp = str(int(self._clock.now().timestamp() * 1000))
        form = {
            "partnerID": self._partner_id,
            "requestID": self._request_id(),
            "serviceCode": SERVICE_CODE,
            "timestamp": timestamp,
            "msgDigest": msg_digest(msg_data, timestamp, self._checkword),
            "msgData": msg_data,
        }
        return self._fetch.post(self._url, form=form, idempotent=True).body
