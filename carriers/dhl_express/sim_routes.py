"""Simulator route for MyDHL API tracking (see carriers/simulator/README.md).

The simulator has no HTTP Basic scheme; the route checks the ``Authorization`` header as an API key,
so a test starts the simulator with ``api_keys`` holding ``basic_credentials(user, password)``.
Fixtures are chosen by ``fixtures/carriers/dhl-express/index.json`` (the folder also holds XML-PI
documents, which this JSON endpoint must never serve).
"""

from __future__ import annotations

from carriers.simulator.routes import RouteSpec

SIMULATOR_ROUTES = (
    RouteSpec(
        carrier="dhl-express",
        method="GET",
        path="/mydhlapi/shipments/<number>/tracking",
        auth="api_key",
        api_key_header="Authorization",
        number_from="path:number",
        not_found_status=404,
        not_found_body=(
            '{"instance":"/expressapi/shipments/{number}/tracking","title":"No data found","status":"404"}'
        ),
        unauthorized_body='{"instance":"{path}","title":"Unauthorized","status":"401"}',
        content_type="application/json",
    ),
)
