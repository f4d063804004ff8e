"""SF Express's route query in the carrier simulator (see carriers/simulator/README.md).

SF carries the waybill inside the ``msgData`` form field (JSON ``{"trackingNumber": [waybill], …}``):
the route reads it at ``/trackingNumber/0`` (``form-json:msgData:/trackingNumber/0``), and
``fixtures/carriers/sf/index.json`` maps waybills to files. The signature is not checked here
(``auth="none"``); the client tests check it. An unknown waybill gets a business failure "运单号不存在"
(waybill unknown).
"""

from __future__ import annotations

from carriers.simulator.routes import RouteSpec

SIMULATOR_ROUTES = (
    RouteSpec(
        carrier="sf",
        method="POST",
        path="/std/service",
        auth="none",
        number_from="form-json:msgData:/trackingNumber/0",
        not_found_status=200,
        not_found_body=(
            '{"apiErrorMsg":"","apiResponseID":"00000000000000000000000000000000","apiResultCode":"A1000",'
            '"apiResultData":"{\\"success\\":false,\\"errorCode\\":\\"8152\\",'
            '\\"errorMsg\\":\\"运单号不存在\\",\\"msgData\\":null}"}'
        ),
        unauthorized_body=(
            '{"apiErrorMsg":"数字签名无效","apiResponseID":"00000000000000000000000000000000",'
            '"apiResultCode":"A1006","apiResultData":null}'
        ),
        content_type="application/json;charset=UTF-8",
    ),
)
