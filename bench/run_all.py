"""Run every benchmark and write docs/PERFORMANCE.md with their figures and the machine.

    make bench        (or: .venv/bin/python bench/run_all.py [--quick])

Each benchmark is its own script that prints figures; this runs them one after another (never
in parallel: they would measure each other), echoes their output, and writes it verbatim into
docs/PERFORMANCE.md under a description of the machine it came from. A benchmark that is missing,
fails, or needs something the environment lacks (REDIS_URL for the fan-out on Redis) is reported
as such in the document.

Every line a benchmark prints that starts with `ratio: ` is gathered: the run ends by printing
them all, each next to the aim of issue 19 it answers (`held` or `NOT held` in that run), and the
aims no benchmark answered in the run (a benchmark missing, failed, skipped or left out with
--only) as `not measured`. The document has the same list. The benchmarks themselves print
figures only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
REPORT = ROOT / "docs" / "PERFORMANCE.md"


@dataclass(frozen=True)
class Benchmark:
    title: str
    script: str
    args: tuple[str, ...]
    quick_args: tuple[str, ...]
    what: str
    timeout_s: int
    # An environment variable the benchmark needs; without it, it is reported as not measured.
    needs_env: str = ""


BENCHMARKS = (
    Benchmark(
        "Page times with 1,000 events",
        "pages.py",
        ("--events", "1000", "--requests", "20"),
        ("--events", "1000", "--requests", "10"),
        "The event list, an event page, the iCalendar feeds, the API and the home page, each "
        "timed round-robin with a trivial view in the same process: `× trivial` is the ratio of "
        "medians measured side by side.",
        30 * 60,
    ),
    Benchmark(
        "Live fan-out",
        "live_fanout.py",
        ("--sizes", "500,1000,2000", "--servers", "paddock,plain", "--window", "5"),
        ("--sizes", "250,1000", "--servers", "paddock,plain", "--window", "4"),
        "Spectator sockets at 10 updates per second on Paddock's per-process hub, compared in the "
        "same run with a plain `websockets` broadcast.",
        15 * 60,
    ),
    Benchmark(
        "Live fan-out, the usual Channels pattern",
        "live_fanout.py",
        # Not at 2,000: it delivers under 10% there and the run waits out its catch-up time at
        # each size (about 4 of the 11 minutes of a whole run); 1,000 already shows it falling behind.
        ("--sizes", "500,1000", "--servers", "naive,plain", "--window", "5"),
        ("--sizes", "250", "--servers", "naive,plain", "--window", "4"),
        "What the hub replaces: a plain Channels consumer per socket in the group, so the layer "
        "hands each consumer its own copy of every update; with a plain `websockets` broadcast "
        "in the same run.",
        10 * 60,
    ),
    Benchmark(
        "Live fan-out to browsers (permessage-deflate)",
        "live_fanout.py",
        ("--sizes", "2000", "--servers", "paddock,plain", "--window", "5", "--deflate"),
        ("--sizes", "500", "--servers", "paddock,plain", "--window", "4", "--deflate"),
        "The same at 2,000 spectators whose clients offer permessage-deflate as browsers do: "
        "uvicorn accepts it by default, and the plain server compresses too.",
        10 * 60,
    ),
    Benchmark(
        "Live fan-out on Redis, one instance and two",
        "live_fanout.py",
        # 8 s windows: with 5 s, two runs on a quiet machine gave two instances / one instance
        # 1.04x and 0.72x for CPU per frame; with 8 s, one run gave 0.96x-1.01x at three sizes.
        ("--sizes", "2000,4000", "--servers", "paddock-redis,two-instances,plain", "--window", "8"),
        ("--sizes", "500", "--servers", "paddock-redis,two-instances,plain", "--window", "4"),
        "The production shape: one instance (a uvicorn master with two workers) on the Redis "
        "channel layer (REDIS_URL), the spectators spread over its workers by the kernel, and the "
        "updates published by a separate process through the synchronous "
        "`live.fanout.publish.publish`, as `manage.py live_ingest` does. Then the scale-out: two "
        "such instances (separate masters on their own ports, two workers each) on the same "
        "Redis and publisher, the same number of spectators split half and half over them. Both "
        "compared with each other and with the plain `websockets` broadcast in the same run; "
        "memory and CPU summed over every worker; the `redis:` lines give the group's "
        "subscribers, the messages Redis sent per second and its CPU.",
        12 * 60,
        needs_env="REDIS_URL",
    ),
    Benchmark(
        "Redis pub/sub: CPU per message",
        "redis_pubsub.py",
        ("--subscribers", "1,4,16,64", "--publishes", "5000"),
        ("--subscribers", "1,16,64", "--publishes", "2000"),
        "What Redis itself spends on the live layer: every frame is one PUBLISH to the "
        "session's group channel, copied to each subscribed worker process. PUBLISHes one at a "
        "time to 1 to 64 subscribers; Redis's CPU from INFO cpu, split by a least-squares line "
        "into a part per PUBLISH and a part per message delivered.",
        2 * 60,
        needs_env="REDIS_URL",
    ),
    Benchmark(
        "Live frames on the wire",
        "live_deflate.py",
        (),
        (),
        "The deltas a real RMonitor capture produces, replayed in its real-time steps: bytes per "
        "frame with and without permessage-deflate, and zlib's CPU per frame per socket.",
        5 * 60,
    ),
    Benchmark(
        "Registration rush",
        "registration_rush.py",
        ("--clients", "1000", "--capacity", "100"),
        ("--clients", "200", "--capacity", "20"),
        "1,000 signed-in drivers entering one class of 100 places at the same moment, on "
        "PostgreSQL with the production defaults (uvicorn, 2 workers, the default pool), "
        "compared in the same run with the smallest signed-in POST Django serves (session, user, "
        "CSRF check, one indexed read; bench/rush_urls.py) fired by the same 1,000 clients at "
        "once, before and after the rush (the two count as one baseline); the winners then click "
        "again.",
        30 * 60,
    ),
    Benchmark(
        "Calendar feeds on a big calendar",
        "events_calendar.py",
        ("--events", "1000", "--repeat", "5"),
        ("--events", "1000", "--repeat", "3"),
        "The public list, the API and the iCalendar feeds with 1,000 events: served from the "
        "feed cache, rebuilt, and revalidated (the events work's own script).",
        15 * 60,
    ),
    Benchmark(
        "Championship points",
        "results_points.py",
        (),
        ("--repeat", "2"),
        "The pure classification and standings computation for a large season.",
        10 * 60,
    ),
)


@dataclass(frozen=True)
class Aim:
    """An aim of issue 19: which gathered ratios answer it (a regular expression over
    `<benchmark title>: <ratio>`, whose named groups are the figures) and the bound each figure
    must keep; a ratio line saying not every frame was delivered never holds."""

    name: str
    pattern: str
    # figure group -> (at most, or at least when False, the bound)
    bounds: tuple[tuple[str, bool, float], ...]

    def matches(self, ratio: str) -> re.Match[str] | None:
        return re.search(self.pattern, ratio)

    def held(self, match: re.Match[str]) -> bool:
        if "not every frame delivered" in match.string:
            return False
        return all(
            float(match[group]) <= bound if at_most else float(match[group]) >= bound
            for group, at_most, bound in self.bounds
        )

    def describe(self) -> str:
        return ", ".join(
            f"{group} {'<=' if at_most else '>='} {bound:g}"
            for group, at_most, bound in self.bounds
        )


NUMBER = r"(?P<{}>[0-9.]+)"
AIMS = (
    *(
        Aim(
            f"{page} within 10x a trivial view",
            rf"^Page times[^:]*: {re.escape(page)} / trivial view: {NUMBER.format('x')}x",
            (("x", True, 10.0),),
        )
        for page in ("event list", "event page", "home page", "API: event list")
    ),
    Aim(
        "registration POST at least 50% of a minimal signed-in POST",
        rf"^Registration rush: entry POST / signed-in POST throughput[^:]*: {NUMBER.format('x')}",
        (("x", False, 0.5),),
    ),
    Aim(
        "a spectator's RSS <= 1.3x and CPU per frame <= 1.2x plain websockets",
        rf"^Live fan-out[^:]*: (paddock|paddock-redis|two-instances) / plain at [0-9]+ "
        rf"spectators: RSS per 1,000 {NUMBER.format('rss')}x, CPU per frame {NUMBER.format('cpu')}x",
        (("rss", True, 1.3), ("cpu", True, 1.2)),
    ),
    Aim(
        "two instances on one Redis: every frame delivered, CPU per frame as for one instance "
        "(taken as within 1.2x, the CPU aim's margin)",
        rf"^Live fan-out[^:]*: two instances / one instance at [0-9]+ spectators: CPU per frame "
        rf"{NUMBER.format('cpu')}x",
        (("cpu", True, 1.2),),
    ),
)


def gather_ratios(results: Sequence[tuple[Benchmark, str, str, float]]) -> list[str]:
    """Every `ratio: ` line of the benchmarks' output, as `<benchmark title>: <ratio>`."""
    return [
        f"{benchmark.title}: {line.removeprefix('ratio: ')}"
        for benchmark, _status, output, _elapsed in results
        for line in output.splitlines()
        if line.startswith("ratio: ")
    ]


