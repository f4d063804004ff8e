"""The ``trace-verify`` command line: a thin shell over the services (contracts/README.md, command line).

Every refusal is one line on stderr, ``error: CODE: /pointer: message``, and exit status 2; a
traceback is never shown to a user. ``verify --jsonl`` streams: one line in, one line out.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

from trace_verify import startup
from trace_verify.config import Settings, load_settings
from trace_verify.contract.jsonio import dumps
from trace_verify.errors import Internal, InvalidInput, NotFound, ServiceError, TooLarge
from trace_verify.services.clock import Clock
from trace_verify.startup import Shell

if TYPE_CHECKING:
    from trace_verify.services.history import StoredHistory
    from trace_verify.services.trace_codes import TraceCodeService

EXIT_OK, EXIT_SOME_FAILED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 70

#: The one place an error kind becomes an exit status (contract: every refusal exits 2).
EXIT_OF_KIND: dict[type[ServiceError], int] = {Internal: EXIT_INTERNAL, ServiceError: EXIT_BAD_INPUT}

#: A service names the field it refuses; the command line names the flag that sets it.
FLAG_OF_FIELD = {
    "/merchant_id": "--merchant",
    "/consumer_id": "--consumer",
    "/expires_in_days": "--expires-in",
    "/role": "--role",
    "/now": "--now",
}


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in the contract's one-line shape."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        _fail(InvalidInput("USAGE", message))


def exit_status(error: ServiceError) -> int:
    """The exit status of ``error``'s kind."""
    return next(EXIT_OF_KIND[kind] for kind in type(error).__mro__ if kind in EXIT_OF_KIND)


def _fail(error: ServiceError) -> NoReturn:
    if error.pointer in FLAG_OF_FIELD:
        error = error.at(FLAG_OF_FIELD[error.pointer])
    print(f"error: {error.one_line()}", file=sys.stderr)
    raise SystemExit(exit_status(error))


