"""Route specs the carrier adapters contribute: ``carriers/<id>/sim_routes.py`` defining
``SIMULATOR_ROUTES: tuple[RouteSpec, ...]`` (and optionally ``SIMULATOR_TOKEN_ENDPOINTS``)."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Sequence

import carriers
from carriers.simulator.routes import BUILTIN_ROUTES, BUILTIN_TOKEN_ENDPOINTS, RouteSpec, TokenSpec


def discover_routes() -> tuple[list[RouteSpec], list[TokenSpec]]:
    """Built-in specs, then each adapter's ``sim_routes`` (an adapter's spec replaces a built-in one)."""
    routes = {(spec.method, spec.path): spec for spec in BUILTIN_ROUTES}
    tokens = {spec.path: spec for spec in BUILTIN_TOKEN_ENDPOINTS}
    for info in pkgutil.iter_modules(carriers.__path__):
        if not info.ispkg or info.name.startswith("_") or info.name == "simulator":
            continue
        name = f"carriers.{info.name}.sim_routes"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        extra_routes: Sequence[RouteSpec] = getattr(module, "SIMULATOR_ROUTES", ())
        extra_tokens: Sequence[TokenSpec] = getattr(module, "SIMULATOR_TOKEN_ENDPOINTS", ())
        routes |= {(spec.method, spec.path): spec for spec in extra_routes}
        tokens |= {spec.path: spec for spec in extra_tokens}
    return list(routes.values()), list(tokens.values())
