"""Cainiao global tracking (菜鸟国际): the ``cainiao`` adapter.

``ADAPTER`` is what the registry needs; :mod:`.parse` reads documents, :mod:`.codes` holds the action-code
table, :mod:`.push` checks a LINK push's digest, :mod:`.client` fetches.
"""

from __future__ import annotations

from importlib.util import find_spec
from typing import Final

from carriers._common import PlaceIndex, default_places
from carriers.cainiao.parse import parse_document
from carriers.cainiao.push import verify_push
from trace_verify.domain.documents import ParseResult

__all__ = ["ADAPTER", "CainiaoAdapter", "verify_push"]


class CainiaoAdapter:
    """Reads Cainiao global tracking answers (global.cainiao.com detail JSON). Stateless."""

    id: Final = "cainiao"
    name: Final = "Cainiao global tracking"
    formats: Final = ("Cainiao global detail JSON (GET /global/detail.json, module[].detailList[])",)
    live: Final = find_spec(f"{__name__}.client") is not None
    format_verified: Final = False
    format_note: Final = (
        "No primary public source: Cainiao publishes no specification of its global tracking JSON. Field "
        "names and action codes come from real responses captured by public open-source clients; event "
        "countries are derived from each action code's side of the border; "
        "the LINK push digest is unverified."
    )

    def __init__(self, places: PlaceIndex | None = None) -> None:
        self._places = places

    def parse(self, data: bytes) -> ParseResult:
        """Parse one document; raises DocumentRejected for anything that is not one."""
        return parse_document(data, self._places or default_places())


ADAPTER: Final = CainiaoAdapter()
