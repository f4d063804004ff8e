"""WSGI entry point: ``gunicorn wsgi:app``, over the system the start-up builds from the environment."""

from trace_verify.config import load_settings
from trace_verify.startup import start
from trace_verify.web import create_app

app = create_app(system=start(load_settings()))
