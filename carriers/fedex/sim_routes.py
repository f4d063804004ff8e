"""The simulator's FedEx Track API route (carriers/simulator/README.md, "Adding a carrier's route").

FedEx answers an unknown number with HTTP 200 and ``trackResults[].error``
``TRACKING.TRACKINGNUMBER.NOTFOUND`` and a refused token with the OpenAPI's 401 example
(``NOT.AUTHORIZED.ERROR``); the token endpoint is ``POST /oauth/token`` with the client id and secret
in the form (carriers.md §4.2).
"""

from __future__ import annotations

from carriers.simulator.routes import RouteSpec, TokenSpec

SIMULATOR_ROUTES: tuple[RouteSpec, ...] = (
    RouteSpec(
        carrier="fedex",
        method="POST",
        path="/track/v1/trackingnumbers",
        auth="bearer",
        number_from="json:/trackingInfo/0/trackingNumberInfo/trackingNumber",
        not_found_status=200,
        not_found_body=(
            '{"transactionId":"sim","output":{"completeTrackResults":[{"trackingNumber":"{number}",'
            '"trackResults":[{"trackingNumberInfo":{"trackingNumber":"{number}","trackingNumberUniqueId":"",'
            '"carrierCode":""},"error":{"code":"TRACKING.TRACKINGNUMBER.NOTFOUND",'
            '"message":"Tracking number cannot be found. '
            'Please correct the tracking number and try again."}}]}]}}'
        ),
        unauthorized_body=(
            '{"transactionId":"sim","errors":[{"code":"NOT.AUTHORIZED.ERROR",'
            '"message":"Access token expired. Please modify your request and try again."}]}'
        ),
    ),
)

SIMULATOR_TOKEN_ENDPOINTS: tuple[TokenSpec, ...] = (TokenSpec("fedex", "/oauth/token", "plain"),)
