"""The simulator's DHL Unified route: ``GET /track/shipments`` from ``fixtures/carriers/dhl``.

DHL authenticates with the ``DHL-API-Key`` header; an unknown number gets DHL's RFC 7807 404 body, a wrong
key its 401 body (shared/reference/carriers.md §4.1).
"""

from __future__ import annotations

from carriers.simulator.routes import RouteSpec

DHL_UNIFIED = RouteSpec(
    carrier="dhl",
    method="GET",
    path="/track/shipments",
    auth="api_key",
    api_key_header="DHL-API-Key",
    number_from="query:trackingNumber",
    not_found_status=404,
    not_found_body=(
        '{"title":"No result found","status":404,'
        '"detail":"No shipment with given tracking number found.","instance":"{path}"}'
    ),
    unauthorized_body='{"title":"Unauthorized","status":401,"detail":"Invalid API key.","instance":"{path}"}',
    content_type="application/json",
)

SIMULATOR_ROUTES = (DHL_UNIFIED,)
