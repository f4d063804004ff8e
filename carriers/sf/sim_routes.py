"""SF Express's route query in the carrier simulator (see carriers/simulator/README.md).

SF carries the waybill inside the ``msgData`` form field (JSON), and the simulator looks fixtures up by the
field's whole value, so ``fixtures/carriers/sf/index.json`` is keyed by the exact ``msgData`` that
``carriers.sf.client.route_query(waybill)`` produces. The signature is not checked here (``auth="none"``);
the client tests check it. An unknown waybill gets a business failure "运单号不存在" (waybill unknown).
"""

from __future__ import annotations

from carriers.simulator.routes import RouteSpec

SIMULATOR_ROUTES = (
    RouteSpec(
        carrier="sf",
        method="POST",
        path="/std/service",
        auth="none",
        number_from="form:msgData",
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
