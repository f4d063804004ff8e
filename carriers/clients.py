"""Building live tracking clients and webhook checks from plain configuration values, off the specs.

The start-up (``trace_verify.startup``) reads the settings and calls
:func:`build_clients` with one mapping per carrier id, e.g. ``{"dhl": {"base_url": …, "api_key": …}}``
(configured as ``TRACE_VERIFY_CARRIER_<ID>_<NAME>``, :meth:`carriers.spec.CarrierSpec.env_name`);
``carriers`` never reads configuration itself. A carrier whose required values are missing gets no
client (its stored documents are still read; re-verification simply does not refresh it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from carriers.registry import SPECS
from carriers.spec import CarrierSpec, Fetcher, PushCheck

__all__ = ["Fetcher", "PushCheck", "build_clients", "push_verifiers"]


def build_clients(
    config: Mapping[str, Mapping[str, str]], specs: Iterable[CarrierSpec] = SPECS
) -> dict[str, Fetcher]:
    """A live client for every carrier whose configuration has all the values its client needs."""
    clients: dict[str, Fetcher] = {}
    for spec in specs:
        values = config.get(spec.id, {})
        if spec.client is not None and all(values.get(name) for name in spec.client.settings):
            clients[spec.id] = spec.client.build(values)
    return clients


def push_verifiers(specs: Iterable[CarrierSpec] = SPECS) -> dict[str, PushCheck]:
    """``verify_push(headers, body, secret)`` of every carrier that signs its pushes."""
    return {spec.id: spec.verify_push for spec in specs if spec.verify_push is not None}
