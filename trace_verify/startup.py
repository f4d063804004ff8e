"""The start-up: builds the running system once — settings → database → carrier ports → services.

The command line, ``wsgi.py`` and the app factory all start here, so each of them runs the same
service wired the same way; only this module wires the real ``carriers`` in (the services see ports).
What each shell may differ in is decided here too: the bundle size limit (1 MiB per HTTP body,
16 MiB per bundle on the command line, contracts/README.md "Errors").

The database and the carriers' live clients are imported only when asked for, so the offline
``trace-verify verify`` starts without SQLAlchemy or the migration stack.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import TYPE_CHECKING

from trace_verify.config import Settings
from trace_verify.errors import Unavailable
from trace_verify.services.clock import Clock
from trace_verify.services.ports import CarrierPorts

if TYPE_CHECKING:
    from carriers._fetch import GuardStore
    from trace_verify.db.session import Database
    from trace_verify.services.bulk_rows import BulkRowJudge
    from trace_verify.services.complaints import ComplaintService
    from trace_verify.services.deposits import DepositService
    from trace_verify.services.idempotency import DatabaseIdempotency
    from trace_verify.services.jobs import Jobs
    from trace_verify.services.keys import KeyService
    from trace_verify.services.merchants import MerchantService
    from trace_verify.services.orders import OrderService
    from trace_verify.services.queue import JobQueue
    from trace_verify.services.ratelimit import RateLimiter
    from trace_verify.services.trace_codes import TraceCodeService
    from trace_verify.services.tracking_refresh import TrackingRefresh
    from trace_verify.services.validations import ValidationService
    from trace_verify.services.verdicts import VerdictService
    from trace_verify.services.verification import HistorySource, RegistrySource, VerificationService
    from trace_verify.services.webhooks import WebhookService


class Shell(Enum):
    """Who runs the system: what differs between them is decided here, once."""

    HTTP = "http"
    CLI = "cli"


def bundle_limit(settings: Settings, shell: Shell) -> int:
    """The most bytes one bundle may have: the HTTP body limit over HTTP, 16 MiB on the command line."""
    return settings.max_body_bytes if shell is Shell.HTTP else settings.max_cli_bundle_bytes


@dataclass(frozen=True)
class Services:
    """The use cases of one running system, sharing one database, one set of ports and one clock."""

    verification: VerificationService
    keys: KeyService
    merchants: MerchantService
    orders: OrderService
    verdicts: VerdictService
    webhooks: WebhookService
    limiter: RateLimiter
    clock: Clock
    validations: ValidationService
    #: The traceability-code registry (issue 12) and the per-client limit of failed scans of ``/t/…``.
    trace_codes: TraceCodeService
    scan_limiter: RateLimiter
    # -- complaints and deposits (issue 13) ----------------------------------------------------------
    deposits: DepositService
    complaints: ComplaintService
    # -- background work (issue 15) -----------------------------------------------------------------
    #: The scheduled tracking refresh (``refresh`` jobs).
    tracking: TrackingRefresh
    #: Every job kind's handler and schedule, served by the embedded runner or ``trace-verify worker``.
    jobs: Jobs
    #: Where jobs are handed over: RQ on Redis when ``REDIS_URL`` is set, else this process's runner.
    queue: JobQueue


def carrier_guards(settings: Settings) -> GuardStore:
    """Where the carriers' breakers and rate limits live: Redis when ``REDIS_URL`` is set (every
    instance and worker shares one breaker and one rate per carrier), else this process's memory."""
    if settings.redis_url:
        from carriers._fetch.redis_guards import RedisGuards

        return RedisGuards.from_url(settings.redis_url)
    from carriers._fetch import LocalGuards

    return LocalGuards()


