"""Canada Post VIS tracking in the carrier simulator (see carriers/simulator/README.md).

Canada Post authenticates with HTTP Basic (API user and password): ``auth="basic"`` checks them against the
simulator's client table. Unknown PINs get Canada Post's 404 ``messages`` body.
"""

from __future__ import annotations

from carriers.simulator.routes import RouteSpec

SIMULATOR_ROUTES = (
    RouteSpec(
        carrier="canadapost",
        method="GET",
        path="/vis/track/pin/<number>/detail",
        auth="basic",
        number_from="path:number",
        not_found_status=404,
        not_found_body=(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<messages xmlns="http://www.canadapost.ca/ws/messages">'
            "<message><code>004</code><description>No Pin History</description></message></messages>"
        ),
        unauthorized_body=(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<messages xmlns="http://www.canadapost.ca/ws/messages">'
            "<message><code>E002</code><description>AAA Authentication Failure</description></message>"
            "</messages>"
        ),
        content_type="application/vnd.cpc.track-v2+xml",
    ),
)
