"""The simulator's AfterShip route: ``GET /tracking/2024-10/trackings`` from ``fixtures/carriers/aftership``.

An unknown number gets AfterShip's 404 body (meta code 4004), a wrong key its 401 body.
"""

from __future__ import annotations

from carriers.simulator.routes import RouteSpec

AFTERSHIP_TRACKINGS = RouteSpec(
    carrier="aftership",
    method="GET",
    path="/tracking/2024-10/trackings",
    auth="api_key",
    api_key_header="as-api-key",
    number_from="query:tracking_numbers",
    not_found_status=404,
    not_found_body='{"meta":{"code":4004,"message":"Tracking does not exist.","type":"NotFound"},"data":{}}',
    unauthorized_body='{"meta":{"code":401,"message":"Invalid API key.","type":"Unauthorized"},"data":{}}',
)

SIMULATOR_ROUTES = (AFTERSHIP_TRACKINGS,)
