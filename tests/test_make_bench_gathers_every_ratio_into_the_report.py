"""`make bench` (bench/run_all.py) gathers the `ratio:` lines of every benchmark it ran, judges
each against the aim of issue 19 it answers, names the aims no benchmark answered, and writes
them into the report. Real scripts in a temporary directory stand in for the benchmarks."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def run_all() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run_all", ROOT / "bench" / "run_all.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def script(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return str(path)  # absolute: run_all joins it to bench/, which keeps an absolute path


def benchmark(run_all: ModuleType, title: str, path: str) -> object:
    return run_all.Benchmark(title, path, (), (), f"What {title} measures.", 60)


def test_every_ratio_line_reaches_the_end_of_the_run_and_the_report(
    run_all: ModuleType, tmp_path: Path
) -> None:
    pages = benchmark(
        run_all,
        "Page times with 1,000 events",
        script(
            tmp_path,
            "pages.py",
            "print('page  median ms')\n"
            "print('ratio: event list / trivial view: 3.6x')\n"
            "print('ratio: event list, filtered by tier / trivial view: 14.0x')\n"
            "print('ratio: event page / trivial view: 12.5x')\n"
            "print('not a ratio: 99x')\n",
        ),
    )
    fanout = benchmark(
        run_all,
        "Live fan-out on Redis, one instance and two",
        script(
            tmp_path,
            "fanout.py",
            "print('ratio: paddock-redis / plain at 2000 spectators: RSS per 1,000 1.25x, "
            "CPU per frame 1.10x')\n"
            "print('ratio: two instances / one instance at 2000 spectators: CPU per frame 1.05x,"
            " RSS per 1,000 1.00x (not every frame delivered)')\n",
        ),
    )
    broken = benchmark(
        run_all,
        "Registration rush",
        script(tmp_path, "rush.py", "import sys\nprint('half a line')\nsys.exit('no database')\n"),
    )
    results = [(b, *run_all.run(b, quick=False)) for b in (pages, fanout, broken)]
    assert [status for _b, status, _output, _elapsed in results] == ["ok", "ok", "exit 1"]

    lines = run_all.judged(run_all.gather_ratios(results))
    assert lines[:5] == [
        "Page times with 1,000 events: event list / trivial view: 3.6x  [aim x <= 10: held]",
        "Page times with 1,000 events: event list, filtered by tier / trivial view: 14.0x",
        "Page times with 1,000 events: event page / trivial view: 12.5x  [aim x <= 10: NOT held]",
        "Live fan-out on Redis, one instance and two: paddock-redis / plain at 2000 spectators:"
        " RSS per 1,000 1.25x, CPU per frame 1.10x  [aim rss <= 1.3, cpu <= 1.2: held]",
        "Live fan-out on Redis, one instance and two: two instances / one instance at 2000"
        " spectators: CPU per frame 1.05x, RSS per 1,000 1.00x (not every frame delivered)"
        "  [aim cpu <= 1.2: NOT held]",
    ]
    assert sorted(lines[5:]) == [
        "not measured in this run: API: event list within 10x a trivial view",
        "not measured in this run: home page within 10x a trivial view",
        "not measured in this run: registration POST at least 50% of a minimal signed-in POST",
    ]

    report = tmp_path / "PERFORMANCE.md"
    run_all.write_report(results, quick=False, report=report)
    text = report.read_text(encoding="utf-8")
    ratios = text.split("## Ratios", 1)[1].split("\n## ", 1)[0]
    assert [line for line in ratios.splitlines() if line.startswith("- ")] == [
        f"- {line}" for line in lines
    ]
    assert "not a ratio: 99x" in text  # each benchmark's whole output follows, verbatim
    assert "What Registration rush measures." in text
    assert "exit 1" in text and "no database" in text  # a failed benchmark says why
