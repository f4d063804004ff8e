"""AfterShip tracking API and webhooks: the ``aftership`` adapter.

``SPEC`` is what the registry needs; :mod:`.parse` reads documents, :mod:`.codes` holds the tag and
subtag table, :mod:`.push` checks a webhook's signature, :mod:`.client` fetches.
"""

from __future__ import annotations

from typing import Final

from carriers.aftership.parse import parse_document
from carriers.aftership.push import verify_push
from carriers.spec import CarrierSpec, Numbers

__all__ = ["SPEC", "verify_push"]


SPEC: Final = CarrierSpec(
    id="aftership",
    name="AfterShip tracking API and webhook",
    formats=(
        "AfterShip tracking JSON (v4 data.tracking, 2024-xx data / data.trackings)",
        "AfterShip error JSON (meta.code ≥ 400)",
        "AfterShip webhook JSON (event, msg)",
    ),
    read=parse_document,
    format_note=(
        "Tags and verified subtags from AfterShip's enum documentation; checkpoint fields from AfterShip's "
        "official SDK models. InTransit_002/004/005/006 subtags, the 2024 country_region names and "
        "last_mile are used as documented but not checked against a captured response."
    ),
    verify_push=verify_push,
    simulator=f"{__name__}.sim_routes",
    numbers=Numbers(aggregator=True),
)
