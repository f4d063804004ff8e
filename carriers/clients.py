"""Building live tracking clients and webhook checks from plain configuration values.

The composition root (``trace_verify.web.serve``, the command line) reads the settings and calls
:func:`build_clients` with one mapping per adapter id, e.g. ``{"dhl": {"base_url": …, "api_key": …}}``;
``carriers`` never reads configuration itself. A carrier whose required values are missing gets no
client (its stored documents are still read; re-verification simply does not refresh it).

Clients whose fetch needs more than the tracking number (Kuaidi100's company code, AfterShip's slug)
are not built here: a stored shipment carries only its carrier and number.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any, Final, Protocol


class Fetcher(Protocol):
    """What the service calls: the raw tracking document of one number."""

    def fetch(self, tracking_number: str) -> bytes:
        """The carrier's raw answer."""
        ...


PushCheck = Callable[[Mapping[str, str], bytes, str], bool]


def _dhl(c: Mapping[str, str]) -> Fetcher:
    from carriers.dhl.client import DhlClient

    return DhlClient(c["base_url"], c["api_key"])


def _dhl_express(c: Mapping[str, str]) -> Fetcher:
    from carriers.dhl_express.client import MyDhlClient

    return MyDhlClient(c["base_url"], c["username"], c["password"])


def _ups(c: Mapping[str, str]) -> Fetcher:
    from carriers.ups.client import UpsClient

    return UpsClient(c["base_url"], c["client_id"], c["client_secret"])


def _fedex(c: Mapping[str, str]) -> Fetcher:
    from carriers.fedex.client import FedexClient

    return FedexClient(c["base_url"], c["client_id"], c["client_secret"])


def _usps(c: Mapping[str, str]) -> Fetcher:
    from carriers.usps.client import UspsClient

    return UspsClient(c["base_url"], c["client_id"], c["client_secret"])


def _royalmail(c: Mapping[str, str]) -> Fetcher:
    from carriers.royalmail.client import RoyalMailClient

    return RoyalMailClient(c["base_url"], c["client_id"], c["client_secret"])


def _canadapost(c: Mapping[str, str]) -> Fetcher:
    from carriers.canadapost.client import CanadaPostClient

    return CanadaPostClient(c["base_url"], c["username"], c["password"])


def _sf(c: Mapping[str, str]) -> Fetcher:
    from carriers.sf.client import SfClient

    return SfClient(c["base_url"], c["partner_id"], c["checkword"])


def _cainiao(c: Mapping[str, str]) -> Fetcher:
    from carriers.cainiao.client import CainiaoClient

    return CainiaoClient(c["base_url"])


def _seventeentrack(c: Mapping[str, str]) -> Fetcher:
    from carriers.seventeentrack.client import SeventeenTrackClient

    return SeventeenTrackClient(c["base_url"], c["api_key"])


#: adapter id → (configuration keys it needs, builder).
BUILDERS: Final[dict[str, tuple[tuple[str, ...], Callable[[Mapping[str, str]], Fetcher]]]] = {
    "dhl": (("base_url", "api_key"), _dhl),
    "dhl-express": (("base_url", "username", "password"), _dhl_express),
    "ups": (("base_url", "client_id", "client_secret"), _ups),
    "fedex": (("base_url", "client_id", "client_secret"), _fedex),
    "usps": (("base_url", "client_id", "client_secret"), _usps),
    "royalmail": (("base_url", "client_id", "client_secret"), _royalmail),
    "canadapost": (("base_url", "username", "password"), _canadapost),
    "sf": (("base_url", "partner_id", "checkword"), _sf),
    "cainiao": (("base_url",), _cainiao),
    "17track": (("base_url", "api_key"), _seventeentrack),
}

#: adapter id → module holding its ``verify_push`` (carriers/<package>/push.py).
PUSH_MODULES: Final[dict[str, str]] = {
    "aftership": "carriers.aftership.push",
    "cainiao": "carriers.cainiao.push",
    "kuaidi100": "carriers.kuaidi100.push",
    "17track": "carriers.seventeentrack.push",
}


def build_clients(config: Mapping[str, Mapping[str, str]]) -> dict[str, Fetcher]:
    """A live client for every carrier whose configuration has all the values its client needs."""
    clients: dict[str, Fetcher] = {}
    for carrier, values in config.items():
        entry = BUILDERS.get(carrier)
        if entry is None:
            continue
        needed, build = entry
        if all(values.get(name) for name in needed):
            clients[carrier] = build(values)
    return clients


def push_verifiers() -> dict[str, PushCheck]:
    """``verify_push(headers, body, secret)`` of every adapter that defines one."""
    verifiers: dict[str, PushCheck] = {}
    for carrier, module_name in PUSH_MODULES.items():
        module: Any = importlib.import_module(module_name)
        verify = getattr(module, "verify_push", None)
        if callable(verify):
            verifiers[carrier] = verify
    return verifiers
