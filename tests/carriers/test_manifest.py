"""A carrier is one manifest: its package's ``SPEC`` and one line in ``carriers/registry.py``.

Adding a carrier must stay "its package plus one line": so no module outside a carrier's package and
the registry's list spells a carrier id, and everything that used to keep its own list (clients,
simulator routes, configuration names, number attribution, the import-linter contract) is derived from
the specs — these tests hold both.
"""

from __future__ import annotations

import ast
import importlib
import tomllib
from pathlib import Path

from carriers import REGISTRY
from carriers.clients import build_clients, push_verifiers
from carriers.registry import SPECS
from carriers.simulator.discovery import discover_routes
from trace_verify.config import load_settings

ROOT = Path(__file__).resolve().parents[2]
IDS = {spec.id for spec in SPECS}


#: Each carrier's package: the folder whose ``__init__`` defines the ``SPEC`` the registry lists.
PACKAGES = {
    path.parent
    for path in (ROOT / "carriers").glob("*/__init__.py")
    if "SPEC"
    in {
        t.id
        for n in ast.parse(path.read_text()).body
        if isinstance(n, ast.AnnAssign)
        for t in [n.target]
        if isinstance(t, ast.Name)
    }
}


def _string_constants(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_no_carrier_id_is_spelled_outside_its_package_and_the_one_list() -> None:
    sources = [*(ROOT / "trace_verify").rglob("*.py"), *(ROOT / "carriers").rglob("*.py"), ROOT / "wsgi.py"]
    offenders = []
    for path in sorted(sources):
        if path == ROOT / "carriers" / "registry.py" or any(package in path.parents for package in PACKAGES):
            continue
        for line, text in _string_constants(path):
            if text in IDS:
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {text!r}")
    assert offenders == []


def test_the_specs_are_the_registry_in_order_one_per_carrier_package() -> None:
    assert REGISTRY.all() == SPECS
    specs = {importlib.import_module(".".join(p.relative_to(ROOT).parts)).SPEC for p in PACKAGES}
    assert specs == set(SPECS)
    for spec in SPECS:
        assert spec.numbers.aggregator or spec.numbers.formats, f"{spec.id} owns no number format"


def test_the_import_linter_contract_lists_exactly_the_carrier_packages() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    [independence] = [c for c in contracts if c["type"] == "independence"]
    packages = {".".join(p.relative_to(ROOT).parts) for p in PACKAGES}
    assert set(independence["modules"]) == packages


def test_configuration_names_are_derived_from_the_ids() -> None:
    """``TRACE_VERIFY_CARRIER_<ID>_<NAME>`` reaches the carrier's client for every declared setting."""
    environ = {spec.env_name(name): f"{spec.id}:{name}" for spec in SPECS for name in spec.settings()}
    settings = load_settings(environ)
    for spec in SPECS:
        assert settings.carriers[spec.id] == {name: f"{spec.id}:{name}" for name in spec.settings()}
    assert set(build_clients(settings.carriers)) == {spec.id for spec in SPECS if spec.live}
    assert set(settings.webhook_secrets()) == IDS


def test_push_checks_and_simulator_routes_come_from_the_specs() -> None:
    assert set(push_verifiers()) == {spec.id for spec in SPECS if spec.verify_push is not None}
    routes, tokens = discover_routes()
    assert {route.carrier for route in routes} == {spec.id for spec in SPECS if spec.simulator}
    assert {token.carrier for token in tokens} <= IDS
    assert all(spec.simulator for spec in SPECS if spec.live), "every live client is tested on the simulator"


def test_number_attribution_comes_from_the_specs() -> None:
    numbers = REGISTRY.numbers
    assert numbers.aggregators == {spec.id for spec in SPECS if spec.numbers.aggregator}
    for spec in SPECS:
        for courier in spec.numbers.couriers:
            assert numbers.for_courier[courier] == spec.id
        for country in spec.numbers.s10_countries:
            assert numbers.for_s10_country[country] == spec.id
        for name in spec.numbers.operator_names:
            assert numbers.formats_for_operator(name) == spec.numbers.formats
