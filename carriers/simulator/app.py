"""The simulator's WSGI application (Werkzeug only): carrier routes, token endpoints, faults, control.

Control endpoints (under ``/_sim``): ``POST /_sim/faults`` ``{"fault": "status=503", "times": 3,
"path": "/track/shipments"}`` queues faults; ``DELETE /_sim/faults`` clears them; ``GET /_sim/requests``
lists the requests seen (``DELETE`` resets the log); ``POST /_sim/tokens/expire`` makes every issued
token stale.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from email.utils import formatdate
from http import HTTPStatus
from pathlib import Path
from typing import Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from carriers.simulator.faults import MAX_DRIP_SECONDS, Fault, FaultQueue, FaultSyntaxError, parse_fault
from carriers.simulator.fixtures import FixtureStore
from carriers.simulator.numbers import tracking_number
from carriers.simulator.routes import RouteSpec, TokenSpec
from carriers.simulator.tokens import TokenStore

FAULT_HEADER = "X-Sim-Fault"
WSGIEnviron = dict[str, Any]
StartResponse = Any


@dataclass(frozen=True, slots=True)
class _Answer:
    """A response before faults that alter the body are applied."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()


def _json(status: int, doc: Mapping[str, Any], headers: tuple[tuple[str, str], ...] = ()) -> _Answer:
    return _Answer(status, json.dumps(doc, separators=(",", ":")).encode(), "application/json", headers)


