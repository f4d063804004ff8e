"""17TRACK tracking API v2.2 and its webhook: the ``17track`` adapter (package ``seventeentrack``).

``SPEC`` is what the registry needs; :mod:`.parse` reads documents, :mod:`.codes` holds the status
tables, :mod:`.push` checks a webhook's signature, :mod:`.client` fetches.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from carriers.seventeentrack.parse import parse_document
from carriers.seventeentrack.push import verify_push
from carriers.spec import ByNumber, CarrierSpec, ClientSpec, Fetcher, Numbers

if TYPE_CHECKING:
    from carriers._fetch.guards import GuardStore

__all__ = ["SPEC", "verify_push"]


def _client(c: Mapping[str, str], guards: GuardStore) -> Fetcher:
    """The live client, built from its configuration (``requests`` is imported only now)."""
    from carriers.seventeentrack.client import SEVENTEENTRACK_POLICY, SeventeenTrackClient

    return ByNumber(
        SeventeenTrackClient(c["base_url"], c["api_key"], guards=guards.guards(SEVENTEENTRACK_POLICY))
    )


SPEC: Final = CarrierSpec(
    id="17track",
    name="17TRACK tracking API v2.2 and webhook",
    formats=(
        "17TRACK v2.2 JSON (POST /track/v2.2/gettrackinfo, accepted and rejected)",
        "17TRACK webhook push JSON (TRACKING_UPDATED, TRACKING_STOPPED)",
    ),
    read=parse_document,
    format_note=(
        "Field names from 17TRACK's published v2.2 documentation as reproduced by public clients and its "
        "webhook example; statuses from 17TRACK's help centre. Per-event sub_status and time_raw (v2.2 "
        "additions), error codes beyond -18019902 and 17TRACK carrier keys in fixtures are unverified."
    ),
    client=ClientSpec(("base_url", "api_key"), _client),
    verify_push=verify_push,
    simulator=f"{__name__}.sim_routes",
    numbers=Numbers(aggregator=True),
)
