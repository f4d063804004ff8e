"""Benchmark of the verifier (issue 3): µs per stage, bundles/s and peak memory, against targets.

(a) ``verify(bundle, now)`` on already-read bundles, in this process;
(b) ``trace-verify verify --jsonl --workers 1`` end to end, in a child process pinned to one core, fed
through a pipe (bundles per CPU second);
(c) ``trace-verify verify --jsonl --workers <cores>`` unpinned, on every core (bundles per wall second).
The baseline, measured in the same run, is the floor any JSON service pays: ``json.loads`` plus
``json.dumps`` of the same bundles. Usage: ``python bench/verify.py [--bundles N] [--lines N]``;
``--smoke`` runs both once on 1,000 bundles (what ``make test`` does); timings are then not judged.
It ends with a cProfile summary of ``verify()``: the functions holding the most of its own time, with
calls per bundle (deterministic, unlike the timings: the first thing to compare between two commits).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bundles import generate  # noqa: E402
from carriers import REGISTRY  # noqa: E402
from trace_verify.contract.jsonio import dumps_bytes, strict_loads  # noqa: E402
from trace_verify.contract.reader import read_bundle  # noqa: E402
from trace_verify.contract.writer import verdict_to_json  # noqa: E402
from trace_verify.services.verification import VerificationService  # noqa: E402

NOW = datetime(2026, 11, 1, tzinfo=UTC)
TARGET_VERIFY_PER_S = 20_000
TARGET_JSONL_PER_S = 8_000
TARGET_JSONL_ALL_CORES_PER_S = 14_000
TARGET_JSONL_RSS_MB = 150
TARGET_PIPELINE_X_FLOOR = 3.0
POOL = 10_000  # distinct bundles cycled through for the long --jsonl run


def machine() -> str:
    """CPU model, cores, Python and OS: enough to compare two runs."""
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, {system}"


def commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
        )
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def per_item(fn: Callable[[Any], Any], items: Sequence[Any], repeat: int = 3) -> float:
    """Best-of-``repeat`` seconds per item (the least disturbed run)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for item in items:
            fn(item)
        best = min(best, (time.perf_counter() - started) / len(items))
    return best


def profile_summary(count: int, top: int = 15) -> list[str]:
    """cProfile of ``verify()`` over ``count`` read bundles: the ``top`` functions by own time.

    The profiler's cost per call inflates call-heavy functions, so the shares are indicative; calls
    per bundle are exact and are what a change to the rules' structure moves.
    """
    service = VerificationService(REGISTRY)
    bundles = [service.read(strict_loads(json.dumps(o).encode())) for o in generate(count)]
    for bundle in bundles[:100]:  # warm the place and number memos as a long run has them
        service.verify_bundle(bundle, NOW)
    profiler = cProfile.Profile()
    profiler.enable()
    for bundle in bundles:
        service.verify_bundle(bundle, NOW)
    profiler.disable()
    stats: dict[Any, Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    rows = [(tt, nc, fn) for fn, (_, nc, tt, _, _) in stats.items()]
    total_time = sum(tt for tt, _, _ in rows)
    total_calls = sum(nc for _, nc, _ in rows)
    out = [
        f"profile of verify() (cProfile, {count:,} bundles): {total_calls / count:.0f} calls per bundle",
        "  own time  calls/bundle  function",
    ]
    for tt, nc, (path, line, name) in sorted(rows, key=lambda r: r[0], reverse=True)[:top]:
        where = name if path == "~" else f"{_short(path)}:{line}({name})"
        out.append(f"  {100 * tt / total_time:6.1f}%  {nc / count:12.2f}  {where}")
    return out


def _short(path: str) -> str:
    """A profiled file's path relative to the checkout (or the standard library's name)."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return Path(path).name


def bench_in_process(count: int) -> dict[str, float]:
    service = VerificationService(REGISTRY)
    objs = generate(count)
    lines = [json.dumps(o).encode() for o in objs]
    parsed = [strict_loads(line) for line in lines]
    bundles = [service.read(p) for p in parsed]
    verdicts = [service.verify_bundle(b, NOW) for b in bundles]
    as_json = [verdict_to_json(v) for v in verdicts]
    return {
        "strict JSON decode": per_item(strict_loads, lines),
        "validate + read": per_item(read_bundle, parsed),
        "verify": per_item(lambda b: service.verify_bundle(b, NOW), bundles),
        "write verdict": per_item(verdict_to_json, verdicts),
        "encode JSON": per_item(dumps_bytes, as_json),
        "floor: json.loads+dumps": per_item(lambda line: json.dumps(json.loads(line)), lines),
    }


def _feed(stdin: Any, pool: list[bytes], total: int) -> None:
    try:
        for n in range(total):
            stdin.write(pool[n % len(pool)])
        stdin.close()
    except BrokenPipeError:
        pass


#: The child (pinned to one core when PIN is set) reports its own peak RSS (VmHWM) at exit, and the
#: largest peak among its worker processes (rusage of waited-for children): the parent's rusage
#: ru_maxrss would include the bench process's memory at fork time, which Linux keeps across exec.
_CHILD = """
import atexit, os, resource, sys
if os.environ.get("TRACE_VERIFY_BENCH_PIN"):
    os.sched_setaffinity(0, {0})
def _hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            sys.stderr.write("VmHWM_KB=" + line.split()[1] + "\\n")
    sys.stderr.write("WORKERS_KB=" + str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) + "\\n")
