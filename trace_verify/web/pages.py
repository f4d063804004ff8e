"""A small read-only demo page: the demo bundles shipped in ``fixtures/bundles`` with their verdicts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, current_app, render_template

from trace_verify.config import Settings
from trace_verify.errors import ServiceError
from trace_verify.services.clock import Clock
from trace_verify.services.verification import VerificationService
from trace_verify.web.context import services

bp = Blueprint("pages", __name__)


@dataclass(frozen=True)
class DemoRow:
    """One demo bundle and what the verifier says of it."""

    name: str
    order_id: str
    verdict: str
    path: str | None
    complaint: str
    codes: list[tuple[str, str]]


def _rows(directory: Path, service: VerificationService, clock: Clock) -> list[DemoRow]:
    rows = []
    for file in sorted(directory.glob("*.json")):
        try:
            obj = json.loads(file.read_text("utf-8"))
            verdict = service.verify_json(obj, clock.at(obj.pop("$now", None)))
        except (ServiceError, ValueError) as exc:
            rows.append(DemoRow(file.stem, "—", f"unreadable: {exc}", None, "—", []))
            continue
        complaint = verdict["complaint"]
        rows.append(
            DemoRow(
                name=file.stem,
                order_id=verdict["order_id"],
                verdict=verdict["verdict"],
                path=verdict["path"],
                complaint=f"{complaint['type']}: {complaint['decision']}" if complaint else "—",
                codes=[(f["code"], f["severity"]) for f in verdict["findings"]],
            )
        )
    return rows


@bp.get("/")
def index() -> str:
    """The demo bundles and their verdicts."""
    settings: Settings = current_app.config["TRACE_VERIFY_SETTINGS"]
    running = services()
    directory = settings.demo_dir
    rows = _rows(directory, running.verification, running.clock) if directory and directory.is_dir() else []
    return render_template("index.html", rows=rows, directory=directory)
