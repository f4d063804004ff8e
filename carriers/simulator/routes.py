"""What the simulator answers: carrier tracking routes and OAuth2 token endpoints, as plain data.

A :class:`RouteSpec` describes one tracking endpoint of a real carrier API: method, path (a Werkzeug rule,
``<number>`` for a path segment), how the caller authenticates, where the tracking number is read, and
the body the carrier sends when it knows no such number. Adapters add theirs by defining
``SIMULATOR_ROUTES: tuple[RouteSpec, ...]`` in ``carriers/<id>/sim_routes.py``, named by their
:class:`carriers.spec.CarrierSpec` (``simulator``); the simulator takes them from the registry's specs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AuthScheme = Literal["api_key", "bearer", "basic", "client_headers", "none"]
#: How the token answer is written: ``strings`` (``issued_at`` / ``expires_in`` as strings and
#: ``status: approved``, UPS), ``plain`` (RFC 6749 with a ``scope``, FedEx), ``numbers`` (integers and
#: ``status: approved``, USPS).
TokenStyle = Literal["strings", "plain", "numbers"]


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
