"""The Flask application factory: ``create_app(settings, documents)``.

Carrier adapters are injected (``documents``), so the web layer never imports ``carriers``; ``wsgi.py``
is the composition root that wires the real registry in.
"""

from __future__ import annotations

import logging

from flask import Flask

from trace_verify.config import Settings, load_settings
from trace_verify.domain.documents import DocumentReader
from trace_verify.services.verification import VerificationService
from trace_verify.web import api, errors, health, pages


def create_app(settings: Settings | None = None, documents: DocumentReader | None = None) -> Flask:
    """Create and configure the HTTP application."""
    settings = settings or load_settings()
    if documents is None:
        raise ValueError("create_app needs a DocumentReader (carriers.REGISTRY in production)")
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        JSON_SORT_KEYS=False,
        TRACE_VERIFY_SETTINGS=settings,
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["trace_verify.verification"] = VerificationService(
        documents, settings.policy, max_bundle_bytes=settings.max_body_bytes
    )
    app.extensions["trace_verify.operations"] = [*api.OPERATIONS, *health.OPERATIONS]
    app.register_blueprint(api.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(pages.bp)
    errors.register(app)
    logging.getLogger("trace_verify").setLevel(logging.INFO)
    return app
