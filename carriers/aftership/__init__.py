"""AfterShip tracking API and webhooks: the ``aftership`` adapter.

``ADAPTER`` is what the registry needs; :mod:`.parse` reads documents, :mod:`.codes` holds the tag and
subtag table, :mod:`.push` checks a webhook's signature, :mod:`.client` fetches.
"""

from __future__ import annotations

from importlib.util import find_spec
from typing import Final

from carriers._common import PlaceIndex, default_places
from carriers.aftership.parse import parse_document
from carriers.aftership.push import verify_push
from trace_verify.domain.documents import ParseResult

__all__ = ["ADAPTER", "AfterShipAdapter", "verify_push"]


class AfterShipAdapter:
    """Reads AfterShip tracking answers, errors and webhook bodies. Stateless."""

    id: Final = "aftership"
    name: Final = "AfterShip tracking API and webhook"
    formats: Final = (
        "AfterShip tracking JSON (v4 data.tracking, 2024-xx data / data.trackings)",
        "AfterShip error JSON (meta.code ≥ 400)",
        "AfterShip webhook JSON (event, msg)",
    )
    live: Final = find_spec(f"{__name__}.client") is not None
    format_verified: Final = True
    format_note: Final = (
        "Tags and verified subtags from AfterShip's enum documentation; checkpoint fields from AfterShip's "
        "official SDK models. InTransit_002/004/005/006 subtags, the 2024 country_region names and "
        "last_mile are used as documented but not checked against a captured response."
    )

    def __init__(self, places: PlaceIndex | None = None) -> None:
        self._places = places

    def parse(self, data: bytes) -> ParseResult:
        """Parse one document; raises DocumentRejected for anything that is not one."""
        return parse_document(data, self._places or default_places())


ADAPTER: Final = AfterShipAdapter()