def _read_input(path: str, limit: int) -> bytes:
    """The whole of FILE (or stdin for ``-``), refusing more than ``limit`` bytes."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with open(path, "rb") as handle:
                data = handle.read(limit + 1)
    except OSError as exc:
        raise InvalidInput("INPUT_UNREADABLE", f"cannot read {path}: {exc.strerror}") from None
    if len(data) > limit:
        raise TooLarge("BODY_TOO_LARGE", f"input larger than {limit} bytes")
    return data


def _lines(path: str, limit: int) -> Iterator[bytes | ServiceError]:
    """Lines of FILE (or stdin), read lazily (constant memory); an oversized line becomes an error."""
    try:
        stream: IO[bytes] = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise InvalidInput("INPUT_UNREADABLE", f"cannot read {path}: {exc.strerror}") from None
    with stream:
        while True:
            line = stream.readline(limit + 1)
            if not line:
                return
            if len(line) > limit and not line.endswith(b"\n"):
                # Skip the rest of an oversized line, reporting it as one bad line.
                while line and not line.endswith(b"\n"):
                    line = stream.readline(limit)
                yield TooLarge("BODY_TOO_LARGE", f"line longer than {limit} bytes")
                continue
            yield line


# -- commands ------------------------------------------------------------------------------------


def cmd_verify(args: argparse.Namespace, settings: Settings) -> int:
    now = Clock().at(args.now)
    with_history = bool(args.db or settings.database_url)
    if args.jsonl:
        return _verify_jsonl(settings, with_history, args.jsonl, now, args.workers)
    history, registry = _stored_evidence(settings) if with_history else (None, None)
    service = startup.verification(settings, startup.document_ports(), Shell.CLI, history, registry)
    if not args.file:
        raise InvalidInput("USAGE", "give a bundle FILE, '-' for standard input, or --jsonl IN")
    verdict = service.verify_bytes(_read_input(args.file, service.max_bundle_bytes), now)
    sys.stdout.write(dumps(verdict, pretty=True) + "\n")
    return EXIT_OK


def _stored_evidence(settings: Settings) -> tuple[StoredHistory, TraceCodeService]:
    """The database's history and code registry; imported only with --db, so offline verification
    starts fast (and says ``TRACE_CODE_UNVERIFIED``)."""
    from trace_verify.services.history import StoredHistory

    database = startup.open_database(settings)
    return StoredHistory(database), startup.trace_codes(settings, database)


def _verify_jsonl(
    settings: Settings, with_history: bool, path: str, now: datetime, workers: int | None
) -> int:
    """Stream verdicts in input order, verifying on ``workers`` processes (default: every CPU)."""
    from trace_verify.services.parallel import ParallelVerifier

    if with_history:
        _stored_evidence(settings)  # refuse an unmigrated database before any line is read
    engine = ParallelVerifier(startup.VerifierRecipe(settings, with_history), workers)
    failed = False
    out = sys.stdout.buffer
    limit = startup.bundle_limit(settings, Shell.CLI)
    for outcome in engine.verify_lines(_lines(path, limit), now):
        failed = failed or not outcome.ok
        out.write(outcome.data + b"\n")
    out.flush()
    return EXIT_SOME_FAILED if failed else EXIT_OK


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, not {text[:20]!r}")
    return value


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    """Bulk pre-validation of FILE into RESULTS, on every core, with a progress bar on a terminal."""
    import json

    from trace_verify.services.bulk_input import csv_items, jsonl_items
    from trace_verify.services.bulk_rows import RESULT_COLUMNS, result_to_csv_row
    from trace_verify.services.parallel import ParallelVerifier
    from trace_verify.services.progress import ProgressBar, count_lines

    source = Path(args.file)
    fmt = args.format or ("csv" if source.suffix.lower() == ".csv" else "jsonl")
    as_csv = Path(args.out).suffix.lower() == ".csv"
    database_url = None
    if args.db or settings.database_url:
        startup.open_database(settings)  # refuse an unmigrated database before any row is read
        database_url = startup.database_url(settings)
    if not source.is_file():
        raise InvalidInput("INPUT_UNREADABLE", f"cannot read {args.file}")
    items = csv_items(source) if fmt == "csv" else jsonl_items(source)
    engine = ParallelVerifier(startup.BulkRecipe(settings, database_url, None), args.workers)
    bar = ProgressBar(sys.stderr, count_lines(source) - (fmt == "csv")) if sys.stderr.isatty() else None
    failed = 0
    try:
        with open(args.out, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\r\n")
            if as_csv:
                writer.writerow(RESULT_COLUMNS)
            on_chunk = bar.update if bar is not None else None
            for outcome in engine.verify_numbered(items, Clock().at(args.now), on_chunk):
                failed += not outcome.ok
                if as_csv:
                    writer.writerow(result_to_csv_row(json.loads(outcome.data)))
                else:
                    out.write(outcome.data.decode("utf-8") + "\n")
    except OSError as exc:
        raise InvalidInput("OUTPUT_UNWRITABLE", f"cannot write {args.out}: {exc.strerror}") from None
    finally:
        if bar is not None:
            bar.close()
    return EXIT_SOME_FAILED if failed else EXIT_OK


def cmd_validations(args: argparse.Namespace, settings: Settings) -> int:
    """``validations purge``: expire the finished jobs older than the retention period, now (the job
    runner also does it on its schedule; this is for cron and for deployments without a runner)."""
    system = startup.start(settings, Shell.CLI, ports=startup.document_ports())
    service = system.services.validations
    expired = service.purge(system.services.clock.now())
    print(f"expired {expired} job(s) finished more than {settings.bulk_retention_days:g} day(s) ago")
    return EXIT_OK


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    """Run queued jobs from Redis until stopped (``--burst``: until the queue is empty)."""
    from trace_verify.observability import configure_logging
    from trace_verify.worker import work

    configure_logging()
    work(settings, burst=args.burst)
    return EXIT_OK


def cmd_refresh_due(args: argparse.Namespace, settings: Settings) -> int:
    """One pass of the scheduled tracking refresh, here: every open shipment's number due a poll is
    polled once (each claimed first, so it is safe beside running workers); a JSON summary on stdout."""
    system = startup.start(settings, Shell.CLI)
    try:
        now = system.services.clock.at(args.now)
        tracking = system.services.tracking
        due = tracking.due(now, args.limit)
        polled = sum(tracking.refresh(key, now) for key in due)
    finally:
        system.database.dispose()
    print(dumps({"due": len(due), "polled": polled, "held": len(due) - polled}))
    return EXIT_OK


def cmd_carriers(args: argparse.Namespace, settings: Settings) -> int:
    from carriers import REGISTRY, spec_to_json

    rows = [spec_to_json(spec) for spec in REGISTRY.all()]
    if args.json:
        print(dumps(rows, pretty=True))
        return EXIT_OK
    print(f"{'id':<12} {'live':<5} {'name':<44} formats")
    for row in rows:
        note = "" if row.get("format_verified", True) else "  (format unverified)"
        print(
            f"{row['id']:<12} {'yes' if row['live'] else 'no':<5} {row['name']:<44} "
            f"{', '.join(row['formats'])}{note}"
        )
    return EXIT_OK


def cmd_parse(args: argparse.Namespace, settings: Settings) -> int:
    from carriers import REGISTRY, parse_result_to_json
    from trace_verify.domain.documents import DocumentRejected

    if REGISTRY.get(args.carrier) is None:
        known = ", ".join(spec.id for spec in REGISTRY.all())
        raise InvalidInput("UNKNOWN_CARRIER", f"no adapter {args.carrier!r} (known: {known})", "--carrier")
    data = _read_input(args.file, startup.bundle_limit(settings, Shell.CLI))
    try:
        result = REGISTRY.read(args.carrier, data)
    except DocumentRejected as exc:
        raise InvalidInput(exc.code, exc.message) from None
    print(dumps(parse_result_to_json(result), pretty=True))
    return EXIT_OK


def cmd_number(args: argparse.Namespace, settings: Settings) -> int:
    from carriers import REGISTRY
    from trace_verify.domain.numbers import identify

    numbers: Sequence[str] | Iterator[str] = args.numbers
    if list(args.numbers) == ["-"]:
        numbers = (line.strip() for line in sys.stdin if line.strip())
    for number in numbers:
        print(
            json.dumps(
                identify(number, carriers=REGISTRY.numbers).to_dict(),
                ensure_ascii=False,
                separators=(",", ":"),
            )
        )
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from trace_verify.web.serve import serve

    serve(settings, host=args.host or settings.host, port=args.port or settings.port)
    return EXIT_OK


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    from trace_verify.db import migrate
    from trace_verify.db.session import Database

    url = startup.database_url(settings)
    if args.action == "upgrade":
        migrate.upgrade(url, args.revision or "head")
    elif args.action == "downgrade":
        migrate.downgrade(url, args.revision or "-1")
    database = Database(url)
    try:
        current = migrate.current_revision(database.engine)
    finally:
        database.dispose()
    print(f"database: {database.engine.url.render_as_string(hide_password=True)}")
    print(f"revision: {current or 'none'} (newest: {migrate.head_revision()})")
    return EXIT_OK


def cmd_keys(args: argparse.Namespace, settings: Settings) -> int:
    from trace_verify.db.models import Role

    system = startup.start(settings, Shell.CLI, ports=startup.document_ports())
    keys = system.services.keys
    now = system.services.clock.now()
    if args.action == "create":
        issued = keys.create(
            Role(args.role),
            now,
            merchant_id=args.merchant,
            consumer_id=args.consumer,
            expires_in_days=args.expires_in,
            label=args.label,
        )
        tenant = issued.merchant_id or issued.consumer_id
        print(f"id:      {issued.id}", file=sys.stderr)
        print(f"role:    {issued.role.value}{f' ({tenant})' if tenant else ''}", file=sys.stderr)
        print(f"expires: {issued.expires_at.isoformat() if issued.expires_at else 'never'}", file=sys.stderr)
        print("The key below is shown once; only its SHA-256 digest is stored.", file=sys.stderr)
        print(issued.secret)
        return EXIT_OK
    if args.action == "revoke":
        if not keys.revoke(args.key_id, now):
            raise NotFound("NOT_FOUND", f"no key {args.key_id[:40]!r}", "KEY_ID")
        print(f"revoked {args.key_id}")
        return EXIT_OK
    for key in keys.list():
        expired = key.expires_at is not None and key.expires_at <= now
        state = "revoked" if key.revoked_at else ("expired" if expired else "active")
        tenant = key.merchant_id or key.consumer_id or "-"
        print(f"{key.id:<24} {key.role.value:<9} {tenant:<20} {state:<8} {key.label or ''}")
    return EXIT_OK


def cmd_signing_keys(args: argparse.Namespace, settings: Settings) -> int:
    """QR signing keys: create (rotate), retire, revoke, list. Their material never leaves the server."""
    signer = startup.trace_codes(settings, startup.open_database(settings)).signer
    now = Clock().now()
    if args.action in ("create", "rotate"):
        before = [k.kid for k in signer.list() if k.state.value == "active"]
        kid = signer.create(now)
        retired = f" ({before[0]} retired: it still verifies the codes it signed)" if before else ""
        print(f"active signing key: {kid}{retired}")
        return EXIT_OK
    if args.action == "retire":
        signer.retire(args.kid, now)
        print(f"retired {args.kid}: it signs no new code and still verifies the codes it signed")
        return EXIT_OK
    if args.action == "revoke":
        signer.revoke(args.kid, now)
        print(f"revoked {args.kid}: every code it signed now scans as forged")
        return EXIT_OK
    for key in signer.list():
        print(f"{key.kid}  {key.state.value:<8} created {key.created_at.isoformat()}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from trace_verify.db import migrate
    from trace_verify.services.demo import DEMO_KEYS, load_demo
    from trace_verify.web.serve import serve

    migrate.upgrade(startup.database_url(settings))
    system = startup.start(settings, Shell.CLI, ports=startup.document_ports())
    try:
        codes = system.services.trace_codes
        summary = load_demo(
            system.database, system.ports.documents, args.data, system.services.clock.now(), codes
        )
        demo_codes = _demo_code_urls(codes, args.data)
    finally:
        system.database.dispose()
    print(
        f"demo data: {summary.merchants} merchants, {summary.orders} orders, {summary.keys} keys added"
        f" ({summary.deposits} deposits topped up)",
        file=sys.stderr,
    )
    print(f"demo traceability codes ({summary.trace_codes} added; their QR opens):", file=sys.stderr)
    for line in demo_codes:
        print(f"  {line}", file=sys.stderr)
    print("demo keys (public; send as Authorization: Bearer <key>):", file=sys.stderr)
    for key in DEMO_KEYS:
        tenant = key.merchant_id or key.consumer_id or ""
        print(f"  {key.role.value:<9} {tenant:<15} {key.secret}", file=sys.stderr)
    if args.no_serve:
        return EXIT_OK
    serve(settings, host=args.host or settings.host, port=args.port or settings.port)
    return EXIT_OK


def _demo_code_urls(codes: TraceCodeService, directory: Path) -> list[str]:
    """``id  url`` of each demo code (the URL depends on this installation's signing secret)."""
    import json

    from trace_verify.db.models import TraceCode

    path = directory / "trace_codes.json"
    if not path.is_file():
        return []
    lines = []
    with codes.db.transaction() as session:
        for entry in json.loads(path.read_text("utf-8")):
            for code_id in entry["ids"]:
                code = session.get(TraceCode, code_id)
                if code is not None:
                    lines.append(f"{code_id}  {codes.urls(code)[0]}")
    return lines


def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    """``audit verify [--anchors FILE]`` (exit 1 when the chain is broken) and ``audit anchor FILE``."""
    from trace_verify.services import audit

    database = startup.open_database(settings)
    try:
        with database.transaction() as session:
            if args.action == "anchor":
                head = audit.head(session)
                if head is None:
                    raise InvalidInput("AUDIT_EMPTY", "the audit log has no record to anchor yet")
                audit.write_anchor(Path(args.file), head, Clock().now())
                print(f"anchored seq {head.seq} {head.hash} in {args.file}")
                return EXIT_OK
            anchors = _anchors(args.anchors) if args.anchors else []
            report = audit.verify_chain(session, anchors)
    finally:
        database.dispose()
    for problem in report.problems:
        print(f"BROKEN: {problem}")
    head_text = f"seq {report.head.seq} {report.head.hash}" if report.head else "empty"
    state = "intact" if report.ok else "BROKEN"
    print(f"audit log {state}: {report.records} records, head {head_text}, {len(anchors)} anchors checked")
    return EXIT_OK if report.ok else EXIT_SOME_FAILED


def _anchors(path: str) -> list[Any]:
    from trace_verify.services import audit

    try:
        return audit.read_anchors(Path(path))
    except OSError as exc:
        raise InvalidInput("INPUT_UNREADABLE", f"cannot read {path}: {exc.strerror}", "--anchors") from None
    except ValueError as exc:
        raise InvalidInput("INVALID_ARGUMENT", str(exc), "--anchors") from None


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "verify": cmd_verify,
    "validate": cmd_validate,
    "worker": cmd_worker,
    "validations": cmd_validations,
    "refresh-due": cmd_refresh_due,
    "carriers": cmd_carriers,
    "parse": cmd_parse,
    "number": cmd_number,
    "serve": cmd_serve,
    "db": cmd_db,
    "keys": cmd_keys,
    "demo": cmd_demo,
    "signing-keys": cmd_signing_keys,
    "audit": cmd_audit,
}

