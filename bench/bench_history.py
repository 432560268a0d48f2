"""Recording a run into a PostgreSQL history against a SQLite file (issue 22: <= 2x), and
reading a year of runs.

A generated fleet (tests/reporters/factory.py ``generated_fleet``: N devices x 250 checks of
two benchmarks, ~20% failing, ~1% uncertain, not applicable, errors or exempt) is recorded
with ``checker.history.store.record``, the function ``check --history`` calls, into:

- a SQLite file in a temporary folder (WAL, ``synchronous`` as Python leaves it: FULL);
- a PostgreSQL 15 server of the script's own on 127.0.0.1 (tools/pg_server.py), durable as
  shipped (fsync and synchronous_commit on), reached over TCP with SCRAM like a runner.

Both stores hold a first small run (their tables made) before the timed rounds, which
alternate between the two; each round is one whole ``record`` call (one transaction) of the
same report, timed wall clock.  The report is built once, before.

With ``--year``, each store then gets 364 more nightly runs (their ``run``, ``run_score``
and ``run_category`` rows copied from the recorded run, a day apart; device rows of only the
recorded runs) and ``history`` for one benchmark (``runs`` with a benchmark and ``--since``)
is timed: what it reads does not depend on the fleet's size.

    python -m bench.bench_history [--devices 10000] [--rounds 3] [--year]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from checker.core.results import Report
from checker.history.database import connect
from checker.history.location import Location, parse_location
from checker.history.query import Selection, runs
from checker.history.store import record
from tests.reporters import factory
from tools.pg_server import PostgresServer

T0 = datetime(2026, 1, 1, 2, 0, tzinfo=UTC)


def _timed(location: Location, report: Report, label: str) -> float:
    start = time.perf_counter()
    record(location, report, label=label, at=T0)
    return time.perf_counter() - start


def _a_year(location: Location) -> None:
    """364 more nightly runs of the first recorded run's totals, a day apart."""
    with connect(location, create=False) as db, db.transaction(write=True):
        (first,) = db.query("SELECT min(id) FROM run WHERE targets > 1")[0]
        (targets,) = db.query("SELECT targets FROM run WHERE id = ?", (first,))[0]
        for day in range(1, 365):
            run = db.insert_run(
                "INSERT INTO run (at, label, tool_version, targets) VALUES (?, ?, ?, ?)",
                (db.to_time(T0 + timedelta(days=day)), f"night-{day}", "bench", targets),
            )
            db.execute(
                "INSERT INTO run_score SELECT ?, benchmark, target_group, targets, percent,"
                " points, max_points, uncertain_low, uncertain_high, exposed FROM run_score"
                " WHERE run = ?",
                (run, first),
            )
            db.execute(
                "INSERT INTO run_category SELECT ?, benchmark, target_group, category, percent,"
                " points, max_points FROM run_category WHERE run = ?",
                (run, first),
            )


def _history_time(location: Location) -> tuple[float, int]:
    selection = Selection(benchmark="gen-workstation", since=T0 + timedelta(days=1))
    best, found = float("inf"), 0
    for _ in range(5):
        start = time.perf_counter()
        found = len(runs(location, selection))
        best = min(best, time.perf_counter() - start)
    return best, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--year", action="store_true", help="also time `history` over a year")
    args = parser.parse_args()
    report = factory.generated_fleet(args.devices, 250)
    rows = sum(r.status.value != "pass" for t in report.targets for r in t.results)
    print(f"fleet: {args.devices:,} devices x 250 checks, {rows:,} status rows a run")
    with tempfile.TemporaryDirectory() as folder, PostgresServer(durable=True) as server:
        os.environ["PGPASSWORD"] = server.password
        stores = {
            "SQLite": parse_location(str(Path(folder) / "history.db")),
            "PostgreSQL": parse_location(server.create_database("bench")),
        }
        for location in stores.values():
            record(location, factory.single_device(), label="first", at=T0)
        times: dict[str, list[float]] = {name: [] for name in stores}
        for round_ in range(args.rounds):
            for name, location in stores.items():
                times[name].append(_timed(location, report, f"round-{round_}"))
        print(f"\n{'store':<12}{'median s':>10}{'best s':>9}   rounds")
        for name, each in times.items():
            rounds = " ".join(f"{t:.2f}" for t in each)
            print(f"{name:<12}{statistics.median(each):>10.2f}{min(each):>9.2f}   {rounds}")
        ratio = statistics.median(times["PostgreSQL"]) / statistics.median(times["SQLite"])
        print(f"\nPostgreSQL / SQLite (medians): {ratio:.2f}x")
        print(f"target: PostgreSQL <= 2x SQLite: {'met' if ratio <= 2 else 'NOT met'}")
        if args.year:
            print(f"\n{'store':<12}{'history s':>10}   runs read (one benchmark, --since)")
            for name, location in stores.items():
                _a_year(location)
                seconds, found = _history_time(location)
                print(f"{name:<12}{seconds:>10.4f}   {found}")


if __name__ == "__main__":
    main()
