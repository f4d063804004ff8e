"""The start-up builds one system for every shell: settings → database → carrier ports → services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from carriers import REGISTRY
from tests.db.fixtures import _migrated, backend_url, database, postgres_url  # noqa: F401
from trace_verify.config import MIB, Settings
from trace_verify.db.models import Role
from trace_verify.db.session import Database
from trace_verify.services.clock import Clock
from trace_verify.services.ports import CarrierPorts
from trace_verify.startup import Shell, bundle_limit, start
from trace_verify.web import create_app

CREATED = datetime(2026, 3, 4, tzinfo=UTC)


def test_the_bundle_limit_is_the_shells_own() -> None:
    settings = Settings(max_body_bytes=2 * MIB)
    assert bundle_limit(settings, Shell.HTTP) == 2 * MIB
    assert bundle_limit(settings, Shell.CLI) == 16 * MIB


def test_services_share_the_database_the_ports_and_the_clock(database: Database) -> None:  # noqa: F811
    clock = Clock(lambda: CREATED)
    system = start(Settings(), Shell.CLI, database=database, ports=CarrierPorts(REGISTRY), clock=clock)
    services = system.services
    assert services.keys.db is services.orders.db is services.verdicts.db is database
    assert services.verdicts.verification is services.verification
    assert services.verification.max_bundle_bytes == 16 * MIB
    assert services.clock is clock and system.ports.documents is REGISTRY


def test_the_http_shell_reads_the_systems_clock(database: Database) -> None:  # noqa: F811
    """A key expires by the system's clock: a later clock makes the same key 401."""
    issued = start(Settings(), database=database, ports=CarrierPorts(REGISTRY)).services.keys.create(
        Role.PLATFORM, CREATED, expires_in_days=1
    )
    for offset, status in ((timedelta(hours=1), 200), (timedelta(days=2), 401)):
        clock = Clock(lambda offset=offset: CREATED + offset)
        system = start(Settings(), database=database, ports=CarrierPorts(REGISTRY), clock=clock)
        client = create_app(system=system).test_client()
        answer = client.get("/api/v1/orders", headers={"Authorization": f"Bearer {issued.secret}"})
        assert answer.status_code == status, answer.get_json()


def test_the_http_verify_route_applies_the_bundle_limit(database: Database) -> None:  # noqa: F811
    settings = Settings(max_body_bytes=4096)
    system = start(settings, database=database, ports=CarrierPorts(REGISTRY))
    key = system.services.keys.create(Role.PLATFORM, datetime.now(UTC)).secret
    body = b'{"order": {"id": "' + b"x" * 5000 + b'"}}'
    answer = (
        create_app(system=system)
        .test_client()
        .post(
            "/api/v1/verify",
            data=body,
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
    )
    assert answer.status_code == 413 and answer.get_json()["error"]["code"] == "BODY_TOO_LARGE"
