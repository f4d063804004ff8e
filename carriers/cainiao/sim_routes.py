"""The simulator's Cainiao route: ``GET /global/detail.json`` from ``fixtures/carriers/cainiao``.

An unknown number gets Cainiao's own answer for one (a success with ``mailNoSource: EXTERNAL`` and no
events, verbatim as captured); the page takes no credentials.
"""

from __future__ import annotations

from carriers.simulator.routes import RouteSpec

CAINIAO_DETAIL = RouteSpec(
    carrier="cainiao",
    method="GET",
    path="/global/detail.json",
    auth="none",
    number_from="query:mailNos",
    not_found_status=200,
    not_found_body='{"module":[{"mailNo":"{number}","mailNoSource":"EXTERNAL","detailList":[]}],"success":true}',
    unauthorized_body='{"success":false,"errorCode":"SYSTEM_ERROR","errorMsg":"system error"}',
)

SIMULATOR_ROUTES = (CAINIAO_DETAIL,)
