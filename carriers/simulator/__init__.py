"""A carrier API simulator for tests and demos: real API paths on loopback, answered from fixtures.

See README.md in this folder for the fixture convention, the route specs adapters add, and the faults.
"""

from __future__ import annotations

from carriers.simulator.app import FAULT_HEADER, SimulatorApp
from carriers.simulator.cli import main
from carriers.simulator.faults import Fault, parse_fault
from carriers.simulator.routes import RouteSpec, TokenSpec
from carriers.simulator.server import build_app, running, serve

__all__ = [
    "FAULT_HEADER",
    "Fault",
    "RouteSpec",
    "SimulatorApp",
    "TokenSpec",
    "build_app",
    "main",
    "parse_fault",
    "running",
    "serve",
]
