"""Cainiao global tracking (菜鸟国际): the ``cainiao`` adapter.

``SPEC`` is what the registry needs; :mod:`.parse` reads documents, :mod:`.codes` holds the action-code
table, :mod:`.push` checks a LINK push's digest, :mod:`.client` fetches.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from carriers.cainiao.parse import parse_document
from carriers.cainiao.push import verify_push
from carriers.spec import ByNumber, CarrierSpec, ClientSpec, Fetcher, Numbers

if TYPE_CHECKING:
    from carriers._fetch.guards import GuardStore

__all__ = ["SPEC", "verify_push"]


def _client(c: Mapping[str, str], guards: GuardStore) -> Fetcher:
    """The live client, built from its configuration (``requests`` is imported only now)."""
    from carriers.cainiao.client import CAINIAO_POLICY, CainiaoClient

    return ByNumber(CainiaoClient(c["base_url"], guards=guards.guards(CAINIAO_POLICY)))


SPEC: Final = CarrierSpec(
    id="cainiao",
    name="Cainiao global tracking",
    formats=("Cainiao global detail JSON (GET /global/detail.json, module[].detailList[])",),
    read=parse_document,
    format_verified=False,
    format_note=(
        "No primary public source: Cainiao publishes no specification of its global tracking JSON. Field "
        "names and action codes come from real responses captured by public open-source clients; event "
        "countries are derived from each action code's side of the border; "
        "the LINK push digest is unverified."
    ),
    client=ClientSpec(("base_url",), _client),
    verify_push=verify_push,
    simulator=f"{__name__}.sim_routes",
    numbers=Numbers(formats=(("cainiao", None),), operator_names=("菜鸟",), aggregator=True),
)
