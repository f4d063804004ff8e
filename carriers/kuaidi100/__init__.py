"""Kuaidi100 (快递100) real-time query and subscription push: the ``kuaidi100`` adapter.

``SPEC`` is what the registry needs; :mod:`.parse` reads documents, :mod:`.codes` holds the state table,
:mod:`.push` checks a push's signature, :mod:`.client` fetches.
"""

from __future__ import annotations

from typing import Final

from carriers.kuaidi100.parse import parse_document
from carriers.kuaidi100.push import verify_push
from carriers.spec import CarrierSpec, Numbers

__all__ = ["SPEC", "verify_push"]


SPEC: Final = CarrierSpec(
    id="kuaidi100",
    name="Kuaidi100 (快递100) real-time query and push",
    formats=(
        "Kuaidi100 query JSON (POST /poll/query.do)",
        "Kuaidi100 refusal JSON (result=false, returnCode)",
        "Kuaidi100 subscription push (form param=<JSON>&sign=…, or the param JSON)",
    ),
    read=parse_document,
    format_note=(
        "Field names and state codes from Kuaidi100's documentation (api.kuaidi100.com, apifox mirror) "
        "and its official demo SDK; returnCode meanings other than 500 and the Chinese customs and "
        "hand-over wording are from public captures, not the documentation. "
        "Times are read as Beijing time for every leg."
    ),
    verify_push=verify_push,
    simulator=f"{__name__}.sim_routes",
    numbers=Numbers(aggregator=True),
)
