"""Benchmark of the carrier adapters (issues 4 and 5): µs per parse, ours against karrio and the floor.

For every adapter in ``carriers.REGISTRY`` and every fixture in ``fixtures/carriers/<id>/`` that the
adapter reads without ``DocumentRejected`` (``malformed-*`` skipped), three figures on the same bytes:

* ours   — ``REGISTRY.read(carrier_id, raw)``, in this process;
* karrio — karrio's own ``parse_tracking_response`` on the connector for that format, run by
  ``bench/karrio_side.py`` inside karrio's virtual environment (``.venv-karrio`` for karrio 2026.1.32,
  ``.venv-karrio-legacy`` for karrio 2023.9.2: USPS Web Tools XML, SF Express); sockets blocked;
* floor  — the least any reader must do to reach the event list: ``json.loads`` plus dict access down
  to the events (or ``carriers._xml.parse_xml`` plus finding the event elements).

Timing is best-of-``--repeat`` rounds, each round looping long enough (``--min-time``) to be measured.
Targets, judged per adapter on the median over its tracking documents (those with events; carrier
error bodies are shown but not judged, as they have no event list to reach): ours ≥ 10× faster than
karrio where karrio has a connector, and ours ≤ 3× the floor. Usage: ``python bench/parse.py``;
``--smoke`` runs each parse a few times without karrio (what ``make test`` does), timings not judged.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.verify import commit, machine  # noqa: E402
from carriers import REGISTRY  # noqa: E402
from carriers._xml import parse_xml  # noqa: E402
from trace_verify.domain.documents import DocumentRejected, ParseResult  # noqa: E402

FIXTURES = ROOT / "fixtures" / "carriers"
KARRIO_SIDE = ROOT / "bench" / "karrio_side.py"
TARGET_VS_KARRIO = 10.0  # ours at least this many times faster than karrio
TARGET_VS_FLOOR = 3.0  # ours at most this many times the floor

#: karrio connector per adapter and wire format: (environment, connector) or why there is none.
#: Environments: "2026" = karrio 2026.1.32, "legacy" = karrio 2023.9.2 (shared/reference/carriers.md §1).
KARRIO: dict[str, dict[str, tuple[str, str]]] = {
    "ups": {"json": ("2026", "ups")},
    "fedex": {"json": ("2026", "fedex")},
    "dhl": {"json": ("2026", "dhl_universal")},
    "dhl-express": {"json": ("2026", "mydhl"), "xml": ("2026", "dhl_express")},
    "usps": {"json": ("2026", "usps"), "xml": ("legacy", "usps_legacy")},
    "canadapost": {"xml": ("2026", "canadapost")},
    "royalmail": {"json": ("2026", "royalmail")},
    "sf": {"json": ("legacy", "sf_express")},  # 2023.4 reads only the decoded apiResultData (§4.10)
}
NO_CONNECTOR = "no karrio connector"

#: Where each format keeps its events, for the floor. JSON/form: dotted keys, ``[]`` iterates a list,
#: ``@json`` decodes a string holding JSON. XML: element tags (``{*}`` = any namespace). An adapter
#: without an entry gets a decode-only floor (marked ``*``): lower, so stricter for us.
FLOOR_PATHS: dict[str, tuple[str, ...]] = {
    "ups": ("trackResponse.shipment[].package[].activity",),
    "fedex": ("output.completeTrackResults[].trackResults[].scanEvents",),
    "dhl": ("shipments[].events",),
    "dhl-express": ("shipments[].events",),
    "usps": ("trackingEvents",),
    "royalmail": ("mailPieces.events",),
    "sf": ("apiResultData@json.msgData.routeResps[].routes", "msgData.routeResps[].routes"),
    "epcis": ("epcisBody.eventList", "epcisBody.queryResults.resultsBody.eventList"),
    "kuaidi100": ("data", "lastResult.data", "param[]@json.lastResult.data"),
    "cainiao": ("module[].detailList",),
    "17track": (
        "data.accepted[].track_info.tracking.providers[].events",
        "data.track_info.tracking.providers[].events",
    ),
    "aftership": ("data.checkpoints", "data.tracking.checkpoints", "msg.checkpoints"),
}
FLOOR_TAGS: dict[str, tuple[str, ...]] = {
    "dhl-express": ("ShipmentEvent",),
    "usps": ("TrackSummary", "TrackDetail"),
    "canadapost": ("{*}occurrence",),
    "epcis": (
        "ObjectEvent",
        "AggregationEvent",
        "TransactionEvent",
        "TransformationEvent",
        "AssociationEvent",
    ),
}


@dataclass
class Document:
    """One fixture our adapter reads, and what the three readers cost on it."""

    adapter: str
    path: Path
    raw: bytes
    fmt: str  # json, xml or form
    events: int  # events our adapter found
    tracking_number: str
    warnings: int = 0  # parse warnings: events dropped or fields read tolerantly (issue 11 §5)
    ours_us: float = 0.0
    floor_us: float = 0.0
    karrio_us: float | None = None
    karrio_note: str = ""  # why there is no karrio figure
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.adapter}/{self.path.name}"

    @property
    def is_tracking(self) -> bool:
        """A document with events (judged); the others are carrier error bodies (shown only)."""
        return self.events > 0


# --- discovery -------------------------------------------------------------------------------------


def sniff(raw: bytes) -> str:
    """Wire format from the first significant byte: JSON, XML or an HTML-form body."""
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"["):
        return "json"
    return "xml" if head == b"<" else "form"


def _requested_numbers(folder: Path) -> dict[str, str]:
    """File name → the tracking number a client asked for (``index.json``, where a folder has one)."""
    index = folder / "index.json"
    if not index.is_file():
        return {}
    try:
        mapping = json.loads(index.read_bytes())
    except ValueError:
        return {}
    return {str(name): str(number) for number, name in mapping.items()} if isinstance(mapping, dict) else {}


def _tracking_number(result: ParseResult, requested: str | None) -> str:
    if requested:
        return requested
    for shipment in result.shipments:
        return shipment.tracking_number
    for error in result.errors:
        if error.tracking_number:
            return error.tracking_number
    return "UNKNOWN"


def discover(only: Sequence[str] = ()) -> tuple[list[Document], list[str]]:
    """Every fixture each registered adapter reads, in registry order; and the ones it rejects."""
    documents: list[Document] = []
    rejected: list[str] = []
    for adapter in REGISTRY.all():
        folder = FIXTURES / adapter.id
        if (only and adapter.id not in only) or not folder.is_dir():
            continue
        requested = _requested_numbers(folder)
        for path in sorted(folder.iterdir()):
            if not path.is_file() or path.name.startswith("malformed-") or path.name == "index.json":
                continue
            raw = path.read_bytes()
            try:
                result = REGISTRY.read(adapter.id, raw)
            except DocumentRejected:
                rejected.append(f"{adapter.id}/{path.name}")
                continue
            events = sum(len(s.events) for s in result.shipments)
            number = _tracking_number(result, requested.get(path.name))
            documents.append(
                Document(adapter.id, path, raw, sniff(raw), events, number, warnings=len(result.warnings))
            )
    return documents, rejected


# --- the floor -------------------------------------------------------------------------------------


def _walk(node: Any, steps: Sequence[str]) -> int:
    """Follow ``steps`` from ``node``; the number of events in the lists reached (0 when absent)."""
    nodes = [node]
    for step in steps:
        name, _, decode = step.partition("@")
        iterate = name.endswith("[]")
        name = name.removesuffix("[]")
        reached: list[Any] = []
        for current in nodes:
            if not isinstance(current, dict) or name not in current:
                continue
            value = current[name]
            items = value if iterate and isinstance(value, list) else [value]
            if decode == "json":
                items = [json.loads(item) for item in items if isinstance(item, str)]
            reached.extend(items)
        nodes = reached
    return sum(len(n) for n in nodes if isinstance(n, list))


def floor_reader(adapter: str, fmt: str) -> tuple[Callable[[bytes], int], bool]:
    """The minimal decode for this adapter and format; False when it cannot reach the events (decode only)."""
    if fmt == "xml":
        tags = FLOOR_TAGS.get(adapter, ())

        def xml_floor(raw: bytes) -> int:
            root = parse_xml(raw)
            return len(list(root.iter(*tags))) if tags else 0

        return xml_floor, bool(tags)
    paths = [p.split(".") for p in FLOOR_PATHS.get(adapter, ())]
    decode: Callable[[bytes], Any] = json.loads if fmt == "json" else _form

    def json_floor(raw: bytes) -> int:
        document = decode(raw)
        return sum(_walk(document, steps) for steps in paths)

    return json_floor, bool(paths)


def _form(raw: bytes) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(raw.decode("utf-8"))


# --- timing ----------------------------------------------------------------------------------------


def best_us(fn: Callable[[bytes], Any], raw: bytes, min_time: float, repeat: int) -> float:
    """Best-of-``repeat`` µs per call; each round loops until it lasts ``min_time`` (same as karrio_side)."""
    loops = 1
    while True:
        started = time.perf_counter()
        for _ in range(loops):
            fn(raw)
        elapsed = time.perf_counter() - started
        if elapsed >= min_time or loops >= 1 << 20:
            break
        loops *= 2
    best = elapsed / loops
    for _ in range(repeat - 1):
        started = time.perf_counter()
        for _ in range(loops):
            fn(raw)
        best = min(best, (time.perf_counter() - started) / loops)
    return best * 1e6


def time_ours_and_floor(documents: Sequence[Document], min_time: float, repeat: int) -> None:
    for doc in documents:
        doc.ours_us = best_us(partial(REGISTRY.read, doc.adapter), doc.raw, min_time, repeat)
        floor, reaches = floor_reader(doc.adapter, doc.fmt)
        doc.extra["floor_events"] = floor(doc.raw)
        doc.extra["floor_decode_only"] = not reaches
        doc.floor_us = best_us(floor, doc.raw, min_time, repeat)


# --- karrio ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KarrioEnvs:
    """The two karrio environments, as directories holding ``bin/python``."""

    current: Path
    legacy: Path

    def python(self, env: str) -> Path:
        return (self.current if env == "2026" else self.legacy) / "bin" / "python"


def time_karrio(documents: Sequence[Document], envs: KarrioEnvs, min_time: float, repeat: int) -> list[str]:
    """Fill ``karrio_us``/``karrio_note``; returns notes about environments that are missing or failed."""
    jobs: dict[str, list[dict[str, Any]]] = {"2026": [], "legacy": []}
    by_key = {doc.key: doc for doc in documents}
    for doc in documents:
        connector = KARRIO.get(doc.adapter, {}).get(doc.fmt)
        if connector is None:
            doc.karrio_note = NO_CONNECTOR
            continue
        env, name = connector
        expect = "events" if doc.is_tracking else "errors"
        job = {"id": doc.key, "connector": name, "path": str(doc.path), "expect": expect}
        jobs[env].append(job | {"tracking_number": doc.tracking_number})
    notes: list[str] = []
    for env, env_jobs in jobs.items():
        if not env_jobs:
            continue
        python = envs.python(env)
        if not python.exists():
            notes.append(f"{python.parent.parent.name} is missing: create it with `make karrio-envs`")
            for job in env_jobs:
                by_key[job["id"]].karrio_note = "environment missing"
            continue
        answer = _run_karrio_side(python, {"min_time": min_time, "repeat": repeat, "jobs": env_jobs})
        if isinstance(answer, str):
            notes.append(f"karrio side in {python.parent.parent} failed: {answer}")
            for job in env_jobs:
                by_key[job["id"]].karrio_note = "karrio side failed"
            continue
        notes.append(f"karrio {answer['karrio']} in {python.parent.parent.name}")
        for key, figures in answer["results"].items():
            doc = by_key[key]
            doc.karrio_us = figures.get("us")
            doc.karrio_note = figures.get("na", "")
            doc.extra["karrio_events"] = figures.get("events")
    return notes


def _run_karrio_side(python: Path, request: dict[str, Any]) -> dict[str, Any] | str:
    """Run karrio_side.py in ``python``'s environment; its JSON answer, or what went wrong."""
    try:
        done = subprocess.run(
            [str(python), str(KARRIO_SIDE)],
            input=json.dumps(request).encode(),
            capture_output=True,
            timeout=1800,
            cwd=ROOT,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return type(exc).__name__
    if done.returncode != 0:
        last = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        return last[0] if last else f"exit status {done.returncode}"
    try:
        answer: dict[str, Any] = json.loads(done.stdout)
    except ValueError:
        return "unreadable answer"
    return answer


# --- report ----------------------------------------------------------------------------------------


def _us(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}×"


def _row(doc: Document, width: int) -> str:
    name = doc.path.name if len(doc.path.name) <= width else doc.path.name[: width - 1] + "…"
    events = str(doc.events) if doc.is_tracking else "err"
    karrio = _us(doc.karrio_us) if doc.karrio_us is not None else "n/a"
    vs_karrio = _ratio(doc.karrio_us / doc.ours_us) if doc.karrio_us is not None else "—"
    floor_mark = "*" if doc.extra.get("floor_decode_only") else " "
    note = f"  n/a (karrio: {doc.karrio_note})" if doc.karrio_us is None else ""
    return (
        f"  {name:<{width}}{events:>4}{_us(doc.ours_us):>10}{karrio:>11}{_us(doc.floor_us):>9}{floor_mark}"
        f"{_ratio(doc.ours_us / doc.floor_us):>8}{vs_karrio:>9}{note}"
    )


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def verdict(value: float | None, target: float, higher_is_better: bool) -> str:
    if value is None:
        return "n/a"
    ok = value >= target if higher_is_better else value <= target
    return "PASS" if ok else "MISS"


def adapter_summary(adapter: str, docs: Sequence[Document]) -> tuple[list[str], dict[str, str]]:
    """Median lines for one adapter and its PASS/MISS per target (judged on tracking documents)."""
    tracking = [d for d in docs if d.is_tracking]
    errors = [d for d in docs if not d.is_tracking]
    lines: list[str] = []
    for label, group in (("tracking documents", tracking), ("error bodies (not judged)", errors)):
        if not group:
            continue
        pairs = [(d.karrio_us, d.ours_us) for d in group if d.karrio_us is not None]
        ours = _median([d.ours_us for d in group])
        karrio = _median([k for k, _ in pairs])
        floor = _median([d.floor_us for d in group])
        vs_floor = _median([d.ours_us / d.floor_us for d in group])
        vs_karrio = _median([k / o for k, o in pairs])
        lines.append(
            f"  median, {len(group)} {label}: ours {_us(ours)} µs, karrio {_us(karrio)} µs "
            f"({len(pairs)} compared), floor {_us(floor)} µs; ours/floor {_ratio(vs_floor)}, "
            f"karrio/ours {_ratio(vs_karrio)}"
        )
    vs_karrio = _median([d.karrio_us / d.ours_us for d in tracking if d.karrio_us is not None])
    vs_floor = _median([d.ours_us / d.floor_us for d in tracking])
    has_connector = any(d.karrio_note != NO_CONNECTOR for d in docs)
    verdicts = {
        "vs_karrio": _ratio(vs_karrio),
        "karrio": verdict(vs_karrio, TARGET_VS_KARRIO, True) if has_connector else "n/a",
        "vs_floor": _ratio(vs_floor),
        "floor": verdict(vs_floor, TARGET_VS_FLOOR, False),
        "why": "",
    }
    if not has_connector:
        verdicts["why"] = f"(karrio: {NO_CONNECTOR})"
    elif vs_karrio is None:
        reasons = sorted({d.karrio_note for d in tracking if d.karrio_note})
        verdicts["why"] = "(karrio: " + "; ".join(reasons) + ")" if reasons else "(no tracking document)"
    return lines, verdicts


def report(documents: Sequence[Document], rejected: Sequence[str], notes: Sequence[str], smoke: bool) -> str:
    width = max([len(d.path.name) for d in documents] + [30])
    width = min(width, 52)
    out = [
        "trace_verify benchmark: bench/parse.py (carrier adapters: ours vs karrio vs the floor)",
        f"machine : {machine()}",
        f"commit  : {commit()}",
        f"date    : {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"workload: {len(documents)} fixtures read by {len({d.adapter for d in documents})} adapters "
        f"(malformed-* and {len(rejected)} rejected files skipped); µs per parse, best of the rounds",
        *(f"karrio  : {note}" for note in notes),
        "",
        f"  {'adapter / document':<{width}}{'ev':>4}{'ours µs':>10}{'karrio µs':>11}{'floor µs':>9} "
        f"{'/floor':>8}{'k/ours':>9}",
    ]
    summaries: dict[str, dict[str, str]] = {}
    for adapter in dict.fromkeys(d.adapter for d in documents):
        docs = [d for d in documents if d.adapter == adapter]
        out.append(f"{adapter}")
        out += [_row(d, width) for d in docs]
        lines, summaries[adapter] = adapter_summary(adapter, docs)
        out += lines
    out += [
        "",
        "  ev = events our adapter read (err = a carrier error body); * = the floor is decode only (no event",
        "  path known for that format); /floor = ours ÷ floor; k/ours = karrio ÷ ours.",
        "",
        f"targets per adapter, on the median over its tracking documents: ours ≥ {TARGET_VS_KARRIO:.0f}× "
        f"faster than karrio, ours ≤ {TARGET_VS_FLOOR:.0f}× the floor",
        f"  {'adapter':<14}{'karrio/ours':>12}  {'≥ 10×':<6}{'ours/floor':>11}  {'≤ 3×'}",
    ]
    for adapter, v in summaries.items():
        row = f"  {adapter:<14}{v['vs_karrio']:>12}  {v['karrio']:<6}{v['vs_floor']:>11}  {v['floor']:<6}"
        out.append((row + v["why"]).rstrip())
    if smoke:
        out.append("  (smoke run: a few iterations, no karrio; timings not judged)")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--min-time", type=float, default=0.1, help="seconds per timing round (default 0.1)")
    parser.add_argument("--repeat", type=int, default=5, help="timing rounds, best one kept (default 5)")
    parser.add_argument("--adapter", action="append", default=[], help="only this adapter id (repeatable)")
    parser.add_argument("--no-karrio", action="store_true", help="ours vs the floor only")
    parser.add_argument("--karrio-venv", type=Path, default=ROOT / ".venv-karrio")
    parser.add_argument("--karrio-legacy-venv", type=Path, default=ROOT / ".venv-karrio-legacy")
    parser.add_argument("--smoke", action="store_true", help="one iteration each, no karrio: it runs")
    args = parser.parse_args(argv)
    if args.smoke:
        args.min_time, args.repeat, args.no_karrio = 0.0, 1, True
    _pin_to_one_core()
    documents, rejected = discover(args.adapter)
    time_ours_and_floor(documents, args.min_time, args.repeat)
    if args.no_karrio:
        notes = ["not run (--no-karrio / --smoke)"]
        for doc in documents:
            doc.karrio_note = "not run" if doc.adapter in KARRIO else NO_CONNECTOR
    else:
        envs = KarrioEnvs(args.karrio_venv, args.karrio_legacy_venv)
        notes = time_karrio(documents, envs, args.min_time, args.repeat)
    print(report(documents, rejected, notes, args.smoke), flush=True)
    return 0


def _pin_to_one_core() -> None:
    """Ours, the floor and the karrio child (which inherits it) all run on the same single core."""
    if hasattr(os, "sched_setaffinity") and os.cpu_count():
        os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})


if __name__ == "__main__":
    sys.exit(main())
