"""Loading every shipped benchmark against a single-device run (issue 8: under 10%).

Loading (YAML parse, schema validation, JMESPath compilation of every check) of all of
``policies/*.yaml`` through ``checker.policy.load_benchmarks`` is timed in a fresh process
each round, so no cache from an earlier round helps.  The single-device run is the real
command on one generated gpresult file with the same benchmarks::

    python -m checker check DEVICE.xml --policy <each shipped name> -o json=... --soft-fail

and, for reference, with the Windows 11 benchmark only.  The share printed is load time
over the single-device run with every shipped benchmark.

    python -m bench.bench_policy_load [--rounds 5]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from checker.policy.load import shipped_names
from tools.make_fleet import CACHE, cached_fleet

ROOT = Path(__file__).resolve().parents[1]

TARGET = 0.10
LOAD = (
    "import time; "
    "from checker.policy.load import load_benchmarks, shipped_names; "
    "started = time.perf_counter(); benchmarks = load_benchmarks(shipped_names()); "
    "print(time.perf_counter() - started, sum(len(b.checks) for b in benchmarks))"
)
"""Imports first, then times only the loading: the cost a run pays for its policies.  Run in
the clone (``python -c`` imports from the working directory first), so it times the clone's
checker, not an installed one."""


def load_seconds(rounds: int) -> tuple[float, int]:
    """Best load time of all shipped benchmarks, in a fresh process; and their check count."""
    best, checks = float("inf"), 0
    for _ in range(rounds):
        done = subprocess.run(
            [sys.executable, "-c", LOAD],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        seconds, count = done.stdout.split()
        best, checks = min(best, float(seconds)), int(count)
    return best, checks


def run_seconds(device: Path, policies: Sequence[str], rounds: int) -> float:
    """Best wall time of the real command on one device."""
    best = float("inf")
    with tempfile.TemporaryDirectory(prefix="bench-policy-") as out:
        command = [sys.executable, "-m", "checker", "check", str(device)]
        for name in policies:
            command += ["--policy", name]
        command += ["-o", f"json={Path(out) / 'report.json'}", "--soft-fail", "--no-progress"]
        for _ in range(rounds):
            started = time.perf_counter()
            subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
            best = min(best, time.perf_counter() - started)
    return best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="best of N of each")
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args(argv)
    device = next(iter(sorted(cached_fleet(1, cache=args.cache).iterdir())))
    names = shipped_names()
    load, checks = load_seconds(args.rounds)
    everything = run_seconds(device, names, args.rounds)
    windows11 = run_seconds(device, ["msft-windows11-24h2"], args.rounds)
    print(f"{len(names)} shipped benchmarks, {checks} checks; best of {args.rounds}")
    print(f"  load_benchmarks(all shipped)              {load:7.3f} s")
    print(f"  one device, every shipped benchmark       {everything:7.3f} s")
    print(f"  one device, msft-windows11-24h2 only      {windows11:7.3f} s")
    share = load / everything
    print(f"  load share of the single-device run       {100 * share:6.1f} %")
    print(f"target: under {100 * TARGET:.0f}%: {'met' if share < TARGET else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
