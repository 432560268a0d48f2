"""The engine-neutral share of a cluster run (checker/run/partition.py): an engine that only
calls ``install`` and ``check_partition`` where its tasks run, as the README's Spark recipe
does, gives the local pool's report; a partition run twice returns the same bytes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

import checker
from checker.core.files import chunks
from checker.core.results import Report
from checker.policy.load import load_benchmarks
from checker.reporters import json, junit, preparations
from checker.run import partition
from checker.run.options import SPOOL_ABOVE, RunOptions
from checker.run.orchestrate import run
from tools.make_fleet import write_fleet

POLICY = "msft-windows11-24h2"


def spark_like(data: bytes, batches: Sequence[Any], options: RunOptions) -> Iterator[bytes]:
    """What a ``mapPartitions`` task does, each partition run twice (a retried task)."""
    for batch in batches:
        args = partition.partition_args(batch)
        key = partition.install(data)
        first = partition.check_partition(key, checker.__version__, *args)
        again = partition.check_partition(key, checker.__version__, *args)
        assert first == again
        yield again


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fleet")
    write_fleet(folder, SPOOL_ABOVE + 21)
    return folder


def _rendered(report: Report) -> list[bytes]:
    return [b"".join(chunks(render(report))) for render in (json.render, junit.render)]


@pytest.mark.parametrize("batch", [1, 7, 500])
def test_an_engine_of_plain_calls_gives_the_local_report(fleet: Path, batch: int) -> None:
    prepare, line = preparations(["json", "junit"], False)
    options = RunOptions(jobs=1, prepare=prepare, line=line)
    local = run(load_benchmarks([POLICY]), [fleet], options)
    options = RunOptions(jobs=1, prepare=prepare, line=line, engine=spark_like, batch=batch)
    elsewhere = run(load_benchmarks([POLICY]), [fleet], options)
    assert _rendered(elsewhere) == _rendered(local)


def test_a_setup_of_another_version_is_refused() -> None:
    data = partition.setup(load_benchmarks([POLICY]), RunOptions(), frozenset(), False)
    other = data.replace(checker.__version__.encode(), b"9.9.9", 1)
    with pytest.raises(partition.VersionMismatch, match=r"the driver 9\.9\.9"):
        partition.install(other)
    with pytest.raises(partition.VersionMismatch, match=r"the driver 9\.9\.9"):
        partition.check_partition(partition.key_of(data), "9.9.9", 0, 0, b"")


def test_a_time_limit_holds_in_a_worker_thread() -> None:
    """A Dask worker checks in a thread, where no alarm signal reaches: the limit is raised
    in the checking thread, and one not reached leaves nothing behind."""
    import threading
    import time

    from checker.run.housekeeping import TargetTimedOut, time_limit

    seen: list[str] = []

    def work() -> None:
        try:
            with time_limit(0.1):
                while True:
                    sum(range(100))
        except TargetTimedOut:
            seen.append("timed out")
        with time_limit(0.2):
            time.sleep(0.05)
        time.sleep(0.3)  # past the second limit: nothing may be raised now
        seen.append("done")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(10)
    assert seen == ["timed out", "done"]
