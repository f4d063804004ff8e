"""The carrier registry: the one list of carrier specs, and everything derived from it.

Adding a carrier means writing its package (with a :class:`~carriers.spec.CarrierSpec` named ``SPEC``)
and adding one line to :data:`SPECS`. The registry implements the domain's ``DocumentReader`` port, so
the verifier reads raw carrier documents inside bundles without knowing any carrier; the live clients
(:mod:`carriers.clients`), the simulator's routes, the configuration names and the tracking-number
attribution handed to the domain (:data:`NUMBERS`) are all read off the same list.
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
from carriers.spec import CarrierSpec
from trace_verify.domain.documents import DocumentRejected, ParseResult
from trace_verify.domain.numbers.carrier_map import CarrierNumbering, CarrierNumbers
from trace_verify.refdata import number_definitions

#: One line per carrier, in the order ``trace-verify carriers`` lists them.
SPECS: Final[tuple[CarrierSpec, ...]] = (
    dhl.SPEC,  # DHL Shipment Tracking – Unified API
    canadapost.SPEC,  # Canada Post VIS tracking XML
    royalmail.SPEC,  # Royal Mail Tracking API v2
    sf.SPEC,  # SF Express route query
    epcis.SPEC,  # GS1 EPCIS 2.0 documents, XML and JSON-LD
    dhl_express.SPEC,  # DHL Express: MyDHL API JSON and XML-PI
    usps.SPEC,  # USPS Tracking API v3 JSON and Web Tools TrackV2 XML
    ups.SPEC,  # UPS Track API v1 (OAuth2)
    kuaidi100.SPEC,  # Kuaidi100 real-time query and push
    cainiao.SPEC,  # Cainiao global tracking (format unverified)
    seventeentrack.SPEC,  # 17TRACK API v2.2 and webhook
    aftership.SPEC,  # AfterShip tracking API and webhook
    fedex.SPEC,  # FedEx Track API v1 (OAuth2)
)


def numbers_of(specs: Iterable[CarrierSpec]) -> CarrierNumbers:
    """The tracking-number attribution the domain is given (its reference port), from the specs."""
    return CarrierNumbers(
        (
            CarrierNumbering(
                carrier=spec.id,
                formats=spec.numbers.formats,
                couriers=spec.numbers.couriers,
                s10_countries=spec.numbers.s10_countries,
                operator_names=spec.numbers.operator_names,
                aggregator=spec.numbers.aggregator,
            )
            for spec in specs
        ),
        number_definitions(),
    )


class Registry:
    """Carrier specs by id, in registration order."""

    def __init__(self, specs: Iterable[CarrierSpec]) -> None:
        """Index ``specs``; raises ValueError when two share an id."""
        self._specs: dict[str, CarrierSpec] = {}
        for spec in specs:
            if spec.id in self._specs:
                raise ValueError(f"two carrier specs with id {spec.id!r}")
            self._specs[spec.id] = spec
        #: How the carriers relate to tracking-number formats (the domain's reference port).
        self.numbers: Final = numbers_of(self._specs.values())

    def get(self, carrier: str) -> CarrierSpec | None:
        """The spec with id ``carrier``, or None."""
        return self._specs.get(carrier)

    def all(self) -> tuple[CarrierSpec, ...]:
        """Every spec, in registration order."""
        return tuple(self._specs.values())

    def read(self, carrier: str, data: bytes) -> ParseResult:
        """Parse ``data`` as ``carrier``'s format (the ``DocumentReader`` port).

        Raises DocumentRejected: DOCUMENT_UNREADABLE for an unknown carrier id or a document that is
        not in the carrier's format, DOCUMENT_UNSAFE for a hostile one.
        """
        spec = self._specs.get(carrier)
        if spec is None:
            raise DocumentRejected("DOCUMENT_UNREADABLE", f"no adapter for carrier {carrier[:40]!r}")
        try:
            return spec.parse(data)
        except OverflowError:  # a wall-clock time with no UTC value (9999-12-31T23:00 at -05:00)
            raise DocumentRejected(
                "DOCUMENT_UNREADABLE", f"{carrier}: a date or time outside the representable range"
            ) from None


REGISTRY: Final = Registry(SPECS)