def carrier_ports(settings: Settings, guards: GuardStore | None = None) -> CarrierPorts:
    """The carrier registry, live clients (guarded by ``guards``, default :func:`carrier_guards`) and
    webhook checks, from the settings' plain values."""
    from carriers import REGISTRY
    from carriers.clients import build_clients, push_signed_contents, push_verifiers

    guards = guards or carrier_guards(settings)
    return CarrierPorts(
        REGISTRY,
        known=frozenset(spec.id for spec in REGISTRY.all()),
        clients=build_clients(settings.carriers, guards=guards),
        push_verifiers=push_verifiers(),
        signed_contents=push_signed_contents(),
        webhook_secrets=settings.webhook_secrets(),
        refresh_budget_seconds=settings.refresh_budget_seconds,
        poll_intervals={spec.id: spec.min_poll_interval for spec in REGISTRY.all()},
        breaker_states=guards.breaker_states,
    )


def database_url(settings: Settings) -> str:
    """The configured database's URL (the embedded SQLite file unless ``DATABASE_URL`` is set)."""
    from trace_verify.db.session import resolve_url

    return resolve_url(settings.database_url, settings.data_dir)


def open_database(settings: Settings, *, migrated: bool = True) -> Database:
    """The service's database; with ``migrated``, refuses one that is not at the newest revision."""
    from trace_verify.db.migrate import is_current
    from trace_verify.db.session import Database

    database = Database(database_url(settings))
    if migrated:
        current = is_current(database.engine)
        database.dispose()  # no pooled connection survives into forked server workers
        if not current:
            raise Unavailable(
                "DATABASE_NOT_READY", "the database is not migrated: run `trace-verify db upgrade`"
            )
    return database


def document_ports() -> CarrierPorts:
    """Only the carriers' document reader: what offline verification needs (no live client)."""
    from carriers import REGISTRY

    return CarrierPorts(REGISTRY, known=frozenset(spec.id for spec in REGISTRY.all()))


def verification(
    settings: Settings,
    ports: CarrierPorts,
    shell: Shell,
    history: HistorySource | None = None,
    registry: RegistrySource | None = None,
) -> VerificationService:
    """The verifier service of ``shell``: the settings' policy, the shell's bundle limit; with a
    ``registry`` every traceability code is looked up (offline without one: rules.md §5)."""
    from trace_verify.services.verification import VerificationService

    return VerificationService(
        ports.documents,
        settings.policy,
        max_bundle_bytes=bundle_limit(settings, shell),
        history=history,
        registry=registry,
    )


def trace_codes(settings: Settings, database: Database) -> TraceCodeService:
    """The code registry with the installation's signing secret and public base URL."""
    from trace_verify.services.trace_codes import build_trace_codes

    return build_trace_codes(settings, database)


def build_services(
    settings: Settings,
    database: Database,
    ports: CarrierPorts,
    shell: Shell = Shell.HTTP,
    clock: Clock | None = None,
) -> Services:
    """Every use case, wired to one database, one set of carrier ports and one clock."""
    from trace_verify.services.complaints import ComplaintService
    from trace_verify.services.deposits import DepositService
    from trace_verify.services.history import StoredHistory
    from trace_verify.services.idempotency import DatabaseIdempotency
    from trace_verify.services.keys import KeyService
    from trace_verify.services.merchants import MerchantService
    from trace_verify.services.orders import OrderService
    from trace_verify.services.ratelimit import RateLimiter, storage_uri
    from trace_verify.services.trace_codes import SCAN_FAILURES_BURST, SCAN_FAILURES_PER_MINUTE
    from trace_verify.services.tracking_refresh import TrackingRefresh
    from trace_verify.services.verdicts import VerdictService
    from trace_verify.services.webhooks import WebhookService

    registry = trace_codes(settings, database)
    verifier = verification(settings, ports, shell, StoredHistory(database), registry)
    clock = clock or Clock()
    # New carrier evidence (a refresh or a push) asks for the order's complaint re-checks (§8.1).
    news = ComplaintService.request_recheck
    complaints = ComplaintService(
        database, verifier, ports, recheck_delay=timedelta(seconds=settings.recheck_delay_seconds)
    )
    webhooks = WebhookService(database, ports, on_carrier_news=news)
    tracking = TrackingRefresh(database, ports, on_carrier_news=news)
    bulk = validations(settings, database)
    jobs = job_table(clock, bulk, tracking, webhooks, complaints, DatabaseIdempotency(database))
    bulk.queue = queue = job_queue(settings, jobs)
    return Services(
        verification=verifier,
        keys=KeyService(database, settings.key_cache_seconds),
        merchants=MerchantService(database),
        orders=OrderService(database, ports.documents),
        verdicts=VerdictService(database, verifier, ports, on_carrier_news=news),
        webhooks=webhooks,
        limiter=RateLimiter(settings.rate_per_minute, settings.rate_burst, storage_uri(settings.redis_url)),
        clock=clock,
        validations=bulk,
        trace_codes=registry,
        scan_limiter=RateLimiter(
            SCAN_FAILURES_PER_MINUTE, SCAN_FAILURES_BURST, storage_uri(settings.redis_url)
        ),
        deposits=DepositService(database),
        complaints=complaints,
        tracking=tracking,
        jobs=jobs,
        queue=queue,
    )