class SimulatorApp:
    """Serves carrier APIs from fixtures. Credentials: ``api_keys`` for API-key routes, ``clients``
    (client id → secret) for the token endpoints; issued tokens live ``token_ttl`` seconds."""

    def __init__(
        self,
        fixtures_dir: Path,
        routes: Sequence[RouteSpec],
        token_endpoints: Sequence[TokenSpec],
        *,
        api_keys: Iterable[str] = ("sim-key",),
        clients: Mapping[str, str] | None = None,
        token_ttl: float = 3600.0,
    ) -> None:
        self.fixtures = FixtureStore(fixtures_dir)
        self.faults = FaultQueue()
        self.tokens = TokenStore(token_ttl)
        self.api_keys = frozenset(api_keys)
        self.clients = dict(clients or {"sim-client": "sim-secret"})
        self._routes = {f"route:{i}": spec for i, spec in enumerate(routes)}
        self._token_specs = {f"token:{i}": spec for i, spec in enumerate(token_endpoints)}
        rules = [Rule(s.path, endpoint=e, methods=[s.method]) for e, s in self._routes.items()]
        rules += [Rule(s.path, endpoint=e, methods=["POST"]) for e, s in self._token_specs.items()]
        self._map = Map(rules, strict_slashes=False)
        self._log_lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []

    def __call__(self, environ: WSGIEnviron, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        if request.path.startswith("/_sim/"):
            return self._control(request)(environ, start_response)
        with self._log_lock:
            self.requests.append((request.method, request.full_path.rstrip("?")))
        try:
            fault = self._fault_for(request)
        except FaultSyntaxError as exc:
            return _send(
                _json(400, {"title": "Bad X-Sim-Fault", "detail": str(exc)}), Fault(), start_response
            )
        if fault.latency:
            time.sleep(fault.latency)
        return _send(self._answer(request, fault), fault, start_response)

    def _fault_for(self, request: Request) -> Fault:
        header = request.headers.get(FAULT_HEADER)
        if header:
            return parse_fault(header)
        return self.faults.take(request.path) or Fault()

    def _answer(self, request: Request, fault: Fault) -> _Answer:
        if fault.status is not None:
            return _json(fault.status, {"status": fault.status, "title": "Simulated fault"})
        if fault.rate_limit:
            return _rate_limited(fault.retry_after)
        if fault.redirect:
            return _Answer(302, b"", "text/plain", (("Location", "http://127.0.0.1:9/redirected"),))
        try:
            endpoint, args = self._map.bind_to_environ(request.environ).match()
        except MethodNotAllowed:
            return _json(405, {"status": 405, "title": "Method not allowed"})
        except NotFound:
            return _json(404, {"status": 404, "title": "No such route in the simulator"})
        if endpoint in self._token_specs:
            return self._token(request, self._token_specs[endpoint])
        return self._track(request, self._routes[endpoint], args, fault)

    def _token(self, request: Request, spec: TokenSpec) -> _Answer:
        client_id, secret = _client_credentials(request)
        if request.form.get("grant_type") != "client_credentials":
            return _json(400, {"error": "unsupported_grant_type"})
        if client_id is None or self.clients.get(client_id) != secret:
            return _json(
                401, {"error": "invalid_client", "error_description": "Client authentication failed"}
            )
        token, ttl = self.tokens.issue(), int(self.tokens.ttl)
        issued_ms = str(int(time.time() * 1000))
        if spec.style == "strings":
            doc: dict[str, Any] = {"token_type": "Bearer", "issued_at": issued_ms, "client_id": client_id}
            doc |= {"access_token": token, "expires_in": str(ttl), "status": "approved"}
        elif spec.style == "plain":
            doc = {"access_token": token, "token_type": "bearer", "expires_in": ttl, "scope": "CXS"}
        else:
            doc = {
                "access_token": token,
                "token_type": "Bearer",
                "issued_at": int(issued_ms),
                "expires_in": ttl,
            }
            doc |= {"status": "approved", "scope": request.form.get("scope", "tracking")}
        return _json(200, doc, (("Cache-Control", "no-store"),))

    def _track(self, request: Request, spec: RouteSpec, args: Mapping[str, str], fault: Fault) -> _Answer:
        if fault.token is not None or not self._authorized(request, spec):
            body = spec.unauthorized_body.replace("{path}", request.full_path.rstrip("?"))
            challenge = 'Basic realm="simulator"' if spec.auth == "basic" else "Bearer"
            return _Answer(401, body.encode(), spec.content_type, (("WWW-Authenticate", challenge),))
        number = tracking_number(request, spec.number_from, args)
        if not number:
            return _json(400, {"title": "Bad request", "status": 400, "detail": "No tracking number given."})
        fixture = self.fixtures.find(spec.carrier, number)
        if fixture is None:
            body = spec.not_found_body.replace("{number}", number).replace(
                "{path}", request.full_path.rstrip("?")
            )
            return _Answer(spec.not_found_status, body.encode(), spec.content_type)
        return _Answer(fixture.status, fixture.body, fixture.content_type)

    def _authorized(self, request: Request, spec: RouteSpec) -> bool:
        if spec.auth == "none":
            return True
        if spec.auth == "api_key":
            return request.headers.get(spec.api_key_header, "") in self.api_keys
        if spec.auth == "basic":
            return self._known_client(*_basic_credentials(request))
        if spec.auth == "client_headers":
            headers = request.headers
            return self._known_client(
                headers.get(spec.client_id_header), headers.get(spec.client_secret_header)
            )
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and self.tokens.check(token.strip()) == "valid"

    def _known_client(self, client_id: str | None, secret: str | None) -> bool:
        return client_id is not None and secret is not None and self.clients.get(client_id) == secret

    def _control(self, request: Request) -> Response:
        try:
            return self._control_action(request)
        except (FaultSyntaxError, ValueError, KeyError, TypeError) as exc:
            return Response(json.dumps({"error": str(exc)}), 400, content_type="application/json")
        except HTTPException as exc:
            return Response(json.dumps({"error": exc.name}), exc.code or 400, content_type="application/json")

    def _control_action(self, request: Request) -> Response:
        action = (request.method, request.path)
        if action == ("POST", "/_sim/faults"):
            spec = json.loads(request.get_data() or b"{}")
            self.faults.add(
                parse_fault(spec["fault"]), path=spec.get("path", "/"), times=int(spec.get("times", 1))
            )
        elif action == ("DELETE", "/_sim/faults"):
            self.faults.clear()
        elif action == ("GET", "/_sim/requests"):
            with self._log_lock:
                seen = [{"method": m, "path": p} for m, p in self.requests]
            return Response(
                json.dumps({"count": len(seen), "requests": seen}), content_type="application/json"
            )
        elif action == ("DELETE", "/_sim/requests"):
            with self._log_lock:
                self.requests.clear()
        elif action == ("POST", "/_sim/tokens/expire"):
            self.tokens.expire_all()
        else:
            raise NotFound()
        return Response(status=204)


def _rate_limited(retry_after: str | None) -> _Answer:
    headers: tuple[tuple[str, str], ...] = ()
    if retry_after and retry_after.startswith("date+"):
        headers = (("Retry-After", formatdate(time.time() + float(retry_after[5:]), usegmt=True)),)
    elif retry_after:
        headers = (("Retry-After", retry_after),)
    return _json(
        429, {"status": 429, "title": "Too many requests", "detail": "Rate limit exceeded."}, headers
    )


def _client_credentials(request: Request) -> tuple[str | None, str | None]:
    """Client id and secret from HTTP Basic (``client_secret_basic``) or the form (``client_secret_post``)."""
    if request.headers.get("Authorization", "").partition(" ")[0].lower() == "basic":
        return _basic_credentials(request)
    return request.form.get("client_id"), request.form.get("client_secret")


def _basic_credentials(request: Request) -> tuple[str | None, str | None]:
    """User and password of an HTTP Basic ``Authorization`` header (RFC 7617); (None, None) otherwise."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        user, colon, secret = base64.b64decode(value.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    return (user, secret) if colon else (None, None)


def _send(answer: _Answer, fault: Fault, start_response: StartResponse) -> Iterable[bytes]:
    """Write the answer, altered by the body faults (oversize, truncate, drip)."""
    body = answer.body
    if fault.oversize is not None and fault.oversize > len(body):
        body += b" " * (fault.oversize - len(body))
    headers = [("Content-Type", answer.content_type), ("Content-Length", str(len(body))), *answer.headers]
    start_response(f"{answer.status} {_reason(answer.status)}", headers)
    if fault.truncate:
        return [body[: len(body) // 2]]  # the server closes the connection after every response
    if fault.drip is not None:
        return _drip(body, fault.drip)
    return [body]


def _drip(body: bytes, interval: float) -> Iterator[bytes]:
    deadline = time.monotonic() + MAX_DRIP_SECONDS
    for i in range(len(body)):
        if time.monotonic() > deadline:
            return
        yield body[i : i + 1]
        time.sleep(interval)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Status"
