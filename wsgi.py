"""WSGI entry point: ``gunicorn wsgi:app``. The composition root: real carriers, the configured database."""

from trace_verify.config import load_settings
from trace_verify.web.serve import build_app

app = build_app(load_settings())
