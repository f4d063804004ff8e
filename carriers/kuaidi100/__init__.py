"""Kuaidi100 (快递100) real-time query and subscription push: the ``kuaidi100`` adapter.

``ADAPTER`` is what the registry needs; :mod:`.parse` reads documents, :mod:`.codes` holds the state table,
:mod:`.push` checks a push's signature, :mod:`.client` fetches.
"""

from __future__ import annotations

from importlib.util import find_spec
from typing import Final

from carriers._common import default_places
from carriers.kuaidi100.parse import PlaceIndex, parse_document
from carriers.kuaidi100.push import verify_push
from trace_verify.domain.documents import ParseResult

__all__ = ["ADAPTER", "Kuaidi100Adapter", "verify_push"]


class Kuaidi100Adapter:
    """Reads Kuaidi100 query answers, refusals and push bodies. Stateless."""

    id: Final = "kuaidi100"
    name: Final = "Kuaidi100 (快递100) real-time query and push"
    formats: Final = (
        "Kuaidi100 query JSON (POST /poll/query.do)",
        "Kuaidi100 refusal JSON (result=false, returnCode)",
        "Kuaidi100 subscription push (form param=<JSON>&sign=…, or the param JSON)",
    )
    live: Final = find_spec(f"{__name__}.client") is not None
    format_verified: Final = True
    format_note: Final = (
        "Field names and state codes from Kuaidi100's documentation (api.kuaidi100.com, apifox mirror) "
        "and its official demo SDK; returnCode meanings other than 500 and the Chinese customs and "
        "hand-over wording are from public captures, not the documentation. "
        "Times are read as Beijing time for every leg."
    )

    def __init__(self, places: PlaceIndex | None = None) -> None:
        self._places = places

    def parse(self, data: bytes) -> ParseResult:
        """Parse one document; raises DocumentRejected for anything that is not one."""
        return parse_document(data, self._places or default_places())


ADAPTER: Final = Kuaidi100Adapter()
