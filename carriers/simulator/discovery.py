"""Route specs the carriers contribute: each spec's ``simulator`` module (``carriers/<id>/sim_routes.py``)
defines ``SIMULATOR_ROUTES: tuple[RouteSpec, ...]`` and optionally ``SIMULATOR_TOKEN_ENDPOINTS``."""

from __future__ import annotations

from carriers.registry import SPECS
from carriers.simulator.routes import RouteSpec, TokenSpec


def discover_routes() -> tuple[list[RouteSpec], list[TokenSpec]]:
    """Every carrier's routes and token endpoints, in the registry's order (one per method and path)."""
    routes: dict[tuple[str, str], RouteSpec] = {}
    tokens: dict[str, TokenSpec] = {}
    for spec in SPECS:
        spec_routes, spec_tokens = spec.simulator_routes()
        routes |= {(route.method, route.path): route for route in spec_routes}
        tokens |= {token.path: token for token in spec_tokens}
    return list(routes.values()), list(tokens.values())
