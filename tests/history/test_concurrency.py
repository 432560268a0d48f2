"""Runners that record at once, and a runner killed mid-write, on both backends."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from checker.history.location import Backend, Location
from checker.history.query import runs
from checker.history.store import record
from tests.conftest import ROOT
from tests.history.stores import rows
from tests.reporters import factory

WRITERS = """
import sys, threading, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from checker.history.location import parse_location
from checker.history.store import record
from tests.reporters import factory
location, prefix, threads = parse_location(sys.argv[2]), sys.argv[3], int(sys.argv[4])
go = Path(sys.argv[5])
report = factory.fleet_of_three()
failed = []
def write(n):
    while not go.exists():
        time.sleep(0.005)
    try:
        record(location, report, label=f"{prefix}-{n}")
    except Exception as exc:
        failed.append(repr(exc))
workers = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
sys.exit("\\n".join(failed) or None)
"""


def test_two_hundred_writers_from_ten_processes_all_land(store: Location, tmp_path: Path) -> None:
    """Ten processes of twenty threads, each thread a runner recording one run, started
    together on a store that has no tables yet: every run lands once, whole."""
    go = tmp_path / "go"
    argv = [sys.executable, "-c", WRITERS, str(ROOT), str(store)]
    processes = [
        subprocess.Popen([*argv, f"p{p}", "20", str(go)], stderr=subprocess.PIPE) for p in range(10)
    ]
    time.sleep(2)  # all imported and waiting
    go.touch()
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()
    recorded = runs(store)
    labels = [run.label for run in recorded]
    assert sorted(labels) == sorted(f"p{p}-{n}" for p in range(10) for n in range(20))
    assert len({run.id for run in recorded}) == 200
    per_run = Counter(run for (run,) in rows(store, "SELECT run FROM run_target"))
    assert set(per_run.values()) == {3} and len(per_run) == 200
    report = factory.fleet_of_three()
    not_passing = sum(r.status.value != "pass" for t in report.targets for r in t.results)
    assert rows(store, "SELECT count(*) FROM target_status") == [(200 * not_passing,)]


KILLED = """
import sys, time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from checker.history.location import parse_location
from checker.history.store import record
from tests.reporters import factory

class Stalling(Sequence):
    '''A fleet whose target 600 never comes: the writer stops mid-transaction, with the
    rows of its first 500 targets sent.'''
    def __init__(self, targets):
        self.targets = targets
    def __len__(self):
        return len(self.targets)
    def __getitem__(self, index):
        return self.targets[index]
    def __iter__(self):
        for number, target in enumerate(self.targets):
            if number == 600:
                Path(sys.argv[3]).touch()
                time.sleep(3600)
            yield target

report = factory.generated_fleet(700, 20)
stalling = replace(report, targets=Stalling(report.targets))
record(parse_location(sys.argv[2]), stalling, label="killed")
"""


def test_a_writer_killed_mid_transaction_leaves_nothing(store: Location, tmp_path: Path) -> None:
    record(store, factory.fleet_of_three(), label="before")
    mid = tmp_path / "mid"
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(ROOT), str(store), str(mid)], stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while not mid.exists() and time.monotonic() < deadline and writer.poll() is None:
        time.sleep(0.05)
    assert mid.exists(), writer.communicate()[1].decode()
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    assert [run.label for run in runs(store)] == ["before"]
    for table in ("run_target", "target_score", "target_status", "run_check"):
        (count,) = rows(store, f"SELECT count(DISTINCT run) FROM {table}")[0]
        assert count == 1, table
    if store.backend is Backend.SQLITE:
        assert rows(store, "PRAGMA integrity_check") == [("ok",)]
    record(store, factory.single_device(), label="after")
    assert [run.label for run in runs(store)] == ["before", "after"]
