"""The karrio half of ``bench/parse.py``: runs INSIDE a karrio virtual environment, never in ours.

Reads a job list (JSON) on stdin, times karrio's own ``parse_tracking_response`` on each document and
writes the figures (JSON) on stdout. Only karrio and the standard library are importable here: this
file must not import anything from the project.

Faithfulness (shared/reference/carriers.md §2): the input is a ``Deserializable`` built exactly as the
connector's ``karrio/mappers/<carrier>/proxy.py::Proxy.get_tracking`` builds it from the HTTP body
(value shape and deserializer), with the concrete ``Settings`` class the karrio Gateway uses and
dummy credentials. Each timed iteration does what karrio does after the HTTP call returns: decode
the body to text, wrap it, ``parse_tracking_response`` down to karrio's ``TrackingDetails``.
The proof-of-delivery downloads FedEx and MyDHL make while parsing a delivered shipment are stubbed
to return None, and every socket entry point raises, which proves no other network call happens.
jstruct's "unknown arguments" warnings are still emitted (their cost is karrio's) but go to a
``NullHandler`` rather than to stderr.

Job list: ``{"min_time": s, "repeat": n, "jobs": [{"id", "connector", "path", "tracking_number",
"expect"}]}`` where ``expect`` is ``"events"`` (our adapter found events: karrio must return details
with events) or ``"errors"`` (a carrier error body: karrio must return a message). Answer:
``{"karrio": version, "results": {id: {"us": float, "details": n, "events": n, "messages": n}
| {"na": reason}}}``.
"""

from __future__ import annotations

import json
import logging
import socket
import sys
import time
from collections.abc import Callable
from importlib import import_module, metadata
from typing import Any

Parse = Callable[[str], tuple[list[Any], list[Any]]]

#: Dummy credentials per connector: the required fields of each ``Settings`` class.
_CREDENTIALS: dict[str, dict[str, str]] = {
    "ups": {"client_id": "bench", "client_secret": "bench"},
    "fedex": {
        "api_key": "bench",
        "secret_key": "bench",
        "track_api_key": "bench",
        "track_secret_key": "bench",
    },
    "dhl_universal": {"consumer_key": "bench", "consumer_secret": "bench"},
    "usps": {"client_id": "bench", "client_secret": "bench"},
    "usps_legacy": {"username": "bench", "password": "bench"},
    "canadapost": {"username": "bench", "password": "bench"},
    "royalmail": {"client_id": "bench", "client_secret": "bench"},
    "dhl_express": {"site_id": "bench", "password": "bench"},
    "mydhl": {"username": "bench", "password": "bench"},
    "sf_express": {"partner_id": "bench", "check_word": "bench"},
}


def _block_network() -> None:
    """Every way out of the process raises: a parse that tried to download would fail loudly."""

    def refuse(*_args: object, **_kwargs: object) -> Any:
        raise OSError("network blocked by bench/karrio_side.py")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse
    socket.getaddrinfo = refuse


def _stub_proof_of_delivery() -> None:
    """FedEx and MyDHL fetch a proof-of-delivery image while parsing a delivered shipment (§2.5)."""
    for carrier in ("fedex", "mydhl"):
        try:
            utils = import_module(f"karrio.providers.{carrier}.utils")
        except ImportError:
            continue
        utils.get_proof_of_delivery = lambda *_args, **_kwargs: None  # type: ignore[attr-defined]