atexit.register(_hwm)
from trace_verify.cli import main
sys.exit(main())
"""


def bench_jsonl(total: int, workers: int = 1, pin: bool = True) -> dict[str, float]:
    """Run the real command over ``total`` lines; wall time, CPU time and peak RSS per process."""
    pool = [json.dumps(o).encode() + b"\n" for o in generate(min(total, POOL), seed=7)]
    command = [sys.executable, "-c", _CHILD]
    command += [
        "verify",
        "--jsonl",
        "-",
        "--now",
        NOW.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "--workers",
        str(workers),
    ]
    env = dict(os.environ)
    env.pop("TRACE_VERIFY_BENCH_PIN", None)
    if pin:
        env["TRACE_VERIFY_BENCH_PIN"] = "1"
    started = time.perf_counter()
    child = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env
    )
    feeder = threading.Thread(target=_feed, args=(child.stdin, pool, total), daemon=True)
    feeder.start()
    assert child.stdout is not None
    lines_out = 0
    for chunk in iter(lambda: child.stdout.read(1 << 20), b""):  # type: ignore[union-attr]
        lines_out += chunk.count(b"\n")
    assert child.stderr is not None
    errors = child.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if lines_out != total or os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"--jsonl run failed: {lines_out} of {total} lines, status {status}")
    return {
        "lines": total,
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "rss_mb": _reported_kb(errors, "VmHWM_KB=") / 1024,
        "worker_rss_mb": _reported_kb(errors, "WORKERS_KB=") / 1024,
    }


def _reported_kb(errors: str, prefix: str) -> float:
    """The last ``PREFIX<kB>`` line the child wrote to stderr, or NaN when it wrote none."""
    found = [line for line in errors.splitlines() if line.startswith(prefix)]
    return float(found[-1].split("=")[1]) if found else float("nan")


def verdict(value: float, target: float, higher_is_better: bool = True) -> str:
    ok = value >= target if higher_is_better else value <= target
    return "PASS" if ok else "MISS"


def report(bundles: int, lines: int, smoke: bool) -> str:
    stages = bench_in_process(bundles)
    jsonl = bench_jsonl(lines)
    cores = len(os.sched_getaffinity(0))
    every_core = bench_jsonl(lines, workers=cores, pin=False)
    out = [
        "trace_verify benchmark: bench/verify.py",
        f"machine : {machine()}",
        f"commit  : {commit()}",
        f"date    : {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"workload: {bundles:,} generated bundles in process (7 events, ~75% direct / 25% bonded, "
        f"some fraud and in transit); {lines:,} lines through --jsonl",
        "",
        "stage (in process, best of 3)         µs/bundle",
    ]
    for name, seconds in stages.items():
        out.append(f"  {name:<36}{seconds * 1e6:>9.1f}")
    pipeline = sum(v for k, v in stages.items() if not k.startswith("floor"))
    floor = stages["floor: json.loads+dumps"]
    times_floor = pipeline / floor
    out.append(f"  {'whole pipeline':<36}{pipeline * 1e6:>9.1f}   ({times_floor:.1f}× the floor)")
    verify_rate = 1 / stages["verify"]
    jsonl_rate = jsonl["lines"] / jsonl["cpu_s"]
    all_rate = every_core["lines"] / every_core["wall_s"]
    all_target, floor_target = TARGET_JSONL_ALL_CORES_PER_S, TARGET_PIPELINE_X_FLOOR
    one_mb = max(jsonl["rss_mb"], jsonl["worker_rss_mb"])
    peak_mb = max(every_core["rss_mb"], every_core["worker_rss_mb"])
    out += [
        "",
        "results                                   measured        target",
        f"  (a) verify() on read bundles, 1 core   {verify_rate:>9,.0f}/s   ≥ {TARGET_VERIFY_PER_S:,}/s   "
        f"{verdict(verify_rate, TARGET_VERIFY_PER_S)}",
        f"  (b) verify --jsonl end to end, 1 core  {jsonl_rate:>9,.0f}/s   ≥ {TARGET_JSONL_PER_S:,}/s    "
        f"{verdict(jsonl_rate, TARGET_JSONL_PER_S)}",
        f"      (wall {jsonl['wall_s']:.1f} s, CPU {jsonl['cpu_s']:.1f} s for {jsonl['lines']:,} lines)",
        f"  (b) peak RSS of --jsonl                {one_mb:>9.1f} MB  ≤ {TARGET_JSONL_RSS_MB} MB "
        f"(over {lines:,} lines)  {verdict(one_mb, TARGET_JSONL_RSS_MB, higher_is_better=False)}",
        f"  (c) verify --jsonl, {cores} workers (wall)  {all_rate:>9,.0f}/s   ≥ {all_target:,}/s   "
        f"{verdict(all_rate, all_target)}",
        f"      (wall {every_core['wall_s']:.1f} s, CPU {every_core['cpu_s']:.1f} s for {lines:,} lines; "
        f"{all_rate / (lines / jsonl['wall_s']):.2f}× the 1-worker wall rate)",
        f"  (c) peak RSS per process, {cores} workers  {peak_mb:>9.1f} MB  ≤ {TARGET_JSONL_RSS_MB} MB "
        f"(parent {every_core['rss_mb']:.0f}, largest worker {every_core['worker_rss_mb']:.0f})  "
        f"{verdict(peak_mb, TARGET_JSONL_RSS_MB, higher_is_better=False)}",
        f"  pipeline / json.loads+dumps floor     {times_floor:>9.1f}×    ≤ {floor_target:.0f}×        "
        f"{verdict(times_floor, floor_target, higher_is_better=False)}",
    ]
    if smoke:
        out.append("  (smoke run: sizes too small to judge the targets)")
    out += ["", *profile_summary(min(bundles, 3_000))]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundles", type=int, default=20_000, help="bundles for the in-process stages")
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines through verify --jsonl")
    parser.add_argument("--smoke", action="store_true", help="1,000 of each, once: a check that it runs")
    args = parser.parse_args(argv)
    if args.smoke:
        args.bundles = args.lines = 1_000
    print(report(args.bundles, args.lines, args.smoke), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
