"""Royal Mail Tracking API v2 in the carrier simulator (see carriers/simulator/README.md).

Royal Mail authenticates with two headers, ``X-IBM-Client-Id`` and ``X-IBM-Client-Secret``: the route
checks the pair against the simulator's client table (``auth="client_headers"``).
Unknown mail pieces get Royal Mail's 404 body (E1142).
"""

from __future__ import annotations

from carriers.simulator.routes import RouteSpec

SIMULATOR_ROUTES = (
    RouteSpec(
        carrier="royalmail",
        method="GET",
        path="/mailpieces/v2/<number>/events",
        auth="client_headers",
        client_id_header="X-IBM-Client-Id",
        client_secret_header="X-IBM-Client-Secret",
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
