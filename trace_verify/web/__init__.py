"""The Flask application factory: ``create_app(system=start(settings))``.

The running system (database, carrier ports, services) is built by ``trace_verify.startup``; this
factory only puts the HTTP shell around it, so the web layer never imports ``carriers``. Tests may
instead give ``settings`` with a ``documents`` reader or ``ports`` and their own ``database``; the
factory then starts the system from those through the same start-up.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app

from trace_verify.config import Settings, load_settings
from trace_verify.db.session import Database
from trace_verify.domain.documents import DocumentReader
from trace_verify.services.idempotency import DatabaseIdempotency
from trace_verify.services.job_runner import EmbeddedRunner
from trace_verify.services.ports import CarrierPorts
from trace_verify.startup import Shell, System, open_database, start
from trace_verify.web import (
    api,
    codes,
    complaints,
    deposits,
    errors,
    health,
    merchants,
    observe,
    orders,
    pages,
    scan,
    validations,
    webhooks,
)


def create_app(
    settings: Settings | None = None,
    documents: DocumentReader | None = None,
    *,
    database: Database | None = None,
    ports: CarrierPorts | None = None,
    system: System | None = None,
) -> Flask:
    """The HTTP application over ``system`` (or over the system started from the other arguments)."""
    if system is None:
        system = _start(settings or load_settings(), documents, database, ports)
    settings = system.settings
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        JSON_SORT_KEYS=False,
        TRACE_VERIFY_SETTINGS=settings,
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["trace_verify.system"] = system
    app.extensions["trace_verify.database"] = system.database
    app.extensions["trace_verify.services"] = system.services
    app.extensions["trace_verify.verification"] = system.services.verification
    app.extensions["trace_verify.operations"] = [
        *api.OPERATIONS,
        *merchants.OPERATIONS,
        *orders.OPERATIONS,
        *webhooks.OPERATIONS,
        *health.OPERATIONS,
        *validations.OPERATIONS,
        *codes.OPERATIONS,
        *scan.OPERATIONS,
        *deposits.OPERATIONS,
        *complaints.OPERATIONS,
    ]
    app.extensions["trace_verify.idempotency"] = DatabaseIdempotency(system.database)
    blueprints = (
        api.bp,
        merchants.bp,
        orders.bp,
        webhooks.bp,
        health.bp,
        pages.bp,
        validations.bp,
        codes.bp,
        scan.bp,
        deposits.bp,
        complaints.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    errors.register(app)
    observe.register(app)
    app.before_request(_start_jobs)
    logging.getLogger("trace_verify").setLevel(logging.INFO)
    return app


def _start(
    settings: Settings,
    documents: DocumentReader | None,
    database: Database | None,
    ports: CarrierPorts | None,
) -> System:
    if ports is None:
        if documents is None:
            raise ValueError("create_app needs a DocumentReader (carriers.REGISTRY in production)")
        ports = CarrierPorts(
            documents,
            webhook_secrets=settings.webhook_secrets(),
            refresh_budget_seconds=settings.refresh_budget_seconds,
        )
    database = database or open_database(settings, migrated=False)
    return start(settings, Shell.HTTP, database=database, ports=ports)


def _start_jobs() -> None:
    """Start this process's embedded job runner, with the schedule, on its first request when the
    server asked for it (``TRACE_VERIFY_START_JOBS``): threads do not survive gunicorn's fork, so each
    worker starts its own. With Redis the workers run the jobs and the schedule: nothing to start."""
    if current_app.config.get("TRACE_VERIFY_START_JOBS"):
        queue = current_app.extensions["trace_verify.services"].queue
        if isinstance(queue, EmbeddedRunner):
            queue.start(scheduling=True)