def _wrapper(connector: str, number: str) -> Callable[[str], Any]:
    """body → the ``Deserializable`` the connector's proxy returns (resolved once, outside the loop)."""
    utils = import_module("karrio.core.utils")
    dp, xp = utils.DP, utils.XP
    if connector in ("usps_legacy", "sf_express"):  # karrio 2023: core.utils.Deserializable
        legacy = utils.Deserializable
        decode = xp.to_xml if connector == "usps_legacy" else dp.to_dict
        return lambda body: legacy(body, decode)
    lib = import_module("karrio.lib")
    wrap, to_dict = lib.Deserializable, lib.to_dict
    if connector == "ups":  # one HTTP call per number, keyed by the requested number
        ups = lambda res: [(num, to_dict(data)) for num, data in res if any(data.strip())]  # noqa: E731
        return lambda body: wrap([(number, body)], ups)
    if connector == "usps":
        usps = lambda __: [(_[0], to_dict(_[1])) for _ in __]  # noqa: E731
        return lambda body: wrap([(number, body)], usps)
    if connector in ("fedex", "mydhl"):
        return lambda body: wrap(body, to_dict)
    if connector == "dhl_universal":
        dhl = lambda res: [dp.to_dict(r) for r in res]  # noqa: E731
        return lambda body: wrap([body], dhl)
    if connector == "royalmail":
        royalmail = lambda res: [dp.to_dict(r) for r in res if any(r.strip())]  # noqa: E731
        return lambda body: wrap([body], royalmail)
    if connector == "canadapost":  # a list of bodies; 2+ are bundled into <wrapper> (§4.6)
        return lambda body: wrap([body], lib.to_element)
    if connector == "dhl_express":
        return lambda body: wrap(body, lib.to_element)
    raise ValueError(f"unknown karrio connector {connector!r}")


def _parser(connector: str, number: str) -> Parse:
    """bytes-as-text → karrio (details, messages), as the SDK runs it after the HTTP call."""
    module = "usps" if connector == "usps_legacy" else connector
    settings_cls = import_module(f"karrio.mappers.{module}.settings").Settings
    settings = settings_cls(**_CREDENTIALS[connector])
    parse = import_module(f"karrio.providers.{module}.tracking").parse_tracking_response
    wrap = _wrapper(connector, number)

    def run(body: str) -> tuple[list[Any], list[Any]]:
        details, messages = parse(wrap(body), settings)
        return list(details), list(messages)

    return run


def _says(message: Any) -> bool:
    """A karrio Message that carries a code or a text (SF 2023.4 returns one with neither)."""
    return bool(getattr(message, "message", None) or getattr(message, "code", None))


def _check(parse: Parse, body: str, expect: str) -> dict[str, Any]:
    """One untimed run: karrio's counts, or why the document is not comparable."""
    try:
        details, messages = parse(body)
    except Exception as exc:  # karrio's own parser raising is a finding, not a crash of the bench
        return {"na": f"raises {type(exc).__name__}: {str(exc)[:60]}"}
    events = sum(len(getattr(d, "events", None) or []) for d in details)
    counts = {"details": len(details), "events": events, "messages": len(messages)}
    if expect == "events" and events == 0:
        said = "no tracking details" if not details else "details without events"
        empty = messages and not any(getattr(m, "message", None) for m in messages)
        extra = f", {len(messages)} {'empty ' if empty else ''}message(s)" if messages else ", no message"
        return {"na": said + extra}
    if expect == "errors" and not details and not any(_says(m) for m in messages):
        return {"na": "an empty error message" if messages else "no details and no message"}
    return counts


def _time(parse: Parse, raw: bytes, min_time: float, repeat: int) -> float:
    """Best-of-``repeat`` µs per parse, each round long enough (``min_time``) to be measurable."""
    loops = 1
    while True:  # calibrate: double the loop until one round takes min_time
        started = time.perf_counter()
        for _ in range(loops):
            parse(raw.decode("utf-8"))
        elapsed = time.perf_counter() - started
        if elapsed >= min_time or loops >= 1 << 20:
            break
        loops *= 2
    best = elapsed / loops
    for _ in range(repeat - 1):
        started = time.perf_counter()
        for _ in range(loops):
            parse(raw.decode("utf-8"))
        best = min(best, (time.perf_counter() - started) / loops)
    return best * 1e6


def run_job(job: dict[str, Any], min_time: float, repeat: int) -> dict[str, Any]:
    with open(job["path"], "rb") as handle:
        raw = handle.read()
    parse = _parser(job["connector"], job["tracking_number"])
    result = _check(parse, raw.decode("utf-8"), job["expect"])
    if "na" not in result:
        result["us"] = _time(parse, raw, min_time, repeat)
    return result


def main() -> int:
    request = json.load(sys.stdin)
    logging.getLogger().addHandler(logging.NullHandler())
    _block_network()
    _stub_proof_of_delivery()
    results = {job["id"]: run_job(job, request["min_time"], request["repeat"]) for job in request["jobs"]}
    json.dump({"karrio": metadata.version("karrio"), "results": results}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
