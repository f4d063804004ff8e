"""The composition root of the HTTP service, and running it: gunicorn (threaded) when installed,
else Werkzeug's server. Only here (and in the command line) are the carriers wired in."""

from __future__ import annotations

import sys

from flask import Flask

from trace_verify.config import Settings
from trace_verify.db.migrate import is_current
from trace_verify.db.session import Database, resolve_url
from trace_verify.errors import Unavailable
from trace_verify.services.ports import CarrierPorts


def build_ports(settings: Settings) -> CarrierPorts:
    """The carrier registry, live clients and webhook checks, from the settings' plain values."""
    from carriers import REGISTRY
    from carriers.clients import build_clients, push_verifiers

    return CarrierPorts(
        REGISTRY,
        known=frozenset(adapter.id for adapter in REGISTRY.all()),
        clients=build_clients(settings.carriers),
        push_verifiers=push_verifiers(),
        webhook_secrets=settings.webhook_secrets(),
        refresh_budget_seconds=settings.refresh_budget_seconds,
    )


def open_database(settings: Settings) -> Database:
    """The service's database; refuses one that is not migrated to the newest revision."""
    database = Database(resolve_url(settings.database_url, settings.data_dir))
    current = is_current(database.engine)
    database.dispose()  # no pooled connection survives into forked server workers
    if not current:
        raise Unavailable("DATABASE_NOT_READY", "the database is not migrated: run `trace-verify db upgrade`")
    return database


def build_app(settings: Settings) -> Flask:
    """The production app: real carriers, the configured database."""
    from trace_verify.web import create_app

    ports = build_ports(settings)
    return create_app(settings, ports.documents, database=open_database(settings), ports=ports)


def serve(settings: Settings, host: str, port: int) -> None:
    """Serve until interrupted."""
    app = build_app(settings)
    print(
        f"trace_verify listening on http://{host}:{port}/  (API: /api/v1, docs: /api/v1/docs)",
        file=sys.stderr,
    )
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:
        from werkzeug.serving import run_simple

        run_simple(host, port, app, threaded=True)
        return

    class _Gunicorn(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", settings.workers)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", 4)
            self.cfg.set("timeout", 30)

        def load(self) -> object:
            return app

    _Gunicorn().run()