def judged(ratios: list[str]) -> list[str]:
    """The ratios, each with the aim it answers and whether it held; then every aim none of them
    answered."""
    lines = []
    answered = set()
    for ratio in ratios:
        verdicts = []
        for aim in AIMS:
            match = aim.matches(ratio)
            if match is not None:
                answered.add(aim.name)
                verdicts.append(
                    f"aim {aim.describe()}: {'held' if aim.held(match) else 'NOT held'}"
                )
        lines.append(ratio + (f"  [{'; '.join(verdicts)}]" if verdicts else ""))
    lines += [f"not measured in this run: {aim.name}" for aim in AIMS if aim.name not in answered]
    return lines


def read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def postgres_version() -> str:
    url = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3) as connection:
            row = connection.execute("SHOW server_version").fetchone()
        return f"PostgreSQL {row[0] if row else '?'}, a scratch database per run"
    except Exception as exc:
        return f"unavailable ({type(exc).__name__})"


def channel_layers() -> str:
    if not os.environ.get("REDIS_URL"):
        return "in-memory, one server process (REDIS_URL not set: no run on Redis)"
    try:
        import redis

        client = redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=3)
        version = f"Redis {client.info('server')['redis_version']}"
        client.close()
    except Exception as exc:
        version = f"Redis unavailable ({type(exc).__name__})"
    return f"in-memory, one server process; and {version}, two uvicorn workers"


