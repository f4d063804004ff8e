"""What the simulator answers: carrier tracking routes and OAuth2 token endpoints, as plain data.

A :class:`RouteSpec` describes one tracking endpoint of a real carrier API: method, path (a Werkzeug rule,
``<number>`` for a path segment), how the caller authenticates, where the tracking number is read, and
the body the carrier sends when it knows no such number. Adapters add theirs by defining
``SIMULATOR_ROUTES: tuple[RouteSpec, ...]`` in ``carriers/<id>/sim_routes.py``; the simulator discovers
them (see README.md). The built-in specs below follow shared/reference/carriers.md §4.1–4.4.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AuthScheme = Literal["api_key", "bearer", "basic", "client_headers", "none"]
TokenStyle = Literal["ups", "fedex", "usps"]


@dataclass(frozen=True, slots=True)
class RouteSpec:
    """One carrier tracking endpoint.

    ``number_from``: ``"query:<param>"``, ``"path:<var>"``, ``"form:<field>"``, ``"json:<JSON pointer>"``
    (e.g. FedEx ``json:/trackingInfo/0/trackingNumberInfo/trackingNumber``),
    ``"form-json:<field>:<pointer>"``, ``"query-xml:<param>:<path>"`` or ``"body-xml:<path>"``
    (:mod:`carriers.simulator.numbers`).
    ``auth``: ``api_key`` (the header ``api_key_header`` holds a simulator key), ``bearer`` (a token from a
    token endpoint), ``basic`` (HTTP Basic with a simulator client id and secret), ``client_headers``
    (the id and secret in the headers ``client_id_header`` / ``client_secret_header``, as Royal Mail's
    ``X-IBM-Client-Id`` / ``X-IBM-Client-Secret``) or ``none``. ``not_found_body`` and
    ``unauthorized_body`` may contain ``{number}`` and ``{path}``; they are the carrier's own error
    documents, which adapters must parse.
    """

    carrier: str
    method: str
    path: str
    auth: AuthScheme
    number_from: str
    not_found_status: int
    not_found_body: str
    unauthorized_body: str
    api_key_header: str = ""
    client_id_header: str = ""
    client_secret_header: str = ""
    content_type: str = "application/json"


@dataclass(frozen=True, slots=True)
class TokenSpec:
    """An OAuth2 client-credentials token endpoint (RFC 6749 §4.4) in one carrier's response style."""

    carrier: str
    path: str
    style: TokenStyle


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

UPS_TRACK = RouteSpec(
    carrier="ups",
    method="GET",
    path="/api/track/v1/details/<number>",
    auth="bearer",
    number_from="path:number",
    not_found_status=200,
    not_found_body=(
        '{"trackResponse":{"shipment":[{"inquiryNumber":"{number}","package":[],'
        '"warnings":[{"code":"TW0001","message":"Tracking Information Not Found"}]}]}}'
    ),
    unauthorized_body=(
        '{"response":{"errors":[{"code":"250002","message":"Invalid Authentication Information."}]}}'
    ),
)

FEDEX_TRACK = RouteSpec(
    carrier="fedex",
    method="POST",
    path="/track/v1/trackingnumbers",
    auth="bearer",
    number_from="json:/trackingInfo/0/trackingNumberInfo/trackingNumber",
    not_found_status=200,
    not_found_body=(
        '{"transactionId":"sim","output":{"completeTrackResults":[{"trackingNumber":"{number}",'
        '"trackResults":[{"trackingNumberInfo":{"trackingNumber":"{number}"},'
        '"error":{"code":"TRACKING.TRACKINGNUMBER.NOTFOUND",'
        '"message":"Tracking number cannot be found. '
        'Please correct the tracking number and try again."}}]}]}}'
    ),
    unauthorized_body=(
        '{"transactionId":"sim","errors":[{"code":"NOT.AUTHORIZED.ERROR",'
        '"message":"Access token expired. Please modify your request and try again."}]}'
    ),
)

USPS_TRACK = RouteSpec(
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
)

BUILTIN_ROUTES: tuple[RouteSpec, ...] = (DHL_UNIFIED, UPS_TRACK, FEDEX_TRACK, USPS_TRACK)

BUILTIN_TOKEN_ENDPOINTS: tuple[TokenSpec, ...] = (
    TokenSpec("ups", "/security/v1/oauth/token", "ups"),
    TokenSpec("fedex", "/oauth/token", "fedex"),
    TokenSpec("usps", "/oauth2/v3/token", "usps"),
)
