"""The simulator's UPS Track API route (carriers/simulator/README.md, "Adding a carrier's route").

UPS answers an unknown number with HTTP 200 and the warning ``TW0001`` (UPS-API/api-documentation#102)
and a refused token with ``{"response": {"errors": [{"code": "250002", ...}]}}``; the token endpoint is
``POST /security/v1/oauth/token`` with HTTP Basic client authentication (Tracking.yaml
``x-tokenEndpointAuthMethod: client_secret_basic``).
"""

from __future__ import annotations

from carriers.simulator.routes import RouteSpec, TokenSpec

SIMULATOR_ROUTES: tuple[RouteSpec, ...] = (
    RouteSpec(
        carrier="ups",
        method="GET",
        path="/api/track/v1/details/<number>",
        auth="bearer",
        number_from="path:number",
        not_found_status=200,
        not_found_body=(
            '{"trackResponse":{"shipment":[{"inquiryNumber":"{number}",'
            '"warnings":[{"code":"TW0001","message":"Tracking Information Not Found"}]}]}}'
        ),
        unauthorized_body=(
            '{"response":{"errors":[{"code":"250002","message":"Invalid Authentication Information."}]}}'
        ),
    ),
)

SIMULATOR_TOKEN_ENDPOINTS: tuple[TokenSpec, ...] = (TokenSpec("ups", "/security/v1/oauth/token", "strings"),)