def machine() -> list[tuple[str, str]]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or platform.machine(),
    )
    memory = next(
        (
            f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
            for line in read("/proc/meminfo").splitlines()
            if line.startswith("MemTotal")
        ),
        "unknown",
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return [
        ("CPUs (nproc)", str(os.cpu_count())),
        ("CPU model", cpu),
        ("memory", memory),
        ("OS", f"{platform.system()} {platform.release()} ({platform.machine()})"),
        ("Python", platform.python_version()),
        ("database (pages, calendar)", f"SQLite {sqlite3.sqlite_version}, a fresh file per run"),
        ("database (registration rush)", postgres_version()),
        ("channel layer (fan-out)", channel_layers()),
        ("load average at start", " ".join(f"{x:.1f}" for x in os.getloadavg())),
        ("commit", commit or "unknown"),
    ]


def run(benchmark: Benchmark, quick: bool) -> tuple[str, str, float]:
    script = BENCH / benchmark.script
    if not script.exists():
        return "missing", f"bench/{benchmark.script} does not exist yet.", 0.0
    if benchmark.needs_env and not os.environ.get(benchmark.needs_env):
        reason = f"{benchmark.needs_env} is not set in the environment `make bench` ran in."
        print(f"\n=== {benchmark.title}: skipped, {reason}", flush=True)
        return "skipped", reason, 0.0
    args = benchmark.quick_args if quick else benchmark.args
    command = [sys.executable, str(script), *args]
    print(f"\n=== {benchmark.title}: {' '.join(command[1:])}", flush=True)
    started = time.monotonic()
    lines: list[str] = []
    # Figures come on stdout; servers started by a benchmark log to stderr (one warning per
    # refused entry in a rush), which is kept out of the report unless the benchmark fails.
    with (
        tempfile.TemporaryFile(mode="w+", encoding="utf-8") as errors,
        subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        ) as process,
    ):
        assert process.stdout is not None
        deadline = started + benchmark.timeout_s
        for line in process.stdout:
            print(line, end="", flush=True)
            lines.append(line.rstrip("\n"))
            if time.monotonic() > deadline:
                process.kill()
                lines.append(f"(stopped after {benchmark.timeout_s} s)")
                break
        code = process.wait()
        if code != 0:
            errors.seek(0)
            lines += ["(stderr, last lines)", *errors.read().splitlines()[-20:]]
    elapsed = time.monotonic() - started
    status = "ok" if code == 0 else f"exit {code}"
    return status, "\n".join(lines), elapsed


