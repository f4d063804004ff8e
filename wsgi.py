"""WSGI entry point: ``gunicorn wsgi:app``. The composition root wiring carriers into the web app."""

from carriers import REGISTRY
from trace_verify.web import create_app

app = create_app(documents=REGISTRY)
