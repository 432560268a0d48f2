"""What a run is asked to do: its options, and what a spooled fleet prepares for its readers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from checker.core.results import TargetReport
from checker.policy.yamlsrc import Located
from checker.scoring.waivers import Entry

SPOOL_ABOVE = 100
"""Fleets larger than this keep their target reports in a spool file, not in memory."""

Progress = Callable[[int, int], None]

TARGET_TIMEOUT = 60.0
"""Seconds a target may take by default: a real export loads and checks in milliseconds, so
a minute is only ever reached by input made to exhaust the tool."""


class Prepared(StrEnum):
    """What the workers of a spooled fleet prepare, as they check, for the reporters after the
    run (each reporter says what it reads: ``checker.reporters.Reporter.reads``)."""

    LINES = "lines"
    """Each target's JSON line (rendered by :attr:`RunOptions.line`)."""
    DIGEST = "digest"
    """The findings digest (checker/scoring/digest.py)."""
    REPORTS = "reports"
    """The packed target reports, for any reader that reads the targets back.  A run that
    needs none (the usual fleet run in CI: JSON, JUnit, SARIF) does not pickle or store
    them."""


class TaskOutput(Protocol):
    """An output each batch of targets writes itself where it is checked (``-o parquet``),
    made by the reporters' registry (``checker.reporters.TASK_OUTPUTS``): the run knows it
    only by this shape.  It must pickle, to go to a cluster's workers."""

    def rows(self, report: TargetReport) -> Any:
        """What the output keeps of one checked target."""

    def write(self, part: int, rows: list[Any]) -> None:
        """Write the batch numbered ``part`` (its targets' rows in run order); a batch
        written again (a task retried) replaces its part."""


class Executor(StrEnum):
    """What checks the targets (``--executor``)."""

    LOCAL = "local"
    """Worker processes on this machine (checker/run/pool.py)."""
    DASK = "dask"
    """A Dask cluster (checker/run/cluster.py)."""


Engine = Callable[[bytes, Sequence[Any], "RunOptions"], Iterable[Any]]
"""Checks a run's batches elsewhere (a cluster): given the :func:`partition.setup` bytes, the
batches (``checker.run.pool.BatchPlan``: number, first target's run number, targets) and the
options, yields each batch's :func:`partition.check_partition` bytes in batch order (or the
batch itself, when it could not be checked).  ``--executor dask`` is one
(checker/run/cluster.py); the README's Spark recipe is another."""


BATCH = 500
"""Targets a task of a cluster checks by default (``--batch``): large enough that a task's
overhead (about 5 ms on Dask) is lost in its 0.5 to 1 s of work, small enough that a fleet
of 1,000 keeps two workers busy."""


@dataclass(frozen=True, slots=True)
class RunOptions:
    jobs: int = 1
    exceptions: tuple[Entry, ...] = ()
    plans: tuple[Located, ...] = ()
    plans_path: str = ""
    manifest: Path | str | None = None
    """A targets.yaml, or a text file of URLs (local or at a URL)."""
    allow_outside: tuple[Path, ...] = ()
    """Folders out of the manifest's repository that it may name (``--allow-outside``)."""
    today: date = field(default_factory=date.today)
    prepare: frozenset[Prepared] = frozenset({Prepared.REPORTS})
    """What the reporters of the run will read of a spooled fleet; without LINES or DIGEST
    they still work, from the reports."""
    line: Callable[[TargetReport], str] | None = None
    """A target's JSON line, rendered by the workers when LINES is prepared."""
    target_timeout: float | None = TARGET_TIMEOUT
    """Seconds one target may take to load and check before it is given up as an input
    error (None or 0: no limit); the other targets are still checked and reported."""
    task_outputs: tuple[TaskOutput, ...] = ()
    """Outputs each batch writes itself (see :class:`TaskOutput`)."""
    executor: Executor = Executor.LOCAL
    scheduler: str | None = None
    """The Dask scheduler's address (``--scheduler``); None: Dask's configuration
    (``DASK_SCHEDULER_ADDRESS``), else a local cluster."""
    batch: int = BATCH
    """Targets per task on a cluster (``--batch``)."""
    engine: Engine | None = None
    """Checks the batches on another engine than Dask's (see :data:`Engine`)."""


def preparing(options: RunOptions, spooled: bool) -> frozenset[Prepared]:
    """What the workers of a run prepare: nothing for a run held in memory."""
    return options.prepare if spooled else frozenset()
