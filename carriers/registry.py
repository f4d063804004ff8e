"""The carrier registry: the one list of adapters, looked up by id.

Adding a carrier means writing its package (with an ``ADAPTER``) and adding one line to
:data:`ADAPTERS`. The registry implements the domain's ``DocumentReader`` port, so the verifier
reads raw carrier documents inside bundles without knowing any carrier.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from carriers import (
    aftership,
    cainiao,
    canadapost,
    dhl,
    dhl_express,
    epcis,
    fedex,
    kuaidi100,
    royalmail,
    seventeentrack,
    sf,
    ups,
    usps,
)
from carriers.base import CarrierAdapter
from trace_verify.domain.documents import DocumentRejected, ParseResult

#: One line per adapter, in the order ``trace-verify carriers`` lists them.
ADAPTERS: Final[tuple[CarrierAdapter, ...]] = (
    dhl.ADAPTER,  # DHL Shipment Tracking – Unified API
    canadapost.ADAPTER,  # Canada Post VIS tracking XML
    royalmail.ADAPTER,  # Royal Mail Tracking API v2
    sf.ADAPTER,  # SF Express route query
    epcis.ADAPTER,  # GS1 EPCIS 2.0 documents, XML and JSON-LD
    dhl_express.ADAPTER,  # DHL Express: MyDHL API JSON and XML-PI
    usps.ADAPTER,  # USPS Tracking API v3 JSON and Web Tools TrackV2 XML
    ups.ADAPTER,  # UPS Track API v1 (OAuth2)
    kuaidi100.ADAPTER,  # Kuaidi100 real-time query and push
    cainiao.ADAPTER,  # Cainiao global tracking (format unverified)
    seventeentrack.ADAPTER,  # 17TRACK API v2.2 and webhook
    aftership.ADAPTER,  # AfterShip tracking API and webhook
    fedex.ADAPTER,  # FedEx Track API v1 (OAuth2)
)


class Registry:
    """Adapters by id, in registration order."""

    def __init__(self, adapters: Iterable[CarrierAdapter]) -> None:
        """Index ``adapters``; raises ValueError when two share an id."""
        self._adapters: dict[str, CarrierAdapter] = {}
        for adapter in adapters:
            if adapter.id in self._adapters:
                raise ValueError(f"two carrier adapters with id {adapter.id!r}")
            self._adapters[adapter.id] = adapter

    def get(self, carrier: str) -> CarrierAdapter | None:
        """The adapter with id ``carrier``, or None."""
        return self._adapters.get(carrier)

    def all(self) -> tuple[CarrierAdapter, ...]:
        """Every adapter, in registration order."""
        return tuple(self._adapters.values())

    def read(self, carrier: str, data: bytes) -> ParseResult:
        """Parse ``data`` as ``carrier``'s format (the ``DocumentReader`` port).

        Raises DocumentRejected: DOCUMENT_UNREADABLE for an unknown carrier id or a document that is
        not in the carrier's format, DOCUMENT_UNSAFE for a hostile one.
        """
        adapter = self._adapters.get(carrier)
        if adapter is None:
            raise DocumentRejected("DOCUMENT_UNREADABLE", f"no adapter for carrier {carrier[:40]!r}")
        return adapter.parse(data)


REGISTRY: Final = Registry(ADAPTERS)
