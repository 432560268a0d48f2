"""Peak memory of a fleet run as the fleet grows (issue 6: 2,000 devices within 1.2x of 200
with --jobs 2; issue 8: 10,000 within 1.2x of 1,000).

Each fleet size runs the real command (the same as bench/bench_fleet.py: JSON, JUnit and
SARIF written) in a fresh process tree, under a small launcher process that reports
``getrusage(RUSAGE_CHILDREN).ru_maxrss``: the high-water RSS of the largest process of the
tree (the main process or a worker).  While it runs, /proc is sampled every 20 ms for each
process's own high-water mark (``VmHWM``) and for the sum of the tree's RSS, so the main
process, the workers and the whole tree are reported apart.

    python -m bench.bench_memory [--sizes 200 2000] [--jobs 2]
    python -m bench.bench_memory --sizes 1000 5000 10000 --jobs 2

Fleets are generated once into /tmp/baseliner-fleets (10,000 devices: about 3 GB) and reused.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.bench_fleet import check_command
from tools.make_fleet import CACHE, cached_fleet

ROOT = Path(__file__).resolve().parents[1]

LAUNCHER = (
    "import resource, subprocess, sys; "
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)
"""Runs the command and prints the largest high-water RSS (KiB) of its process tree."""
TARGET = 1.2
SAMPLE_SECONDS = 0.02


@dataclass(slots=True)
class Peaks:
    """High-water marks in MiB seen while a run's process tree was alive."""

    tree_maxrss: float = 0.0
    main: float = 0.0
    workers: dict[int, float] = field(default_factory=dict)
    tree_sum: float = 0.0
    seconds: float = 0.0

    @property
    def worker(self) -> float:
        return max(self.workers.values(), default=0.0)


def _status(pid: int) -> dict[str, str]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return dict(line.split(":", 1) for line in lines if ":" in line)


def _kib(value: str | None) -> float:
    return int(value.split()[0]) / 1024 if value else 0.0


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process now alive."""
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            out[int(entry.name)] = int(fields[1])
    return out


def _descendants(root: int) -> list[int]:
    parents = _parents()
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        found += children
        frontier += children
    return found


def measure(command: Sequence[str]) -> Peaks:
    """Run ``command`` under the launcher, sampling its tree until it ends."""
    peaks = Peaks()
    started = time.perf_counter()
    launcher = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, *command], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    main_pid: int | None = None
    while launcher.poll() is None:
        tree = _descendants(launcher.pid)
        if main_pid is None and tree:
            main_pid = tree[0]
        statuses = {pid: _status(pid) for pid in tree}
        peaks.tree_sum = max(peaks.tree_sum, sum(_kib(s.get("VmRSS")) for s in statuses.values()))
        for pid, status in statuses.items():
            high = _kib(status.get("VmHWM"))
            if pid == main_pid:
                peaks.main = max(peaks.main, high)
            elif high:
                peaks.workers[pid] = max(peaks.workers.get(pid, 0.0), high)
        time.sleep(SAMPLE_SECONDS)
    peaks.seconds = time.perf_counter() - started
    output = launcher.stdout.read() if launcher.stdout else ""
    if launcher.returncode != 0:
        raise SystemExit(f"the run failed (exit {launcher.returncode}): {' '.join(command)}")
    peaks.tree_maxrss = int(output.split()[-1]) / 1024
    return peaks


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args(argv)
    print(f"--jobs {args.jobs}; MiB; ratios against the first size")
    print(
        f"{'devices':>8} {'seconds':>8} {'ru_maxrss':>10} {'main HWM':>9} {'worker HWM':>11} "
        f"{'tree sum':>9}   ratios (maxrss, main, tree sum)"
    )
    first: Peaks | None = None
    worst = 0.0
    for size in args.sizes:
        folder = cached_fleet(size, cache=args.cache)
        with tempfile.TemporaryDirectory(prefix="bench-memory-") as out:
            command = check_command(folder, Path(out), args.jobs)
            peaks = measure(command)
        first = first or peaks
        ratios = (
            peaks.tree_maxrss / first.tree_maxrss,
            peaks.main / first.main,
            peaks.tree_sum / first.tree_sum,
        )
        worst = max(worst, *ratios)
        print(
            f"{size:>8} {peaks.seconds:>8.1f} {peaks.tree_maxrss:>10.1f} {peaks.main:>9.1f} "
            f"{peaks.worker:>11.1f} {peaks.tree_sum:>9.1f}   "
            + " ".join(f"{ratio:.2f}x" for ratio in ratios)
        )
    print("command: " + " ".join(check_command(Path("FOLDER"), Path("OUT"), args.jobs)))
    print(f"target: largest <= {TARGET}x smallest: {'met' if worst <= TARGET else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
