"""Configuration: the one place that reads the environment.

Everything else receives a :class:`Settings`. Variables (all optional):

=============================  ==========================================================
``DATABASE_URL``               SQLAlchemy URL; unset → the embedded SQLite file
``TRACE_VERIFY_DATA_DIR``      where the SQLite file and other local state live (``./instance``)
``TRACE_VERIFY_POLICY``        policy version decisions are made under (default: newest)
``TRACE_VERIFY_MAX_BODY``      HTTP body limit in bytes (default 1 MiB)
``HOST`` / ``PORT``            where ``serve`` listens (127.0.0.1:8000)
``WEB_CONCURRENCY``            gunicorn worker processes for ``serve`` (2)
``TRACE_VERIFY_DEMO_DIR``      demo bundles the front page lists (the repository's fixtures/bundles)
=============================  ==========================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from trace_verify.domain.policy import DEFAULT_POLICY, Policy, policy_named

MIB = 1024 * 1024
_REPO_DEMO_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "bundles"


@dataclass(frozen=True, slots=True)
class Settings:
    """Settings of one process, built once at start-up."""

    database_url: str | None = None
    data_dir: Path = Path("instance")
    policy: Policy = DEFAULT_POLICY
    max_body_bytes: int = MIB
    max_cli_bundle_bytes: int = 16 * MIB
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    demo_dir: Path | None = None


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment (or the given mapping); invalid values raise ValueError."""
    env = os.environ if environ is None else environ
    policy_version = env.get("TRACE_VERIFY_POLICY")
    return Settings(
        database_url=env.get("DATABASE_URL") or None,
        data_dir=Path(env.get("TRACE_VERIFY_DATA_DIR", "instance")),
        policy=policy_named(policy_version) if policy_version else DEFAULT_POLICY,
        max_body_bytes=int(env.get("TRACE_VERIFY_MAX_BODY", MIB)),
        host=env.get("HOST", "127.0.0.1"),
        port=int(env.get("PORT", "8000")),
        workers=int(env.get("WEB_CONCURRENCY", "2")),
        demo_dir=Path(env["TRACE_VERIFY_DEMO_DIR"]) if env.get("TRACE_VERIFY_DEMO_DIR") else _REPO_DEMO_DIR,
    )
