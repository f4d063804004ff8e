"""Kuaidi100 (快递100) real-time query and subscription push: the ``kuaidi100`` adapter.

``SPEC`` is what the registry needs; :mod:`.parse` reads documents, :mod:`.codes` holds the state table,
:mod:`.push` checks a push's signature, :mod:`.client` fetches.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Final

from carriers._couriers import courier_of
from carriers.kuaidi100.parse import parse_document
from carriers.kuaidi100.push import verify_push
from carriers.spec import ByCourier, CarrierSpec, ClientSpec, Fetcher, Numbers

if TYPE_CHECKING:
    from carriers._fetch.guards import GuardStore

__all__ = ["SPEC", "verify_push"]


#: tracking_number_data courier codes → Kuaidi100 company codes (Kuaidi100's company code table).
COMPANY_CODES: Final = {
    "sf": "shunfeng",
    "yto": "yuantong",
    "zto": "zhongtong",
    "sto": "shentong",
    "yunda": "yunda",
    "jd": "jd",
    "chinapost": "youzhengguonei",
    "dhl": "dhl",
    "ups": "ups",
    "fedex": "fedex",
    "usps": "usps",
}


def company_code(number: str) -> str | None:
    """The Kuaidi100 company code the number's format names, when it names one courier.

    Kuaidi100 tracks every inbound UPU S10 item under China EMS (``ems``), whatever post issued it.
    """
    return courier_of(number, COMPANY_CODES, lambda country: "ems")


def _client(c: Mapping[str, str], guards: GuardStore) -> Fetcher:
    """The live client (``customer`` and ``key`` from Kuaidi100's console); ``requests`` is imported now."""
    from carriers.kuaidi100.client import KUAIDI100_POLICY, Kuaidi100Client

    return ByCourier(
        Kuaidi100Client(c["base_url"], c["customer"], c["key"], guards=guards.guards(KUAIDI100_POLICY)),
        company_code,
    )


SPEC: Final = CarrierSpec(
    id="kuaidi100",
    name="Kuaidi100 (快递100) real-time query and push",
    formats=(
        "Kuaidi100 query JSON (POST /poll/query.do)",
        "Kuaidi100 refusal JSON (result=false, returnCode)",
        "Kuaidi100 subscription push (form param=<JSON>&sign=…, or the param JSON)",
    ),
    read=parse_document,
    format_note=(
        "Field names and state codes from Kuaidi100's documentation (api.kuaidi100.com, apifox mirror) "
        "and its official demo SDK; returnCode meanings other than 500 and the Chinese customs and "
        "hand-over wording are from public captures, not the documentation. "
        "Times are read as Beijing time for every leg."
    ),
    client=ClientSpec(("base_url", "customer", "key"), _client),
    verify_push=verify_push,
    simulator=f"{__name__}.sim_routes",
    numbers=Numbers(aggregator=True),
    # Kuaidi100's documented rule: a number polled more often than every 30 minutes is locked.
    min_poll_interval=timedelta(minutes=30),
)
