"""Where a fleet's time goes: CPU per device of each step, and the parent's share of a run.

Part one times each step a worker takes for a device, in one process, over the same
devices: every device goes through a step before the next step is timed (so each figure is
that step's CPU alone; best of three rounds).  The steps: read the file, parse it
(``xmlsafe.read_xml`` less the read), normalize (the gpresult loader less ``read_xml``),
build the target, evaluate and score, tally, the JSON line, the findings digest, and packing
the report (a worker packs it only when it is kept).

Part two runs the real command, as bench_fleet.py does (``--jobs J``, JSON + JUnit + SARIF),
under a launcher that reads ``getrusage`` around ``runner.run`` and around writing the
reports: the parent's CPU for start-up, for collecting what the workers hand over, and for
the reports; and the workers' CPU.  The parent runs serially beside the workers, so its
collection CPU per device, against a worker's, bounds how many workers it keeps busy.

    python -m bench.bench_stages [--devices 300] [--fleet 2000] [--jobs 2] [--corpus]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from bench.bench_fleet import CORPUS_POLICY, POLICY, check_command
from tools.make_fleet import CACHE, CORPUS_RSOP, cached_corpus_fleet, cached_fleet

ROOT = Path(__file__).resolve().parents[1]

T = TypeVar("T")
U = TypeVar("U")


ROUNDS = 3
"""Each step runs over all the devices this many times; the least CPU counts (the first
round also fills the loaders' caches, as a fleet's first devices do)."""


def _timed(label: str, step: Callable[[T], U], items: Sequence[T], rows: list[Any]) -> list[U]:
    """``step`` of every item; appends (label, CPU ms per item, best round) to ``rows``."""
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.process_time()
        out = [step(item) for item in items]
        best = min(best, time.process_time() - started)
    rows.append((label, 1000 * best / len(items)))
    return out


def steps(folder: Path, policy: str, devices: int) -> list[tuple[str, float]]:
    """CPU ms per device of each step a worker takes, over the first ``devices`` files."""
    from checker.core.files import read_bytes
    from checker.core.statuses import Status
    from checker.loaders import gpresult, xmlsafe
    from checker.policy.load import load_benchmarks
    from checker.policy.select import iter_checks
    from checker.reporters import json as json_report
    from checker.run import pool, spool
    from checker.run.options import RunOptions
    from checker.scoring.digest import FLEET_NAMES, Digester
    from checker.scoring.tally import Tally
    from checker.targets.merge import build_target

    benchmarks = load_benchmarks([policy])
    pool.worker_setup(benchmarks, RunOptions(), frozenset(), None)
    index = {check.info.id: number for number, check in enumerate(iter_checks(benchmarks))}
    files = sorted(folder.iterdir())[:devices]
    rows: list[tuple[str, float]] = []
    # Neither the bytes nor the trees are kept (as in a worker, which frees each in turn).
    _timed("read the file", lambda path: len(read_bytes(path)), files, rows)
    _timed("read + parse", lambda path: len(xmlsafe.read_xml(path)), files, rows)
    sources = _timed("read + parse + normalize", gpresult.load, files, rows)
    targets = _timed("build the target", lambda s: build_target(s[0].name or "x", s), sources, rows)
    reports = _timed("evaluate + score", lambda t: pool.report_target(benchmarks, t), targets, rows)
    tally = Tally()
    _timed("tally", lambda r: tally.add(r.results, r.name), reports, rows)
    _timed("the JSON line", lambda r: json_report.target_line(r).encode(), reports, rows)
    digest = Digester(FLEET_NAMES)

    def offer(report: Any) -> list[bool]:
        order = (report.name.casefold(), 0)
        kept = (r for r in report.results if r.status is not Status.PASS)
        return [digest.offer(report.name, result, order) for result in kept]

    _timed("digest offers", offer, reports, rows)
    _timed("pack (when kept)", lambda r: spool.pack(r, index), reports, rows)
    # Parse and normalize by difference: reading, parsing and normalizing one file after
    # another, as a worker does, keeps each file in the processor's caches.
    read, parsed, loaded = (cpu for _, cpu in rows[:3])
    return [rows[0], ("parse", parsed - read), ("normalize", loaded - parsed), *rows[3:]]


LAUNCH = "--launch"


def launch(argv: list[str]) -> int:
    """Run ``baseliner`` with ``argv`` in this process and print its CPU split as JSON."""
    import atexit
    import resource

    from checker import cli
    from checker.cli import check_command as command

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    split: dict[str, float] = {}
    run, emit = command.run, command.emit

    def timed_run(*args: Any, **kwargs: Any) -> Any:
        split["start-up"] = cpu()
        report = run(*args, **kwargs)
        split["collect"] = cpu() - split["start-up"]
        return report

    def timed_emit(*args: Any, **kwargs: Any) -> None:
        started = cpu()
        emit(*args, **kwargs)
        split["reports"] = cpu() - started

    def report() -> None:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        split["workers"] = children.ru_utime + children.ru_stime
        split["parent"] = cpu()
        print(json.dumps(split), file=sys.stderr)

    command.run, command.emit = timed_run, timed_emit  # type: ignore[assignment]
    atexit.register(report)
    return cli.main(argv)


def split(folder: Path, policy: str, jobs: int) -> dict[str, float]:
    """The CPU seconds of a real run of ``folder``: parent phases and workers."""
    with tempfile.TemporaryDirectory(prefix="bench-stages-") as out:
        command = check_command(folder, Path(out), jobs, policy)
        # check_command runs `python -m checker check ...`; the launcher takes `check ...`.
        launched = [sys.executable, "-m", "bench.bench_stages", LAUNCH, *command[3:]]
        done = subprocess.run(launched, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the run failed (exit {done.returncode}):\n{done.stderr}")
    found: dict[str, float] = json.loads(done.stderr.strip().splitlines()[-1])
    return found


def _table(rows: Iterable[tuple[str, float]], unit: str) -> None:
    for label, value in rows:
        print(f"  {label:28} {value:8.3f} {unit}")


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == [LAUNCH]:
        return launch(args_list[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=300, help="devices timed step by step")
    parser.add_argument("--fleet", type=int, default=2000, help="devices of the real run")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--corpus", action="store_true", help="as bench_fleet.py --corpus")
    args = parser.parse_args(args_list)
    if args.corpus and not CORPUS_RSOP.exists():
        print(f"--corpus needs {CORPUS_RSOP} (../shared beside the repository)", file=sys.stderr)
        return 2
    policy = CORPUS_POLICY if args.corpus else POLICY
    make = cached_corpus_fleet if args.corpus else cached_fleet
    kind = "copies of the corpus's gpresult" if args.corpus else "generated devices"
    folder = make(max(args.devices, args.fleet), cache=args.cache)
    print(f"{kind}, policy {policy}")
    print(f"CPU per device of each step, one process, {min(args.devices, args.fleet)} devices:")
    _table(steps(folder, policy, args.devices), "ms")
    fleet = make(args.fleet, cache=args.cache)
    found = split(fleet, policy, args.jobs)
    print(f"a real run of {args.fleet} devices, --jobs {args.jobs}, CPU seconds:")
    _table(((key, found[key]) for key in ("start-up", "collect", "reports", "parent")), "s")
    _table([("workers", found["workers"])], "s")
    per_worker = 1000 * found["workers"] / args.fleet
    per_parent = 1000 * found["collect"] / args.fleet
    print(
        f"per device: workers {per_worker:.2f} ms, parent collecting {per_parent:.2f} ms; "
        f"the parent keeps up to about {per_worker / per_parent:.0f} workers busy"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
