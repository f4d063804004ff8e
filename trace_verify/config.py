"""Configuration: the one place that reads the environment.

Everything else receives a :class:`Settings`. Variables (all optional):

=============================  ==========================================================
``DATABASE_URL``               SQLAlchemy URL; unset → the embedded SQLite file
``TRACE_VERIFY_DATA_DIR``      where the SQLite file and other local state live (``./instance``)
``TRACE_VERIFY_POLICY``        policy version decisions are made under (default: newest)
``TRACE_VERIFY_MAX_BODY``      HTTP body limit in bytes (default 1 MiB)
``HOST`` / ``PORT``            where ``serve`` listens (127.0.0.1:8000)
``WEB_CONCURRENCY``            gunicorn worker processes, for ``gunicorn wsgi:app`` only (2)
``TRACE_VERIFY_THREADS``       worker threads of ``serve`` (waitress; 8)
``TRACE_VERIFY_REQUEST_TIMEOUT`` seconds a request may take to arrive whole before its connection
                               is closed (30)
``TRACE_VERIFY_IDLE_TIMEOUT``  seconds an idle connection is kept open (30)
``TRACE_VERIFY_DEMO_DIR``      demo bundles the front page lists (the repository's fixtures/bundles)
``TRACE_VERIFY_RATE_PER_MINUTE`` requests per API key per minute and process (120)
``TRACE_VERIFY_RATE_BURST``    requests a key may make at once before the rate applies (60)
``TRACE_VERIFY_KEY_CACHE_SECONDS`` seconds a process trusts an API key it found valid without looking
                               it up again: a revocation made elsewhere shows within this (5; 0: never)
``TRACE_VERIFY_REFRESH_BUDGET`` seconds a re-verification waits for all its carrier calls (10)
``TRACE_VERIFY_BULK_DIR``      where bulk validation uploads and results are kept (``<data dir>/validations``;
                               shared storage when several machines serve the API)
``TRACE_VERIFY_BULK_MAX_BYTES`` largest bulk upload in bytes (4 GiB)
``TRACE_VERIFY_BULK_MAX_ROWS``  most rows (lines) of a bulk upload (1,000,000)
``TRACE_VERIFY_WORKERS``       processes a bulk job verifies on (default: one per CPU)
``REDIS_URL``                  Redis for the job queue (``trace-verify worker`` runs the jobs); unset →
                               jobs run inside the service (embedded runner)
``PUBLIC_BASE_URL``            what a QR code's URL starts with, at most 32 bytes (``http://127.0.0.1:8000``)
``TRACE_VERIFY_SIGNING_SECRET`` the installation's QR signing secret (32+ bytes; unset → a
                               ``signing.secret`` file made once in the data directory)
``TRACE_VERIFY_JOBS``          without Redis, ``serve`` runs every background job and the schedule
                               itself (the embedded runner; 1, default; 0: off)
``TRACE_VERIFY_JOB_INTERVAL``  seconds between schedule passes (30): refreshes due, re-checks, unmerged
                               pushes, waiting bulk jobs, purges
``TRACE_VERIFY_RECHECK_DELAY`` seconds before the first re-check of a complaint a carrier failure left
                               undecided (60; then doubling, at most 8 re-checks)
``TRACE_VERIFY_FAULTS``        test-only fault points to arm (comma-separated); refused unless
                               ``TRACE_VERIFY_TESTING=1``
``TRACE_VERIFY_CARRIER_<ID>_<NAME>`` a carrier's live-client and webhook settings, e.g.
                               ``TRACE_VERIFY_CARRIER_DHL_API_KEY``, ``…_DHL_EXPRESS_BASE_URL``,
                               ``…_AFTERSHIP_WEBHOOK_SECRET`` (names: see :data:`CARRIER_NAMES`)
=============================  ==========================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from trace_verify.domain.policy import DEFAULT_POLICY, Policy, policy_named

MIB = 1024 * 1024
_REPO_DEMO_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "bundles"
_CARRIER_PREFIX = "TRACE_VERIFY_CARRIER_"
#: The per-carrier values the service reads (longest first, so ``CLIENT_SECRET`` wins over ``SECRET``).
CARRIER_NAMES: Final = (
    "WEBHOOK_SECRET",
    "CLIENT_SECRET",
    "PARTNER_ID",
    "CLIENT_ID",
    "CHECKWORD",
    "BASE_URL",
    "USERNAME",
    "PASSWORD",
    "CUSTOMER",
    "API_KEY",
    "KEY",
)


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
    rate_per_minute: int = 120
    rate_burst: int = 60
    key_cache_seconds: float = 5.0
    refresh_budget_seconds: float = 10.0
    # -- the HTTP server (web/http_server.py) --
    threads: int = 8
    request_timeout_seconds: float = 30.0
    idle_timeout_seconds: float = 30.0
    #: adapter id → {"base_url": …, "api_key": …, "webhook_secret": …}
    carriers: dict[str, dict[str, str]] = field(default_factory=dict)
    # -- bulk validations and jobs (issue 15) --
    bulk_dir: Path | None = None
    bulk_max_bytes: int = 4 * 1024 * MIB
    bulk_max_rows: int = 1_000_000
    #: days a finished job's upload and results are kept before they are purged (the job: ``expired``)
    bulk_retention_days: float = 7.0
    #: processes a bulk job verifies on; None: one per CPU
    job_workers: int | None = None
    #: Redis (``redis://host:port/db``): the job queue; None runs jobs inside the service
    redis_url: str | None = None

    def validations_dir(self) -> Path:
        """Where bulk uploads and results live."""
        return self.bulk_dir or self.data_dir / "validations"

    #: Traceability codes (issue 12): the QR URL's base and the installation's signing secret.
    public_base_url: str = "http://127.0.0.1:8000"
    signing_secret: str | None = field(default=None, repr=False)
    # -- complaints (issue 13) -----------------------------------------------------------------------
    run_jobs: bool = True
    job_interval_seconds: float = 30.0
    recheck_delay_seconds: float = 60.0
    faults: frozenset[str] = frozenset()

    def webhook_secrets(self) -> dict[str, str]:
        """adapter id → the secret its pushes are signed with."""
        return {c: v["webhook_secret"] for c, v in self.carriers.items() if v.get("webhook_secret")}


def _carriers(env: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """``TRACE_VERIFY_CARRIER_DHL_EXPRESS_BASE_URL=…`` → ``{"dhl-express": {"base_url": …}}``."""
    out: dict[str, dict[str, str]] = {}
    for name, value in env.items():
        if not name.startswith(_CARRIER_PREFIX) or not value:
            continue
        rest = name.removeprefix(_CARRIER_PREFIX)
        for key in CARRIER_NAMES:
            if rest.endswith("_" + key) and len(rest) > len(key) + 1:
                carrier = rest.removesuffix("_" + key).lower().replace("_", "-")
                out.setdefault(carrier, {})[key.lower()] = value
                break
    return out


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
        rate_per_minute=int(env.get("TRACE_VERIFY_RATE_PER_MINUTE", "120")),
        rate_burst=int(env.get("TRACE_VERIFY_RATE_BURST", "60")),
        key_cache_seconds=float(env.get("TRACE_VERIFY_KEY_CACHE_SECONDS", "5")),
        refresh_budget_seconds=float(env.get("TRACE_VERIFY_REFRESH_BUDGET", "10")),
        threads=int(env.get("TRACE_VERIFY_THREADS", "8")),
        request_timeout_seconds=float(env.get("TRACE_VERIFY_REQUEST_TIMEOUT", "30")),
        idle_timeout_seconds=float(env.get("TRACE_VERIFY_IDLE_TIMEOUT", "30")),
        carriers=_carriers(env),
        bulk_dir=Path(env["TRACE_VERIFY_BULK_DIR"]) if env.get("TRACE_VERIFY_BULK_DIR") else None,
        bulk_max_bytes=int(env.get("TRACE_VERIFY_BULK_MAX_BYTES", str(4 * 1024 * MIB))),
        bulk_max_rows=int(env.get("TRACE_VERIFY_BULK_MAX_ROWS", "1000000")),
        bulk_retention_days=_retention_days(env.get("TRACE_VERIFY_BULK_RETENTION_DAYS", "7")),
        job_workers=int(env["TRACE_VERIFY_WORKERS"]) if env.get("TRACE_VERIFY_WORKERS") else None,
        redis_url=env.get("REDIS_URL") or None,
        public_base_url=_public_base_url(env.get("PUBLIC_BASE_URL") or "http://127.0.0.1:8000"),
        signing_secret=env.get("TRACE_VERIFY_SIGNING_SECRET") or None,
        run_jobs=env.get("TRACE_VERIFY_JOBS", "1") != "0",
        job_interval_seconds=float(env.get("TRACE_VERIFY_JOB_INTERVAL", "30")),
        recheck_delay_seconds=float(env.get("TRACE_VERIFY_RECHECK_DELAY", "60")),
        faults=_faults(env),
    )


#: A QR at version 5 (ECC M) holds 84 bytes: the base leaves room for ``/t/``, 13 id and 22 signature bytes.
MAX_PUBLIC_BASE_URL_BYTES: Final = 32


def _public_base_url(value: str) -> str:
    """``PUBLIC_BASE_URL`` without its trailing slash; http(s), at most 32 bytes (ValueError otherwise)."""
    base = value.rstrip("/")
    if not base.startswith(("https://", "http://")) or len(base.encode("utf-8")) > MAX_PUBLIC_BASE_URL_BYTES:
        raise ValueError(
            f"PUBLIC_BASE_URL must be an http(s) URL of at most {MAX_PUBLIC_BASE_URL_BYTES} bytes"
        )
    return base


def _retention_days(value: str) -> float:
    """``TRACE_VERIFY_BULK_RETENTION_DAYS``: a positive number of days (ValueError otherwise)."""
    days = float(value)
    if not days > 0 or days == float("inf"):
        raise ValueError("TRACE_VERIFY_BULK_RETENTION_DAYS must be a positive number of days")
    return days


def _faults(env: Mapping[str, str]) -> frozenset[str]:
    """Test-only fault points: refused outright unless the process is a test's (``TRACE_VERIFY_TESTING``)."""
    names = frozenset(n.strip() for n in env.get("TRACE_VERIFY_FAULTS", "").split(",") if n.strip())
    if names and env.get("TRACE_VERIFY_TESTING") != "1":
        raise ValueError("TRACE_VERIFY_FAULTS is for tests only (set TRACE_VERIFY_TESTING=1 in a test)")
    return names