def job_table(
    clock: Clock,
    bulk: ValidationService,
    tracking: TrackingRefresh,
    webhooks: WebhookService,
    complaints: ComplaintService,
    idempotency: DatabaseIdempotency,
) -> Jobs:
    """Every job kind: its handler, and the query the schedule finds its due work with."""
    from trace_verify.services.job_runner import runner_name
    from trace_verify.services.jobs import Jobs
    from trace_verify.services.queue import JobKind

    return Jobs(
        clock,
        handlers={
            JobKind.VALIDATION: lambda key, now: bulk.run(key, runner_name()),
            JobKind.REFRESH: tracking.refresh,
            JobKind.WEBHOOK: webhooks.process,
            JobKind.COMPLAINT_RECHECK: complaints.recheck,
        },
        due={
            JobKind.VALIDATION: bulk.claimable,
            JobKind.REFRESH: tracking.due,
            JobKind.WEBHOOK: webhooks.unprocessed,
            JobKind.COMPLAINT_RECHECK: complaints.due_rechecks,
        },
        housekeeping={"idempotency-purge": idempotency.purge, "validations-purge": bulk.purge},
    )


def job_queue(settings: Settings, jobs: Jobs) -> JobQueue:
    """RQ on Redis when ``REDIS_URL`` is set (``trace-verify worker`` processes run the jobs), else the
    embedded runner (this process, every core for bulk jobs; nothing to set up)."""
    if settings.redis_url:
        from trace_verify.services.queue import RedisQueue

        return RedisQueue.from_url(settings.redis_url)
    from trace_verify.services.job_runner import EmbeddedRunner

    return EmbeddedRunner(jobs, settings.job_interval_seconds)


@dataclass(frozen=True)
class System:
    """One running system: its settings, database, carrier ports and services."""

    settings: Settings
    database: Database
    ports: CarrierPorts
    services: Services


def start(
    settings: Settings,
    shell: Shell = Shell.HTTP,
    *,
    database: Database | None = None,
    ports: CarrierPorts | None = None,
    clock: Clock | None = None,
) -> System:
    """Build the system: settings → database (migrated) → carrier ports → services.

    ``database`` and ``ports`` are given by tests (their throw-away database, the simulator's clients).
    """
    database = database or open_database(settings)
    ports = ports or carrier_ports(settings)
    return System(settings, database, ports, build_services(settings, database, ports, shell, clock))


# -- the verify engine's worker processes (issue 15) -------------------------------------------------


@dataclass(frozen=True, slots=True)
class VerifierRecipe:
    """How a verify-engine worker process builds its verifier (``verify --jsonl``): picklable.

    ``with_history`` opens the configured database in the worker (one engine per process).
    """

    settings: Settings
    with_history: bool = False

    def build(self) -> VerificationService:
        """The command line's verifier, built once in each worker process."""
        history, registry = None, None
        if self.with_history:
            from trace_verify.services.history import StoredHistory

            database = open_database(self.settings, migrated=False)
            history, registry = StoredHistory(database), trace_codes(self.settings, database)
        return verification(self.settings, document_ports(), Shell.CLI, history, registry)


