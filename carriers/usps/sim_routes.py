"""Simulator route for USPS Tracking API v3 (see carriers/simulator/README.md).

Same path and bodies as the simulator's built-in ``usps`` route, restated here so that the adapter
owns them; fixtures are chosen by ``fixtures/carriers/usps/index.json`` (the folder also holds Web
Tools XML, which this JSON endpoint must never serve).
"""

from __future__ import annotations

from carriers.simulator.routes import RouteSpec, TokenSpec

SIMULATOR_ROUTES = (
    RouteSpec(
        carrier="usps",
        method="GET",
        path="/tracking/v3/tracking/<number>",
        auth="bearer",
        number_from="path:number",
        not_found_status=404,
        not_found_body=(
            '{"apiVersion":"3.0","error":{"code":"404","message":"Tracking number not found",'
            '"errors":[{"status":"404","code":"404","title":"Not Found","detail":"{number} not found"}]}}'
        ),
        unauthorized_body='{"apiVersion":"3.0","error":{"code":"401","message":"Unauthorized"}}',
    ),
)

SIMULATOR_TOKEN_ENDPOINTS: tuple[TokenSpec, ...] = (TokenSpec("usps", "/oauth2/v3/token", "numbers"),)
