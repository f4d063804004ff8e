"""Running the HTTP service: gunicorn (threaded workers) when installed, else Werkzeug's server."""

from __future__ import annotations

import sys

from trace_verify.config import Settings


def _app(settings: Settings) -> object:
    from carriers import REGISTRY
    from trace_verify.web import create_app

    return create_app(settings, REGISTRY)


def serve(settings: Settings, host: str, port: int) -> None:
    """Serve until interrupted."""
    app = _app(settings)
    print(
        f"trace_verify listening on http://{host}:{port}/  (API: /api/v1, health: /healthz)", file=sys.stderr
    )
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:
        from werkzeug.serving import run_simple

        run_simple(host, port, app, threaded=True)  # type: ignore[arg-type]
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
