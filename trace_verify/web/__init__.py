"""The Flask application factory: ``create_app(settings, documents, database=, ports=)``.

Carrier adapters are injected (``documents`` and, for live clients and webhook checks, ``ports``), so
the web layer never imports ``carriers``; ``web/serve.py`` is the composition root that wires the real
registry in. The database is opened from the settings unless one is given (tests pass their own).
"""

from __future__ import annotations

import logging

from flask import Flask

from trace_verify.config import Settings, load_settings
from trace_verify.db.session import Database, resolve_url
from trace_verify.domain.documents import DocumentReader
from trace_verify.services.history import StoredHistory
from trace_verify.services.keys import KeyService
from trace_verify.services.merchants import MerchantService
from trace_verify.services.orders import OrderService
from trace_verify.services.ports import CarrierPorts
from trace_verify.services.ratelimit import RateLimiter
from trace_verify.services.verdicts import VerdictService
from trace_verify.services.verification import VerificationService
from trace_verify.services.webhooks import WebhookService
from trace_verify.web import api, errors, health, merchants, orders, pages, webhooks
from trace_verify.web.context import Services


def build_services(settings: Settings, database: Database, ports: CarrierPorts) -> Services:
    """The use cases, wired to one database and one set of carrier ports."""
    verification = VerificationService(
        ports.documents,
        settings.policy,
        max_bundle_bytes=settings.max_body_bytes,
        history=StoredHistory(database),
    )
    return Services(
        verification=verification,
        keys=KeyService(database),
        merchants=MerchantService(database),
        orders=OrderService(database, ports.documents),
        verdicts=VerdictService(database, verification, ports),
        webhooks=WebhookService(database, ports),
        limiter=RateLimiter(settings.rate_per_minute, settings.rate_burst),
    )


def create_app(
    settings: Settings | None = None,
    documents: DocumentReader | None = None,
    *,
    database: Database | None = None,
    ports: CarrierPorts | None = None,
) -> Flask:
    """Create and configure the HTTP application."""
    settings = settings or load_settings()
    if documents is None and ports is None:
        raise ValueError("create_app needs a DocumentReader (carriers.REGISTRY in production)")
    if ports is None:
        assert documents is not None
        ports = CarrierPorts(
            documents,
            webhook_secrets=settings.webhook_secrets(),
            refresh_budget_seconds=settings.refresh_budget_seconds,
        )
    database = database or Database(resolve_url(settings.database_url, settings.data_dir))
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        JSON_SORT_KEYS=False,
        TRACE_VERIFY_SETTINGS=settings,
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    services = build_services(settings, database, ports)
    app.extensions["trace_verify.database"] = database
    app.extensions["trace_verify.services"] = services
    app.extensions["trace_verify.verification"] = services.verification
    app.extensions["trace_verify.operations"] = [
        *api.OPERATIONS,
        *merchants.OPERATIONS,
        *orders.OPERATIONS,
        *webhooks.OPERATIONS,
        *health.OPERATIONS,
    ]
    for blueprint in (api.bp, merchants.bp, orders.bp, webhooks.bp, health.bp, pages.bp):
        app.register_blueprint(blueprint)
    errors.register(app)
    logging.getLogger("trace_verify").setLevel(logging.INFO)
    return app