_DEMO_DATA = Path(__file__).resolve().parent.parent / "fixtures" / "demo"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="trace-verify",
        description="Verify Overseas Direct Supply claims from carrier and customs evidence.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    verify = sub.add_parser("verify", help="verify a bundle (or one bundle per line with --jsonl)")
    verify.add_argument("file", nargs="?", help="bundle JSON file, or - for standard input")
    verify.add_argument("--jsonl", metavar="IN", help="one bundle per line; one verdict per line out")
    verify.add_argument("--now", metavar="TIMESTAMP", help="fix the clock (RFC 3339 with offset)")
    verify.add_argument("--db", action="store_true", help="use the service's database (registry, history)")
    verify.add_argument(
        "--workers",
        type=_positive,
        metavar="N",
        help="processes verifying --jsonl lines (default: one per CPU; 1 keeps one process)",
    )

    validate = sub.add_parser(
        "validate", help="bulk pre-validation: FILE (JSON Lines or CSV) into RESULTS, on every core"
    )
    validate.add_argument("file", metavar="FILE", help="bundles a line (.jsonl) or events a row (.csv)")
    validate.add_argument(
        "--out", required=True, metavar="RESULTS", help="results file (.csv: CSV, else JSON Lines)"
    )
    validate.add_argument("--format", choices=("jsonl", "csv"), help="FILE's format (default: from its name)")
    validate.add_argument("--now", metavar="TIMESTAMP", help="fix the clock (RFC 3339 with offset)")
    validate.add_argument(
        "--db", action="store_true", help="judge rows without events on the stored evidence"
    )
    validate.add_argument("--workers", type=_positive, metavar="N", help="processes (default: one per CPU)")

    validations = sub.add_parser("validations", help="bulk validation jobs: purge the expired ones")
    validations_sub = validations.add_subparsers(dest="action", required=True, parser_class=_Parser)
    validations_sub.add_parser(
        "purge",
        help="delete the files of jobs finished longer ago than TRACE_VERIFY_BULK_RETENTION_DAYS",
    )

    worker = sub.add_parser("worker", help="run queued jobs from Redis (REDIS_URL); start any number")
    worker.add_argument("--burst", action="store_true", help="stop when the queue is empty")

    refresh_due = sub.add_parser(
        "refresh-due", help="poll, here and now, every open shipment whose carrier's polling interval is over"
    )
    refresh_due.add_argument("--now", metavar="TIMESTAMP", help="fix the clock (RFC 3339 with offset)")
    refresh_due.add_argument("--limit", type=_positive, default=500, metavar="N", help="most numbers (500)")

    carriers = sub.add_parser("carriers", help="list the carrier adapters")
    carriers.add_argument("--json", action="store_true", help="JSON instead of a table")

    parse = sub.add_parser("parse", help="parse a raw carrier document into normalized events")
    parse.add_argument("--carrier", required=True, metavar="ID")
    parse.add_argument("file", help="the document, or - for standard input")

    number = sub.add_parser("number", help="identify tracking numbers")
    number.add_argument("numbers", nargs="+", metavar="NUMBER", help="numbers, or - to read one a line")

    serve = sub.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)

    db = sub.add_parser("db", help="migrate the database (SQLite file by default; DATABASE_URL)")
    db.add_argument("action", choices=("upgrade", "downgrade", "current"))
    db.add_argument("--revision", help="target revision (upgrade: head; downgrade: -1, or base)")

    keys = sub.add_parser("keys", help="create, revoke and list API keys")
    keys_sub = keys.add_subparsers(dest="action", required=True, parser_class=_Parser)
    create = keys_sub.add_parser("create", help="create a key; it is printed once")
    create.add_argument("--role", required=True, choices=("platform", "staff", "merchant", "consumer"))
    tenant = create.add_mutually_exclusive_group()
    tenant.add_argument("--merchant", metavar="ID", help="the merchant a merchant key belongs to")
    tenant.add_argument("--consumer", metavar="ID", help="the consumer a consumer key belongs to")
    create.add_argument("--expires-in", type=int, metavar="DAYS", help="expire after DAYS days")
    create.add_argument("--label", help="a note shown by keys list")
    revoke = keys_sub.add_parser("revoke", help="revoke a key by id")
    revoke.add_argument("key_id", metavar="KEY_ID")
    keys_sub.add_parser("list", help="list keys (ids and roles; never the keys)")

    signing = sub.add_parser("signing-keys", help="QR signing keys: create/rotate, retire, revoke, list")
    signing_sub = signing.add_subparsers(dest="action", required=True, parser_class=_Parser)
    signing_sub.add_parser("create", help="a new active key (the active one is retired)")
    signing_sub.add_parser("rotate", help="the same as create")
    for action, text in (
        ("retire", "stop signing with KID (it still verifies)"),
        ("revoke", "KID verifies nothing"),
    ):
        sub_parser = signing_sub.add_parser(action, help=text)
        sub_parser.add_argument("kid", metavar="KID")
    signing_sub.add_parser("list", help="keys and their states (never their material)")

    demo = sub.add_parser("demo", help="migrate, load the demo data and keys, and serve them")
    demo.add_argument("--data", type=Path, default=_DEMO_DATA, help="demo data directory (fixtures/demo)")
    demo.add_argument("--no-serve", action="store_true", help="load and print the keys, do not serve")
    demo.add_argument("--host")
    demo.add_argument("--port", type=int)

    audit = sub.add_parser("audit", help="verify the hash-chained audit log, or anchor its head outside")
    audit_sub = audit.add_subparsers(dest="action", required=True, parser_class=_Parser)
    check = audit_sub.add_parser("verify", help="check every record's link and hash (exit 1 when broken)")
    check.add_argument("--anchors", metavar="FILE", help="anchor file written by `audit anchor`")
    anchor = audit_sub.add_parser("anchor", help="append the current (seq, head hash) to FILE")
    anchor.add_argument("file", metavar="FILE", help="a file outside the database (appended to)")

    # Listed for --help only: main() hands this command's arguments to the simulator's own parser.
    sub.add_parser("simulate-carriers", help="serve carrier APIs from fixtures on loopback (see its --help)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["simulate-carriers"]:  # its options are the simulator's own (see its --help)
        from carriers.simulator import main as simulator_main

        return simulator_main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except (ValueError, KeyError) as exc:
        _fail(InvalidInput("INVALID_CONFIGURATION", str(exc)))
    try:
        return COMMANDS[args.command](args, settings)
    except ServiceError as exc:
        _fail(exc)
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug, not bad input: one line, no traceback, distinct status
        if os.environ.get("TRACE_VERIFY_DEBUG"):
            raise
        print(
            f"error: INTERNAL_ERROR: /: {type(exc).__name__} (set TRACE_VERIFY_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
