"""What the service's stored history says about the bundle's tracking numbers (rules.md §6a).

The verifier stays pure: the service looks the numbers up and passes a :class:`TrackingHistory` in;
offline verification passes none. Other orders are described only by their consumer and when they
first attached the number, never by id, so no finding can name another order or consumer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class OtherAttachment:
    """Another order that carries the same tracking number."""

    consumer_id: str | None
    first_stored_at: datetime


@dataclass(frozen=True, slots=True)
class NumberHistory:
    """One tracking number: when this order first stored it (None: not stored yet) and who else has it."""

    own_first_stored_at: datetime | None
    others: tuple[OtherAttachment, ...] = ()


@dataclass(frozen=True, slots=True)
class TrackingHistory:
    """History per normalised tracking number (``numbers.normalize_number``)."""

    numbers: dict[str, NumberHistory] = field(default_factory=dict)

    def get(self, number: str) -> NumberHistory | None:
        return self.numbers.get(number)
