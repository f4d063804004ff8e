"""Byte-identical proof for refactors: snapshot every output the fixtures produce, then diff two snapshots.

A refactor that must not change behaviour (issue 9) is proven by running this at the commit before
and at the commit after, and diffing::

    git worktree add /tmp/tv-old main                      # the commit before (any commit)
    .venv/bin/python scripts/output_snapshot.py write /tmp/snap-old --root /tmp/tv-old
    .venv/bin/python scripts/output_snapshot.py write /tmp/snap-new   # this checkout
    .venv/bin/python scripts/output_snapshot.py diff /tmp/snap-old /tmp/snap-new
    git worktree remove /tmp/tv-old

``write DIR`` runs the command line in-process (``trace_verify.cli.main``) from the checkout at
``--root`` (default: the checkout holding this script; that checkout's packages shadow the venv's
editable install) and writes one file per input, each holding the exit status, stdout and stderr:

* ``verify/<path>.out``: the offline verdict of every bundle under ``fixtures/`` (any JSON file whose
  top level has ``order`` and ``shipments``), at the file's own ``"$now"`` (removed before verifying,
  as the tests do) or else at the fixed instant ``FIXED_NOW``;
* ``parse/<path>.out``: ``trace-verify parse`` of every carrier fixture document with its carrier
  (``fixtures/carriers/<id>/*``; the EPCIS conformance files and the hostile XML with ``epcis``);
* ``number/<courier>.out``: ``trace-verify number`` of every test number of the tracking-number
  conformance data; ``carriers.out``: ``trace-verify carriers --json``.

``diff A B`` lists every file that differs or exists on one side only, and exits 1 on any difference.
The old checkout needs no copy of this script: ``--root`` points the run at it.
"""

from __future__ import annotations

import argparse
import contextlib
import filecmp
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

FIXED_NOW = "2026-06-01T00:00:00Z"
"""The clock for bundles that declare no ``"$now"`` of their own."""

HERE = Path(__file__).resolve().parent.parent


def _run_cli(argv: Sequence[str]) -> str:
    """One in-process run of the command line: exit status, stdout and stderr as one text."""
    from trace_verify.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(argv))
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
    return f"exit: {status}\n--- stdout\n{out.getvalue()}--- stderr\n{err.getvalue()}"


def _bundles(fixtures: Path) -> Iterator[Path]:
    for path in sorted(fixtures.rglob("*.json")):
        try:
            obj = json.loads(path.read_bytes())
        except ValueError:
            continue
        if isinstance(obj, dict) and "order" in obj and "shipments" in obj:
            yield path


def _carrier_documents(fixtures: Path) -> Iterator[tuple[str, Path]]:
    for folder in sorted(p for p in (fixtures / "carriers").iterdir() if p.is_dir()):
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.suffix != ".md":
                yield folder.name, path
    for root in (fixtures / "conformance" / "epcis", fixtures / "xml" / "hostile"):
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in {".xml", ".json", ".jsonld"}:
                yield "epcis", path


def _test_numbers(fixtures: Path) -> Iterator[tuple[str, list[str]]]:
    for path in sorted((fixtures / "conformance" / "tracking-number-data" / "couriers").glob("*.json")):
        numbers: list[str] = []
        for fmt in json.loads(path.read_bytes()).get("tracking_numbers", []):
            tests = fmt.get("test_numbers", {})
            numbers += [n for n in tests.get("valid", []) + tests.get("invalid", []) if n.strip()]
        yield path.stem, numbers


def _write(target: Path, name: str, text: str) -> None:
    path = target / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write(target: Path, root: Path) -> dict[str, int]:
    """Write the snapshot of the checkout at ``root`` into ``target``; returns counts per kind."""
    fixtures = root / "fixtures"
    counts = {"verify": 0, "parse": 0, "number": 0}
    with tempfile.TemporaryDirectory() as scratch:
        for path in _bundles(fixtures):
            obj = json.loads(path.read_bytes())
            now = obj.pop("$now", FIXED_NOW)
            bundle = Path(scratch) / "bundle.json"
            bundle.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
            rel = path.relative_to(fixtures)
            _write(target, f"verify/{rel}.out", _run_cli(["verify", str(bundle), "--now", now]))
            counts["verify"] += 1
    for carrier, path in _carrier_documents(fixtures):
        rel = path.relative_to(fixtures)
        _write(target, f"parse/{rel}.out", _run_cli(["parse", "--carrier", carrier, str(path)]))
        counts["parse"] += 1
    for courier, numbers in _test_numbers(fixtures):
        _write(target, f"number/{courier}.out", _run_cli(["number", *numbers]))
        counts["number"] += len(numbers)
    _write(target, "carriers.out", _run_cli(["carriers", "--json"]))
    return counts


def diff(left: Path, right: Path) -> list[str]:
    """Every relative path whose content differs or that exists on one side only."""

    def files(base: Path) -> set[str]:
        return {str(p.relative_to(base)) for p in base.rglob("*") if p.is_file()}

    a, b = files(left), files(right)
    differing = [f"only in {left}: {n}" for n in sorted(a - b)]
    differing += [f"only in {right}: {n}" for n in sorted(b - a)]
    differing += [
        f"differs: {n}" for n in sorted(a & b) if not filecmp.cmp(left / n, right / n, shallow=False)
    ]
    return differing


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write", help="snapshot every fixture's output into DIR")
    w.add_argument("dir", type=Path)
    w.add_argument("--root", type=Path, default=HERE, help="the checkout to run (default: this one)")
    d = sub.add_parser("diff", help="list the files that differ between two snapshots (exit 1 if any)")
    d.add_argument("a", type=Path)
    d.add_argument("b", type=Path)
    args = parser.parse_args(argv)
    if args.command == "diff":
        differing = diff(args.a, args.b)
        for line in differing:
            print(line)
        print(f"{len(differing)} differing file(s)", file=sys.stderr)
        return 1 if differing else 0
    root, target = args.root.resolve(), args.dir.resolve()
    sys.path.insert(0, str(root))  # the checkout's packages before the venv's editable install
    os.chdir(root)
    os.environ.pop("DATABASE_URL", None)  # offline verdicts only
    counts = write(target, root)
    import trace_verify

    print(f"snapshot of {Path(trace_verify.__file__).parent.parent}: {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
