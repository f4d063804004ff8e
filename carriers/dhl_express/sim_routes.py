"""Simulator route for MyDHL API tracking (see carriers/simulator/README.md).

MyDHL API authenticates with HTTP Basic (``auth="basic"``): user and password are checked against the
simulator's client table.
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
        auth="basic",
        number_from="path:number",
        not_found_status=404,
        not_found_body=(
            '{"instance":"/expressapi/shipments/{number}/tracking","title":"No data found","status":"404"}'
        ),
        unauthorized_body='{"instance":"{path}","title":"Unauthorized","status":"401"}',
        content_type="application/json",
    ),
)
