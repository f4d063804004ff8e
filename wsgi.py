"""WSGI entry point: ``gunicorn wsgi:app``, over the system the start-up builds from the environment
(the same app ``trace-verify serve`` runs, its job runner included)."""

from trace_verify.config import load_settings
from trace_verify.web.serve import build_app

app = build_app(load_settings())
