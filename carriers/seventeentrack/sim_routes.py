"""The simulator's 17TRACK route: ``gettrackinfo`` answered from ``fixtures/carriers/17track``.

An unregistered number gets 17TRACK's per-number refusal (-18019902) with HTTP 200; a wrong key gets the
request-level refusal (-18010002). Both bodies follow the v2.2 documentation's shapes.
"""

from __future__ import annotations

from carriers.simulator.routes import RouteSpec

SEVENTEENTRACK_GETTRACKINFO = RouteSpec(
    carrier="17track",
    method="POST",
    path="/track/v2.2/gettrackinfo",
    auth="api_key",
    api_key_header="17token",
    number_from="json:/0/number",
    not_found_status=200,
    not_found_body=(
        '{"code":0,"data":{"accepted":[],"rejected":[{"number":"{number}","error":{"code":-18019902,'
        '"message":"The tracking number \'{number}\' does not register, please register first."}}]}}'
    ),
    unauthorized_body=(
        '{"code":401,"data":{"errors":[{"code":-18010002,"message":"Security key is invalid."}]}}'
    ),
)

SIMULATOR_ROUTES = (SEVENTEENTRACK_GETTRACKINFO,)
