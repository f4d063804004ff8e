"""Never a 500 for bad input: schemathesis drives every documented operation of the HTTP API.

The schema is the service's own ``/api/v1/openapi.json``; every generated request (valid and invalid
bodies, parameters and headers) must get a non-5xx answer whose status code is documented for the
operation and whose body matches the documented schema. One pass sends the platform's key (every
endpoint serves it), a second merchant A's key (tenant checks, 403/404 paths). The world is built
once per module on a fresh migrated SQLite database (tenants A and B with an order each).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import CheckFunction
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.support import World, auth, build_world, make_app
from tests.db.support import migrated, sqlite_url
from trace_verify.db.session import Database

#: Examples per operation and pass: enough to reach the error paths, small enough to stay well under a minute.
EXAMPLES = 20

pytestmark = pytest.mark.slow

#: ST202 (positive_data_acceptance) expects every schema-valid request to succeed, but some of the
#: API's 400s come from rules no JSON Schema here expresses: an *assigned* ISO 3166 / ISO 4217 code
#: ("AA", "AAA" match the documented pattern), a pagination cursor the API itself issued. Those 400s
#: are documented and correct, so this check alone is off; every other default check stays on.
EXCLUDED: list[CheckFunction] = [positive_data_acceptance]


def _excluded(case: Case[Any]) -> list[CheckFunction]:
    """The checks off for ``case``: :data:`EXCLUDED` (undeclared query parameters are refused, so ST201
    stays on everywhere)."""
    return EXCLUDED


class _WorldApp:
    """The WSGI app schemathesis calls: forwards to the module's world, built when the tests run."""

    target: Flask | None = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        assert self.target is not None, "the world fixture sets the app before any case is sent"
        return self.target(environ, start_response)


_APP = _WorldApp()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Tenants A and B on a fresh migrated SQLite database, shared by both passes."""
    directory: Path = tmp_path_factory.mktemp("schemathesis")
    built = build_world(migrated(sqlite_url(directory)))
    _APP.target = built.app
    yield built
    _APP.target = None


def _served_document() -> dict[str, Any]:
    """The document as the service serves it (generating it touches no database).

    Loaded at import because schemathesis' lazy ``from_fixture`` reads ``node._nodeid``, which pytest 9
    removed; cases go to the module's world through ``_APP``.
    """
    document = make_app(Database("sqlite://")).test_client().get("/api/v1/openapi.json").get_json()
    assert isinstance(document, dict)
    return document


@schemathesis.serializer("application/x-ndjson")
def _ndjson(_ctx: Any, value: Any) -> bytes:
    """Bulk uploads (``POST /validations``): a generated string is sent as it is, JSON otherwise."""
    return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else json.dumps(value).encode()


schema = schemathesis.openapi.from_dict(_served_document())
schema.app = _APP

_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


@schema.parametrize()
@_SETTINGS
def test_platform_never_gets_a_server_error(world: World, case: Case[Any]) -> None:
    """As the platform: no 5xx, documented status codes, responses matching their schemas."""
    case.call_and_validate(headers=auth("platform"), excluded_checks=_excluded(case))


@schema.parametrize()
@_SETTINGS
def test_merchant_never_gets_a_server_error(world: World, case: Case[Any]) -> None:
    """As merchant A: the same checks where tenant and role rules answer 403/404."""
    case.call_and_validate(headers=auth("merchant"), excluded_checks=_excluded(case))