@dataclass(frozen=True, slots=True)
class BulkRecipe:
    """How a worker process builds a bulk job's row judge: picklable, its own database engine."""

    settings: Settings
    #: the database holding the stored evidence (its full URL: each process opens its own engine);
    #: None judges the rows on what they carry (``trace-verify validate`` without ``--db``)
    database_url: str | None
    merchant_id: str | None

    def build(self) -> BulkRowJudge:
        """The judge of one job's rows (stored evidence only; carriers are never called)."""
        from trace_verify.services.bulk_rows import BulkRowJudge

        if self.database_url is None:
            return BulkRowJudge(verification(self.settings, document_ports(), Shell.CLI), None, None)
        from trace_verify.db.session import Database
        from trace_verify.services.history import StoredHistory
        from trace_verify.services.trace_codes import ConcealingRegistry

        database = Database(self.database_url)
        registry: RegistrySource = trace_codes(self.settings, database)
        if self.merchant_id is not None:  # a merchant's job sees another merchant's code as forged
            registry = ConcealingRegistry(registry)
        verifier = verification(self.settings, document_ports(), Shell.CLI, StoredHistory(database), registry)
        return BulkRowJudge(verifier, database, self.merchant_id)


def bulk_recipe(settings: Settings, database_url: str, merchant_id: str | None) -> BulkRecipe:
    """The recipe of a job's worker processes (given to :class:`ValidationService`)."""
    return BulkRecipe(settings, database_url, merchant_id)


def validations(settings: Settings, database: Database) -> ValidationService:
    """Bulk validations (their queue is set by :func:`build_services`: see :func:`job_queue`)."""
    from trace_verify.services.validations import ValidationService

    return ValidationService(database, settings, bulk_recipe)


# -- operations: readiness and queue depth (issue 15) ------------------------------------------------


def readiness(system: System) -> dict[str, str]:
    """Each dependency's state for ``/readyz``: ``ok``, ``not_configured`` or why it failed."""
    import sqlalchemy as sa

    from trace_verify.db.migrate import current_revision, head_revision

    checks: dict[str, str] = {}
    try:
        with system.database.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        checks["database"] = "ok"
        current, newest = current_revision(system.database.engine), head_revision()
        checks["migrations"] = "ok" if current == newest else f"at {current or 'none'}, newest {newest}"
    except Exception as exc:  # any failure to reach the database means not ready
        checks["database"] = f"failed: {type(exc).__name__}"
        checks["migrations"] = "unknown"
    if system.settings.redis_url:
        from trace_verify.services.queue import RedisQueue

        queue = system.services.queue
        reachable = queue.ping() if isinstance(queue, RedisQueue) else False
        checks["redis"] = "ok" if reachable else "failed: no answer"
    else:
        checks["redis"] = "not_configured"
    return checks


def observe_carriers(ports: CarrierPorts) -> None:
    """Set the breaker-state gauge of every live carrier (0 closed, 1 half-open, 2 open)."""
    from trace_verify.observability import BREAKER_STATE, BREAKER_VALUES

    for carrier, state in ports.breaker_states().items():
        BREAKER_STATE.labels(carrier).set(BREAKER_VALUES.get(state, BREAKER_VALUES["open"]))


def observe_queue(system: System) -> None:
    """Set the queue-depth gauges: validation jobs waiting and running, and Redis' queue length."""
    import sqlalchemy as sa

    from trace_verify.db.models import JobState, ValidationJob
    from trace_verify.observability import QUEUE_DEPTH
    from trace_verify.services.queue import RedisQueue

    with system.database.transaction() as session:
        counts = dict(
            session.execute(
                sa.select(ValidationJob.state, sa.func.count())
                .where(ValidationJob.state.in_((JobState.QUEUED, JobState.RUNNING)))
                .group_by(ValidationJob.state)
            ).all()
        )
    QUEUE_DEPTH.labels("validations_queued").set(counts.get(JobState.QUEUED, 0))
    QUEUE_DEPTH.labels("validations_running").set(counts.get(JobState.RUNNING, 0))
    queue = system.services.queue
    if isinstance(queue, RedisQueue):
        QUEUE_DEPTH.labels("redis").set(queue.depth())
