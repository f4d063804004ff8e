"""Royal Mail Tracking API v2 in the carrier simulator (see carriers/simulator/README.md).

The simulator checks one API-key header: ``X-IBM-Client-Id`` must be a simulator key (``sim-key``).
Unknown mail pieces get Royal Mail's 404 body (E1142).
"""

from __future__ import annotations

from carriers.simulator.routes import RouteSpec

SIMULATOR_ROUTES = (
    RouteSpec(
        carrier="royalmail",
        method="GET",
        path="/mailpieces/v2/<number>/events",
        auth="api_key",
        api_key_header="X-IBM-Client-Id",
        number_from="path:number",
        not_found_status=404,
        not_found_body=(
            '{"httpCode":"404","httpMessage":"Not Found","moreInformation":"The item could not be found",'
            '"errors":[{"errorCode":"E1142",'
            '"errorDescription":"Barcode reference mailPieceId isn\'t recognised",'
            '"errorCause":"A mail item with that barcode cannot be located",'
            '"errorResolution":"Check barcode and resubmit"}]}'
        ),
        unauthorized_body=(
            '{"httpCode":"401","httpMessage":"Unauthorized","moreInformation":"Client id not registered."}'
        ),
        content_type="application/json",
    ),
)