def write_report(
    results: list[tuple[Benchmark, str, str, float]],
    quick: bool,
    only: str | None = None,
    report: Path = REPORT,
) -> None:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    total = sum(elapsed for _benchmark, _status, _output, elapsed in results)
    out = [
        "# Performance",
        "",
        f"Generated by `make bench` (`bench/run_all.py{' --quick' if quick else ''}"
        f"{f' --only {only}' if only else ''}`) on {now}; the benchmarks took {total / 60:.0f} min.",
        "Every figure below comes from that one run on the machine described here; ratios "
        "compare things measured side by side in the same run. Benchmarks print figures and "
        "are never pass/fail tests. The machine was shared with other work while it ran, so "
        "compare within a table rather than across runs.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in machine()),
        "",
    ]
    out += [
        "## Ratios",
        "",
        "Every ratio the benchmarks below print, each measured side by side in one run, with the "
        "aim of issue 19 it answers and whether it held in this run "
        "(docs/performance-model.md says what they mean for an operator).",
        "",
        *(f"- {line}" for line in judged(gather_ratios(results))),
        "",
    ]
    for benchmark, status, output, elapsed in results:
        out += [f"## {benchmark.title}", "", benchmark.what, ""]
        if status in ("missing", "skipped"):
            out += [f"Not measured: {output}", ""]
            continue
        args = benchmark.quick_args if quick else benchmark.args
        out += [
            f"`bench/{benchmark.script}{''.join(' ' + a for a in args)}`: {status}, {elapsed:.0f} s.",
            "",
            "```text",
            output,
            "```",
            "",
        ]
    report.parent.mkdir(exist_ok=True)
    report.write_text("\n".join(out), encoding="utf-8")
    print(f"\nwrote {report}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests and sizes")
    parser.add_argument("--only", help="comma-separated script names, e.g. pages.py")
    parser.add_argument("--report", type=Path, default=REPORT, help="where to write the report")
    args = parser.parse_args()
    chosen = [b for b in BENCHMARKS if not args.only or b.script in args.only.split(",")]
    results = [(b, *run(b, args.quick)) for b in chosen]
    write_report(results, args.quick, args.only, args.report)
    total = sum(elapsed for _benchmark, _status, _output, elapsed in results)
    print(f"\n=== ratios (the benchmarks took {total / 60:.0f} min)")
    for line in judged(gather_ratios(results)):
        print(line)


if __name__ == "__main__":
    main()
