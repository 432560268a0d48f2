"""``--executor dask`` against ``--executor local`` on one machine (issue 20): throughput on
a generated fleet (target: dask at least 0.9x local), and the driver's peak memory as the
fleet grows (target: 10,000 devices within 1.2x of 1,000).

Each run is the real command of bench/bench_fleet.py (JSON, JUnit and SARIF written), in a
fresh process tree, measured side by side in one go: local with ``--jobs J``; dask with no
scheduler, so that baseliner starts a local cluster of J single-threaded workers itself
(its start-up, about 2 s, is in the time).  The driver's peak is its own high-water RSS
(``VmHWM``, sampled from /proc, bench/bench_memory.py), the local cluster's scheduler
included (it runs in the driver's process); the workers are apart.

    python -m bench.bench_dask [--devices 10000] [--small 1000] [--jobs 2] [--batch 500]
        [--rounds 2]

With ``--rounds N`` the local and dask runs alternate N times and each keeps its best time
(the machine is shared: a run that another process slowed tells nothing of the executor).

Fleets are generated once into /tmp/baseliner-fleets (10,000 devices: about 3 GB) and reused.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench.bench_fleet import check_command
from bench.bench_memory import Peaks, measure
from tools.make_fleet import CACHE, cached_fleet

THROUGHPUT = 0.9
MEMORY = 1.2


def _run(folder: Path, jobs: int, extra: Sequence[str]) -> Peaks:
    with tempfile.TemporaryDirectory(prefix="bench-dask-") as out:
        return measure([*check_command(folder, Path(out), jobs), *extra])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--rounds", type=int, default=1, help="best of N alternating runs")
    args = parser.parse_args(argv)
    dask = ["--executor", "dask", "--batch", str(args.batch)]
    big, small = (
        cached_fleet(args.devices, cache=args.cache),
        cached_fleet(args.small, cache=args.cache),
    )
    kinds = {
        f"local {args.devices}": (big, ()),
        f"dask {args.devices}": (big, dask),
        f"dask {args.small}": (small, dask),
    }
    runs: dict[str, Peaks] = {}
    for _ in range(args.rounds):
        for name, (folder, extra) in kinds.items():
            peaks = _run(folder, args.jobs, extra)
            if name not in runs or peaks.seconds < runs[name].seconds:
                runs[name] = peaks
    print(f"--jobs {args.jobs}, dask --batch {args.batch}, best of {args.rounds}; MiB")
    print(f"{'run':>12} {'seconds':>8} {'devices/s':>10} {'driver HWM':>11} {'worker HWM':>11}")
    for name, peaks in runs.items():
        devices = int(name.split()[1])
        print(
            f"{name:>12} {peaks.seconds:>8.1f} {devices / peaks.seconds:>10.0f} "
            f"{peaks.main:>11.1f} {peaks.worker:>11.1f}"
        )
    local, on_dask, smaller = runs.values()
    throughput = local.seconds / on_dask.seconds
    memory = on_dask.main / smaller.main
    print("command: " + " ".join(check_command(Path("FOLDER"), Path("OUT"), args.jobs)))
    print(
        f"throughput of dask / local, {args.devices:,} devices: {throughput:.2f}x "
        f"(target >= {THROUGHPUT}x: {'met' if throughput >= THROUGHPUT else 'NOT met'})"
    )
    print(
        f"driver peak, dask, {args.devices:,} / {args.small:,} devices: {memory:.2f}x "
        f"(target <= {MEMORY}x: {'met' if memory <= MEMORY else 'NOT met'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
