"""The live client for Kuaidi100's real-time query (实时快递查询): one signed form POST per waybill.

``POST https://poll.kuaidi100.com/poll/query.do`` with the form fields ``customer``, ``param`` (JSON
``{"com", "num", "phone", "resultv2", "show", "order"}``) and ``sign`` = MD5(param + key + customer),
32 hex digits upper-case (Kuaidi100 documentation https://api.kuaidi100.com/document/5f0ffb5ebc8da837cbd8aefc,
carriers.md §6.3). The raw JSON answer is returned for ``carriers.kuaidi100.parse``, refusals included
(``{"result": false, "returnCode": "500", …}`` comes with HTTP 200).

Kuaidi100 locks a waybill queried more often than every 30 minutes (same documentation); that budget is
the caller's, the token bucket only paces calls. The query is a read, so it is retried like a GET.
"""

from __future__ import annotations

import hashlib
import json
import re

import requests

from carriers._fetch import CarrierGuards, Clock, FetchClient, FetchPolicy
from carriers._fetch.clock import SYSTEM_CLOCK

KUAIDI100_BASE_URL = "https://poll.kuaidi100.com"
KUAIDI100_POLICY = FetchPolicy(carrier="kuaidi100", rate_per_second=5.0, burst=5)
_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{5,31}")  # "单号的最小长度6个字符，最大长度32个字符"
_COM = re.compile(r"[a-z0-9]{1,40}")


def query_sign(param: str, key: str, customer: str) -> str:
    """MD5(param + key + customer), upper-case: the query's ``sign`` field."""
    return hashlib.md5((param + key + customer).encode("utf-8"), usedforsecurity=False).hexdigest().upper()


class Kuaidi100Client:
    """Fetches raw query answers (or from the simulator at ``base_url``).

    ``resultv2="4"`` asks for the advanced state codes and the area of each event, which the parser
    uses for milestones and places. ``phone`` is required by some couriers (SF, ZTO): the last four
    digits of the sender's or recipient's number.
    """

    def __init__(
        self,
        base_url: str,
        customer: str,
        key: str,
        policy: FetchPolicy = KUAIDI100_POLICY,
        session: requests.Session | None = None,
        *,
        resultv2: str = "4",
        guards: CarrierGuards | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        if not customer or not key:
            raise ValueError("Kuaidi100Client needs the customer id and the key")
        self._url = base_url.rstrip("/") + "/poll/query.do"
        self._customer, self._key, self._resultv2 = customer, key, resultv2
        self._fetch = FetchClient(policy, session=session, guards=guards, clock=clock)

    def param(self, com: str, number: str, phone: str | None = None) -> str:
        """The ``param`` JSON exactly as sent (and signed)."""
        com, number = com.strip(), number.strip()
        if not _COM.fullmatch(com):
            raise ValueError("not a Kuaidi100 company code: lower-case letters and digits")
        if not _NUMBER.fullmatch(number):
            raise ValueError("not a waybill number: 6 to 32 letters, digits and hyphens")
        fields = {"com": com, "num": number, "resultv2": self._resultv2, "show": "0", "order": "desc"}
        if phone:
            fields["phone"] = phone.strip()
        return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))

    def fetch(self, com: str, number: str, phone: str | None = None) -> bytes:
        """The raw answer for waybill ``number`` of courier ``com`` (a Kuaidi100 company code)."""
        param = self.param(com, number, phone)
        form = {
            "customer": self._customer,
            "param": param,
            "sign": query_sign(param, self._key, self._customer),
        }
        result = self._fetch.post(
            self._url, form=form, headers={"Accept": "application/json"}, idempotent=True
        )
        return result.body
