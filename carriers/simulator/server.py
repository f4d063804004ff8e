"""Running the simulator: in the foreground (:func:`serve`) or in a background thread (:func:`running`).

Loopback only: the simulator holds test credentials and fault switches, and must never face a network.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, make_server

from carriers.simulator.app import SimulatorApp
from carriers.simulator.discovery import discover_routes


def build_app(
    fixtures_dir: Path,
    *,
    api_keys: tuple[str, ...] = ("sim-key",),
    clients: Mapping[str, str] | None = None,
    token_ttl: float = 3600.0,
) -> SimulatorApp:
    """The simulator with every known carrier route (built-in and discovered)."""
    routes, token_endpoints = discover_routes()
    return SimulatorApp(
        fixtures_dir, routes, token_endpoints, api_keys=api_keys, clients=clients, token_ttl=token_ttl
    )


def _check_loopback(host: str) -> None:
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"the carrier simulator only listens on loopback addresses, not {host!r}")


def _server(app: SimulatorApp, host: str, port: int) -> BaseWSGIServer:
    _check_loopback(host)
    return make_server(host, port, app, threaded=True)


def serve(host: str, port: int, fixtures_dir: Path, **options: object) -> None:
    """Serve until interrupted. ``options`` go to :func:`build_app`."""
    server = _server(build_app(fixtures_dir, **options), host, port)  # type: ignore[arg-type]
    try:
        server.serve_forever()
    finally:
        server.server_close()


@contextmanager
def running(app: SimulatorApp, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``app`` in a daemon thread for the block; yields the base URL (``port=0`` picks a free one)."""
    server = _server(app, host, port)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
