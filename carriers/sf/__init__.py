"""SF Express route query (open platform, signed form POST): the ``sf`` adapter.

``ADAPTER`` is the only name the registry needs; :mod:`carriers.sf.parse` reads, :mod:`carriers.sf.codes`
holds the code and text tables, ``carriers.sf.client`` fetches.
"""

from __future__ import annotations

from importlib.util import find_spec
from typing import Final

from carriers._common import PlaceIndex, default_places
from carriers.sf.parse import parse_document
from trace_verify.domain.documents import ParseResult


class SfAdapter:
    """Reads EXP_RECE_SEARCH_ROUTES answers: the envelope and its JSON-string ``apiResultData``."""

    id: Final = "sf"
    name: Final = "SF Express – route query (EXP_RECE_SEARCH_ROUTES)"
    formats: Final = (
        "SF open platform envelope JSON (apiResultCode, apiResultData as a JSON string)",
        "decoded apiResultData JSON (success, msgData.routeResps)",
    )
    live: Final = find_spec(f"{__name__}.client") is not None
    format_verified: Final = False
    format_note: Final = (
        "SF's developer documentation (qiao.sf-express.com) could not be consulted; the envelope and route "
        "fields come from public clients (karrio-sf-express 2023.4, Eagle1 sfex.ts, route captures). opCode "
        "meanings beyond 50/54/30/31/36/80 and the customs wording are unverified; times are Beijing time."
    )

    def __init__(self, places: PlaceIndex | None = None) -> None:
        """``places`` defaults to the shipped gazetteer, loaded on first parse."""
        self._places = places

    def parse(self, data: bytes) -> ParseResult:
        """Parse one answer; raises DocumentRejected for anything that is not one."""
        return parse_document(data, self._places or default_places())


ADAPTER: Final = SfAdapter()
