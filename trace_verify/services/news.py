"""New carrier evidence for a stored order, and who is told of it.

rules.md §8.1: a complaint left in manual review because its path rests on the merchant's word is
re-checked when the carrier's own evidence for its shipments arrives — a refresh or a verified push —
unless staff decided first. The services that store carrier evidence call a :data:`CarrierNews`
callback, in their own transaction, with each order the carrier said something new about; the
composition root (``startup``) connects it to the complaints' re-check.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from trace_verify.db.models import Shipment
from trace_verify.db.repositories import carrier_events

#: ``news(session, order_id, now)``: the carrier said something new about the order.
CarrierNews = Callable[[Session, str, datetime], object]


class NewsWatch:
    """Collects the orders whose shipments gained carrier-vouched events while evidence is stored."""

    def __init__(self) -> None:
        self._before: dict[int, frozenset[str]] = {}
        self._orders: dict[int, str] = {}
        self.orders: set[str] = set()

    def before(self, shipment: Shipment) -> None:
        """Note what the carrier vouched for in ``shipment`` before new evidence is stored."""
        self._before.setdefault(shipment.id, carrier_events(shipment))
        self._orders[shipment.id] = shipment.order_id

    def after(self, shipment: Shipment) -> None:
        """Compare: an event (or an event's stronger source) the carrier had not vouched for is news."""
        if carrier_events(shipment) - self._before.get(shipment.id, frozenset()):
            self.orders.add(shipment.order_id)

    def tell(self, news: CarrierNews | None, session: Session, now: datetime) -> None:
        """Call ``news`` once per order with news, in order id order (no-op without a listener)."""
        if news is None:
            return
        for order_id in sorted(self.orders):
            news(session, order_id, now)
