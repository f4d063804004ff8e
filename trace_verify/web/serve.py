"""Running the HTTP service: gunicorn (threaded) when installed, else Werkzeug's server, over the
system ``trace_verify.startup`` builds."""

from __future__ import annotations

import sys

from flask import Flask

from trace_verify.config import Settings
from trace_verify.startup import start


def build_app(settings: Settings) -> Flask:
    """The production app: the system the start-up builds (real carriers, the configured database)."""
    from trace_verify.services import faults
    from trace_verify.web import create_app

    faults.arm(settings.faults)
    app = create_app(system=start(settings))
    app.config["TRACE_VERIFY_START_JOBS"] = settings.run_jobs
    return app


def concurrency_warning(settings: Settings, dialect: str) -> str | None:
    """The start-up warning for a configuration that cannot hold several server processes safely."""
    if dialect == "sqlite" and settings.workers > 1:
        return (
            f"warning: {settings.workers} worker processes on SQLite: money writes are serialised by the "
            "database file lock (BEGIN IMMEDIATE), but rate limits and re-check jobs are per process; "
            "several processes or hosts need PostgreSQL (DATABASE_URL=postgresql://…)"
        )
    return None


def serve(settings: Settings, host: str, port: int) -> None:
    """Serve until interrupted (logs as JSON lines on stderr)."""
    from trace_verify.observability import configure_logging

    configure_logging()
    app = build_app(settings)
    warning = concurrency_warning(settings, app.extensions["trace_verify.database"].dialect)
    if warning:
        print(warning, file=sys.stderr)
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
