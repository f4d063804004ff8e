"""Running the HTTP service on waitress (web/http_server.py says why), over the system
``trace_verify.startup`` builds."""

from __future__ import annotations

import sys

from flask import Flask

from trace_verify.config import Settings
from trace_verify.startup import start
from trace_verify.web.http_server import ServerLimits, create_server


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


def server_limits(settings: Settings) -> ServerLimits:
    """The HTTP server's bounds from the settings."""
    return ServerLimits(
        threads=settings.threads,
        request_timeout=settings.request_timeout_seconds,
        idle_timeout=settings.idle_timeout_seconds,
        max_body_bytes=settings.max_body_bytes,
        large_body_paths=("/api/v1/validations",),
        large_body_bytes=settings.bulk_max_bytes,
    )


def _start_embedded_jobs(app: Flask, settings: Settings) -> None:
    """Without Redis, this process runs every background job and the schedule (``make run``); the
    first request would start them too, but a service nobody calls must keep tracking fresh as well."""
    from trace_verify.services.job_runner import EmbeddedRunner

    queue = app.extensions["trace_verify.services"].queue
    if settings.run_jobs and isinstance(queue, EmbeddedRunner):
        queue.start(scheduling=True)


def serve(settings: Settings, host: str, port: int) -> None:
    """Serve until interrupted (waitress: whole requests before a thread; see web/http_server.py); logs
    as JSON lines on stderr."""
    from trace_verify.observability import configure_logging

    configure_logging()
    app = build_app(settings)
    warning = concurrency_warning(settings, app.extensions["trace_verify.database"].dialect)
    if warning:
        print(warning, file=sys.stderr)
    _start_embedded_jobs(app, settings)
    server = create_server(app, host, port, server_limits(settings))
    where = f"http://{host}:{server.effective_port}/"
    print(
        f"trace_verify listening on {where}  (API: /api/v1, docs: /api/v1/docs)",
        file=sys.stderr,
        flush=True,
    )
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
