"""The carrier manifest: everything the rest of the service knows about one carrier, in one typed value.

Each ``carriers/<package>/__init__.py`` exports one :class:`CarrierSpec` as ``SPEC`` and
:mod:`carriers.registry` lists them once; the registry, the live clients (:mod:`carriers.clients`),
the simulator's routes, the configuration names, the tracking-number attribution the domain is given
and ``trace-verify carriers`` are all derived from that list. Adding a carrier is its package plus
one line in the list; nothing else spells its id (``tests/carriers/test_manifest.py`` holds that).

A spec is data plus three functions: ``read`` (pure: bytes and a gazetteer → events and errors),
``client`` (builds the live fetcher from plain configuration values, importing ``requests`` only
then) and ``verify_push`` (checks a pushed body's signature, where the carrier signs pushes).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final, Protocol

from carriers._common import PlaceIndex, default_places
from trace_verify.domain.documents import ParseResult

if TYPE_CHECKING:  # the fetch machinery imports requests: only a client's build does
    from carriers._fetch.guards import GuardStore

#: ``(courier_code, definition keys or None for all)``: tracking-number formats of the
#: tracking_number_data courier files (``trace_verify/data/numbers``) a carrier's shipments carry.
NumberFormat = tuple[str, frozenset[str] | None]

#: ``verify_push(headers, body, secret) -> bool``.
PushCheck = Callable[[Mapping[str, str], bytes, str], bool]

#: The minimum time between two polls of one tracking number, for carriers that publish no per-number
#: rule. Kuaidi100's is the only per-number rule in the references (carriers.md §6.3: polled more often
#: than every 30 minutes, a number is locked); the others publish account quotas only (FedEx 1,400 calls
#: per 10 s, DHL 250 a day, USPS 60 an hour: carriers.md §4), which the rate limiter enforces. Carriers'
#: scans rarely change a parcel's state faster, so 30 minutes loses no news and keeps every quota.
DEFAULT_MIN_POLL_INTERVAL: Final = timedelta(minutes=30)

#: Prefix of every carrier configuration variable: ``TRACE_VERIFY_CARRIER_<ID>_<NAME>``.
ENV_PREFIX: Final = "TRACE_VERIFY_CARRIER_"


class Fetcher(Protocol):
    """What the service calls: the raw tracking document of one number.

    ``courier`` is what an aggregator needs besides the number to find the parcel (Kuaidi100's company
    code, AfterShip's slug), as stored with the shipment; carriers that track by number ignore it.
    """

    def fetch(self, tracking_number: str, courier: str | None = None) -> bytes:
        """The carrier's raw answer."""
        ...


class NumberClient(Protocol):
    """A carrier client that finds a parcel by its number alone."""

    def fetch(self, tracking_number: str) -> bytes:
        """The carrier's raw answer."""
        ...


class CourierClient(Protocol):
    """An aggregator's client: it needs its code for the courier as well as the number."""

    def fetch(self, courier: str, tracking_number: str) -> bytes:
        """The aggregator's raw answer."""
        ...


class CourierUnknown(ValueError):
    """An aggregator fetch without a courier code: none was stored and none follows from the number."""

    code: Final = "courier_unknown"


@dataclass(frozen=True, slots=True)
class ByNumber:
    """A :class:`Fetcher` over a client that needs only the number."""

    client: NumberClient

    def fetch(self, tracking_number: str, courier: str | None = None) -> bytes:
        """The carrier's raw answer; ``courier`` means nothing to this carrier."""
        return self.client.fetch(tracking_number)


@dataclass(frozen=True, slots=True)
class ByCourier:
    """A :class:`Fetcher` over an aggregator's client: the stored courier code, else one derived from
    the number (``derive``); neither is :class:`CourierUnknown`, reported as a failed refresh."""

    client: CourierClient
    derive: Callable[[str], str | None]

    def fetch(self, tracking_number: str, courier: str | None = None) -> bytes:
        """The aggregator's raw answer for the number under ``courier`` (or the derived code)."""
        code = courier or self.derive(tracking_number)
        if not code:
            raise CourierUnknown("no courier code stored for the shipment, and the number names none")
        return self.client.fetch(code, tracking_number)


@dataclass(frozen=True, slots=True)
class ClientSpec:
    """How a live client is built: the configuration values it needs and the factory.

    ``settings`` are lower-case names (``base_url``, ``api_key``…); each is configured as
    ``TRACE_VERIFY_CARRIER_<ID>_<NAME>`` (:meth:`CarrierSpec.env_name`). ``build`` receives them all,
    and the :class:`~carriers._fetch.guards.GuardStore` the client takes its breaker and rate limit from
    (in memory, or shared through Redis: the start-up decides).
    """

    settings: tuple[str, ...]
    build: Callable[[Mapping[str, str], GuardStore], Fetcher]


@dataclass(frozen=True, slots=True)
class Numbers:
    """The tracking-number formats a carrier owns, for the domain's number attribution.

    ``formats``: the formats its own shipments carry. ``couriers``: courier codes of the format data
    whose numbers this carrier tracks (``trace-verify number`` names it for them). ``s10_countries``:
    the UPU S10 suffixes it is the post of. ``operator_names``: other spellings of it in an
    aggregator's ``operator`` field. ``aggregator``: it reports other carriers' scans, so a number is
    judged by the formats of the operators that scanned it.
    """

    formats: tuple[NumberFormat, ...] = ()
    couriers: tuple[str, ...] = ()
    s10_countries: tuple[str, ...] = ()
    operator_names: tuple[str, ...] = ()
    aggregator: bool = False


@dataclass(frozen=True, slots=True)
class CarrierSpec:
    """One carrier: its id, names, formats, reader, client, push check, simulator routes and numbers."""

    id: str
    name: str
    formats: tuple[str, ...]
    read: Callable[[bytes, PlaceIndex], ParseResult]
    format_verified: bool = True
    format_note: str = ""
    client: ClientSpec | None = None
    verify_push: PushCheck | None = None
    #: Module defining ``SIMULATOR_ROUTES`` (and optionally ``SIMULATOR_TOKEN_ENDPOINTS``), imported
    #: only when the simulator starts (it pulls in Werkzeug).
    simulator: str | None = None
    numbers: Numbers = Numbers()
    #: Never poll one tracking number more often than this (the scheduled refresh, complaint filings
    #: and re-verifications all claim a poll first: ``trace_verify/services/polls.py``).
    min_poll_interval: timedelta = DEFAULT_MIN_POLL_INTERVAL

    @property
    def live(self) -> bool:
        """True when a live client is built for this carrier (given its configuration)."""
        return self.client is not None

    def parse(self, data: bytes, places: PlaceIndex | None = None) -> ParseResult:
        """Read one raw document; raises DocumentRejected when it is not this carrier's format."""
        return self.read(data, places or default_places())

    def env_name(self, setting: str) -> str:
        """``TRACE_VERIFY_CARRIER_<ID>_<SETTING>``: the id upper-cased, ``-`` as ``_``."""
        return f"{ENV_PREFIX}{self.id.upper().replace('-', '_')}_{setting.upper()}"

    def settings(self) -> tuple[str, ...]:
        """Every configuration value this carrier reads: its client's, and the push secret."""
        return (*(self.client.settings if self.client else ()), "webhook_secret")

    def simulator_routes(self) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        """``(SIMULATOR_ROUTES, SIMULATOR_TOKEN_ENDPOINTS)`` of :attr:`simulator` (empty without one)."""
        if self.simulator is None:
            return (), ()
        module = importlib.import_module(self.simulator)
        return tuple(getattr(module, "SIMULATOR_ROUTES", ())), tuple(
            getattr(module, "SIMULATOR_TOKEN_ENDPOINTS", ())
        )


def spec_to_json(spec: CarrierSpec) -> dict[str, Any]:
    """One row of ``trace-verify carriers --json``."""
    return {
        "id": spec.id,
        "name": spec.name,
        "formats": list(spec.formats),
        "live": spec.live,
        "format_verified": spec.format_verified,
        "format_note": spec.format_note,
    }
