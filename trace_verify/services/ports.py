"""What the services need from carriers, as ports the composition root fills (``carriers`` is never
imported here): a document reader, live tracking clients, webhook signature checks and their secrets.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Final, Protocol

from trace_verify.domain.documents import DocumentReader


class TrackingClient(Protocol):
    """A live client: the raw tracking document of one number (raises on any failure).

    ``courier`` is the shipment's stored courier code (an aggregator's code for the courier that
    carries it: Kuaidi100's company code, AfterShip's slug); carriers that track by number ignore it.
    """

    def fetch(self, tracking_number: str, courier: str | None = None) -> bytes:
        """The carrier's raw answer for ``tracking_number``."""
        ...


#: ``verify_push(headers, body, secret) -> bool`` as ``carriers/<id>/push.py`` defines it.
PushVerifier = Callable[[Mapping[str, str], bytes, str], bool]

#: Header of the service's own webhook signature, for carriers whose adapter has no ``verify_push``.
SIGNATURE_HEADER: Final = "x-trace-verify-signature"

#: A carrier's minimum polling interval when its manifest gives none (ports built without the registry,
#: in tests): the manifest's own default (``carriers.spec.DEFAULT_MIN_POLL_INTERVAL``).
DEFAULT_POLL_INTERVAL: Final = timedelta(minutes=30)


def sign_push(body: bytes, secret: str) -> str:
    """``sha256=`` + hex HMAC-SHA256 of the raw body (the GitHub scheme, reliability.md §1.2)."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_signature_header(headers: Mapping[str, str], body: bytes, secret: str) -> bool:
    """The service's own scheme: :data:`SIGNATURE_HEADER` = :func:`sign_push`; constant-time compare."""
    if not secret:
        return False
    received = next((v for k, v in headers.items() if k.lower() == SIGNATURE_HEADER), None)
    if received is None:
        return False
    return hmac.compare_digest(sign_push(body, secret).encode("ascii"), received.strip().encode("utf-8"))


def no_breakers() -> Mapping[str, str]:
    """No live client, no breaker (offline verification)."""
    return {}


@dataclass(frozen=True)
class CarrierPorts:
    """The carrier side of the service, injected by the start-up (``trace_verify.startup``)."""

    documents: DocumentReader
    #: Adapter ids; an empty set accepts any id (the reader then decides).
    known: frozenset[str] = frozenset()
    clients: Mapping[str, TrackingClient] = field(default_factory=dict)
    push_verifiers: Mapping[str, PushVerifier] = field(default_factory=dict)
    webhook_secrets: Mapping[str, str] = field(default_factory=dict)
    #: For adapters whose signature covers part of a push only: that part (the push's identity).
    signed_contents: Mapping[str, Callable[[bytes], bytes | None]] = field(default_factory=dict)
    #: Seconds a re-verification waits for all its carrier calls together.
    refresh_budget_seconds: float = 10.0
    #: Each live carrier's breaker state (``closed``, ``half_open``, ``open``), read where it is kept:
    #: this process's memory, or Redis shared by every instance (the breaker-state gauge).
    breaker_states: Callable[[], Mapping[str, str]] = no_breakers
    #: Carrier id → the least time between two polls of one number (the manifest's ``min_poll_interval``).
    poll_intervals: Mapping[str, timedelta] = field(default_factory=dict)

    def poll_interval(self, carrier: str) -> timedelta:
        """How long after polling a number at ``carrier`` it may be polled again."""
        return self.poll_intervals.get(carrier, DEFAULT_POLL_INTERVAL)

    def push_verifier(self, carrier: str) -> PushVerifier:
        """The adapter's own check when it has one, else the service's signature header."""
        return self.push_verifiers.get(carrier, verify_signature_header)

    def push_identity(self, carrier: str, body: bytes) -> bytes:
        """What a push is de-duplicated on: what its signature covers (the whole body by default)."""
        content = self.signed_contents.get(carrier)
        signed = content(body) if content is not None else None
        return body if signed is None else signed

    def is_known(self, carrier: str) -> bool:
        """True for an adapter id (or any id when no list was given)."""
        return not self.known or carrier in self.known
