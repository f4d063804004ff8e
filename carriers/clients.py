"""Building live tracking clients and webhook checks from plain configuration values, off the specs.

The start-up (``trace_verify.startup``) reads the settings and calls
:func:`build_clients` with one mapping per carrier id, e.g. ``{"dhl": {"base_url": …, "api_key": …}}``
(configured as ``TRACE_VERIFY_CARRIER_<ID>_<NAME>``, :meth:`carriers.spec.CarrierSpec.env_name`);
``carriers`` never reads configuration itself. A carrier whose required values are missing gets no
client (its stored documents are still read; re-verification simply does not refresh it).

Every client takes its breaker and rate limit from the one :class:`~carriers._fetch.guards.GuardStore`
the start-up passes (in this process's memory, or shared through Redis by every instance).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from carriers.registry import SPECS
from carriers.spec import CarrierSpec, Fetcher, PushCheck

if TYPE_CHECKING:
    from carriers._fetch.guards import GuardStore

__all__ = ["Fetcher", "PushCheck", "build_clients", "push_verifiers"]


def build_clients(
    config: Mapping[str, Mapping[str, str]],
    specs: Iterable[CarrierSpec] = SPECS,
    guards: GuardStore | None = None,
) -> dict[str, Fetcher]:
    """A live client for every carrier whose configuration has all the values its client needs,
    guarded by ``guards`` (default: this process's :data:`~carriers._fetch.guards.PROCESS_GUARDS`)."""
    clients: dict[str, Fetcher] = {}
    for spec in specs:
        values = config.get(spec.id, {})
        if spec.client is not None and all(values.get(name) for name in spec.client.settings):
            if guards is None:
                from carriers._fetch.guards import PROCESS_GUARDS

                guards = PROCESS_GUARDS
            clients[spec.id] = spec.client.build(values, guards)
    return clients


def push_verifiers(specs: Iterable[CarrierSpec] = SPECS) -> dict[str, PushCheck]:
    """``verify_push(headers, body, secret)`` of every carrier that signs its pushes."""
    return {spec.id: spec.verify_push for spec in specs if spec.verify_push is not None}


def push_signed_contents(specs: Iterable[CarrierSpec] = SPECS) -> dict[str, Callable[[bytes], bytes | None]]:
    """``signed_content(body)`` of every carrier whose signature covers part of a push only; it lives
    next to the carrier's ``verify_push`` (Kuaidi100 signs only its ``param`` field)."""
    found: dict[str, Callable[[bytes], bytes | None]] = {}
    for spec in specs:
        if spec.verify_push is None:
            continue
        module: Any = importlib.import_module(spec.verify_push.__module__)
        content = getattr(module, "signed_content", None)
        if callable(content):
            found[spec.id] = content
    return found
