"""``trace-verify simulate-carriers``: serve the carrier simulator on loopback for manual and CI runs."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from carriers.simulator.server import serve


def _client(text: str) -> tuple[str, str]:
    client_id, sep, secret = text.partition(":")
    if not sep or not client_id or not secret:
        raise argparse.ArgumentTypeError("expected CLIENT_ID:SECRET")
    return client_id, secret


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trace-verify simulate-carriers",
        description="Serve carrier tracking APIs (DHL Unified, UPS, FedEx, USPS, …) from fixture documents.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    parser.add_argument(
        "--fixtures",
        type=Path,
        default=Path("fixtures"),
        help="fixtures folder holding carriers/<id>/ (default ./fixtures)",
    )
    parser.add_argument(
        "--api-key", action="append", dest="api_keys", help="accepted API key (repeatable; default sim-key)"
    )
    parser.add_argument(
        "--client",
        action="append",
        type=_client,
        dest="clients",
        help="OAuth2 CLIENT_ID:SECRET (default sim-client:sim-secret)",
    )
    parser.add_argument("--token-ttl", type=float, default=3600.0, help="lifetime of issued tokens, seconds")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and serve until interrupted; returns the exit status."""
    args = build_parser().parse_args(argv)
    if not args.fixtures.is_dir():
        print(f"error: FIXTURES_NOT_FOUND: {args.fixtures}: no such folder", file=sys.stderr)
        return 2
    print(f"carrier simulator on http://{args.host}:{args.port} (fixtures: {args.fixtures})", file=sys.stderr)
    try:
        serve(
            args.host,
            args.port,
            args.fixtures,
            api_keys=tuple(args.api_keys or ("sim-key",)),
            clients=dict(args.clients or [("sim-client", "sim-secret")]),
            token_ttl=args.token_ttl,
        )
    except ValueError as exc:
        print(f"error: SIMULATOR_REFUSED: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0
