"""The orchestrator: plan targets, load and evaluate each, score, and assemble the Report.

Loaders, engine and scoring are built separately and handed to :func:`run`.  Targets are
checked in batches of consecutive targets, in worker processes when ``jobs > 1``; each
target's results are packed compactly, tallied for the fleet score, and spooled to a
temporary file when the fleet is large, so memory holds the fleet's tallies and one target at
a time, not the whole fleet.

The parent's share per target is kept small, since it runs serially while the workers run in
parallel (on the same cores): each batch comes with its own tally, which the parent merges
(:class:`Batch`); in a spooled run each worker writes its targets' JSON lines (and their
packed reports, when a reader will want them) to a spool file of its own and hands the
parent only where they are, with the findings its own digest kept when the run's outputs
want a digest, so that the bulky part of a target (150 KB) never passes through the parent
until the JSON report is written, and the reporters after the run neither read nor rebuild
every target again (:class:`Checked`, :class:`SpooledTargets`).
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import pickle
import tempfile
from array import array
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import date
from multiprocessing.queues import SimpleQueue
from pathlib import Path
from typing import IO, Any, overload

from checker import __version__
from checker.engine import evaluate
from checker.exceptions import Entry, Exemptions
from checker.model import (
    CheckInfo,
    FleetScore,
    InputError,
    PlanItem,
    Report,
    Result,
    Status,
    Target,
    TargetReport,
)
from checker.outputs import utf8
from checker.plans import plan_states
from checker.policy import Benchmark, iter_checks
from checker.reporters import json
from checker.reporters.findings import FLEET_NAMES, CheckDigest, Digester, Order
from checker.scoring import PackedTally, Tally, target_score
from checker.targets import Plan, TargetPlan, load_target, plan
from checker.yamlsrc import Located

SPOOL_ABOVE = 100
"""Fleets larger than this keep their target reports in a spool file, not in memory."""

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class RunOptions:
    jobs: int = 1
    exceptions: tuple[Entry, ...] = ()
    plans: tuple[Located, ...] = ()
    plans_path: str = ""
    manifest: Path | None = None
    today: date = field(default_factory=date.today)
    formats: frozenset[str] = frozenset()
    """Output formats the report will be rendered to.  A spooled fleet prepares what they
    need while it is checked: JSON lines (``json``), the findings digest (``junit``,
    ``sarif``); without it the reporters still work, from the spool."""
    recorded: bool = False
    """Whether the run goes into a history file, which reads every target's score."""


DIGESTED = frozenset({"junit", "sarif"})
"""Formats whose fleet layout reads the findings digest."""

PRERENDERED = DIGESTED | {"json"}
"""Formats that read a spooled fleet's JSON lines or digest, never its target reports."""

REPORTS = "reports"
"""In what a spooled run prepares: the packed target reports, which every reader other than
:data:`PRERENDERED` formats reads back.  A run that needs none (the usual fleet run in CI:
JSON, JUnit, SARIF) does not pickle or store them."""


def _preparing(options: RunOptions, spooled: bool) -> frozenset[str]:
    """What the workers of a run prepare (see :data:`RunOptions.formats`, :data:`REPORTS`);
    nothing for a run held in memory."""
    if not spooled:
        return frozenset()
    formats = options.formats
    needs_reports = options.recorded or not formats or not formats <= PRERENDERED
    return formats | {REPORTS} if needs_reports else formats


def _digester(prepare: frozenset[str]) -> Digester | None:
    """A findings digest, when the run prepares one (only a spooled run prepares anything)."""
    return Digester(FLEET_NAMES) if prepare & DIGESTED else None


Packed = tuple[Any, ...]
"""A TargetReport with each result's CheckInfo replaced by its index (cheap to pickle)."""

PackedResult = tuple[Any, ...]
"""One result of a :data:`Packed` report: check index, status, actual, origins, reason, via,
lean, exception."""


def _pack(report: TargetReport, index: dict[str, int]) -> Packed:
    return (
        report.name,
        report.sources,
        tuple(_pack_result(result, index) for result in report.results),
        report.score,
        report.group,
        report.tags,
        report.conflicts,
    )


def _pack_result(result: Result, index: dict[str, int]) -> PackedResult:
    """One result of a :data:`Packed` report (:func:`_result` is the inverse)."""
    r = result
    lean = r.lean.value if r.lean else None
    i = index[r.check.id]
    return i, r.status.value, r.actual, r.origins, r.reason, r.via, lean, r.exception


def _unpack(packed: Packed, infos: Sequence[CheckInfo]) -> TargetReport:
    name, sources, results, score, group, tags, conflicts = packed
    return TargetReport(
        name=name,
        sources=sources,
        results=tuple(_result(row, infos) for row in results),
        score=score,
        group=group,
        tags=tags,
        conflicts=conflicts,
    )


def _result(row: PackedResult, infos: Sequence[CheckInfo]) -> Result:
    """One packed result back as a :class:`Result`."""
    i, status, actual, origins, reason, via, lean, exception = row
    lean_status = _STATUSES[lean] if lean else None
    return Result(infos[i], _STATUSES[status], actual, origins, reason, via, lean_status, exception)


_STATUSES = {status.value: status for status in Status}
"""Statuses by value, looked up (calling the enum is several times slower)."""


@dataclass(frozen=True, slots=True)
class Stored:
    """Where a target is in the spool: the file (one per checking process), the offset of its
    pickled :data:`Packed` report, the report's size, and the size of the JSON line (UTF-8)
    that follows it."""

    file: int
    offset: int
    packed: int
    line: int


@dataclass(frozen=True, slots=True)
class Checked:
    """One checked target as a worker hands it to the parent, cheap to collect.

    ``kept`` is the packed report itself when the run is held in memory, or where the
    worker stored it (with its JSON line when the outputs want one) when the run is
    spooled; ``findings`` those of its packed results other than passes that the worker's
    own digest kept (candidates for the fleet digest), only when the run is spooled and
    its outputs want the digest (else empty).
    """

    name: str
    kept: Packed | Stored
    findings: tuple[PackedResult, ...] = ()


Outcome = tuple[Checked | None, list[InputError], set[int]]
"""A worker's answer for one target: the target (None when it could not be loaded), its input
errors, and the exceptions it matched."""


@dataclass(frozen=True, slots=True)
class Batch:
    """Consecutive targets as one process checked them: each one's :data:`Outcome`, and
    their fleet tally, packed.

    The process tallies its targets itself, so the parent merges one tally per batch
    instead of adding every result of every target: the parent runs serially, and on a
    machine with many cores its share per target is what bounds a fleet's throughput.
    """

    outcomes: tuple[Outcome, ...]
    tally: PackedTally


@dataclass(frozen=True, slots=True)
class Spool:
    """The spool as the checking processes share it: one file per process, by descriptor
    (forked workers inherit them), and the numbers of the files not yet taken.

    A file of its own per process needs no lock, so a worker that dies (killed, out of
    memory) cannot leave the others waiting for one.
    """

    fds: tuple[int, ...]
    free: SimpleQueue[int]

    def take(self) -> int:
        """The number of a file no other process writes (called once per process)."""
        return self.free.get()


class _SpoolWriter:
    """One process's end of the :class:`Spool`: appends a target to its own file and says
    where it went.  The file is flushed after each target, so the parent may read any
    target it was told of."""

    def __init__(self, spool: Spool) -> None:
        self._number = spool.take()
        self._file = os.fdopen(spool.fds[self._number], "wb", closefd=False)

    def write(self, packed: bytes, line: bytes) -> Stored:
        offset = self._file.seek(0, os.SEEK_END)
        self._file.write(packed)
        self._file.write(line)
        self._file.flush()
        return Stored(self._number, offset, len(packed), len(line))


def report_target(
    benchmarks: Sequence[Benchmark], target: Target, exemptions: Exemptions | None = None
) -> TargetReport:
    """Evaluate every check on one loaded target, apply exceptions, and score it."""
    results = evaluate(benchmarks, target)
    if exemptions is not None:
        results = exemptions.apply(results, target.name, target.group, target.tags)
    return TargetReport(
        name=target.name,
        sources=tuple(source.path for source in target.sources),
        results=results,
        score=target_score(results),
        group=target.group,
        tags=target.tags,
        conflicts=tuple(target.conflicts),
    )


@dataclass(slots=True)
class _WorkerState:
    """Per-process state: the compiled benchmarks and exceptions, set once per process."""

    benchmarks: Sequence[Benchmark] = ()
    index: dict[str, int] = field(default_factory=dict)
    exemptions: Exemptions = field(default_factory=lambda: Exemptions([], date.today()))
    prepare: frozenset[str] = frozenset()
    """The output formats to prepare for (empty when the fleet is not spooled)."""
    writer: _SpoolWriter | None = None
    """Where the process spools its targets (None when the run is held in memory)."""
    digester: Digester | None = None
    """The findings digest of the targets this process checked, when the outputs want one:
    only findings it keeps go to the parent (see :meth:`Digester.offer`)."""


_STATE = _WorkerState()


def _setup(
    benchmarks: Sequence[Benchmark],
    options: RunOptions,
    prepare: frozenset[str],
    spool: Spool | None,
) -> None:
    _STATE.benchmarks = benchmarks
    _STATE.index = {c.info.id: i for i, c in enumerate(iter_checks(benchmarks))}
    _STATE.exemptions = Exemptions(list(options.exceptions), options.today)
    _STATE.prepare = prepare
    _STATE.writer = _SpoolWriter(spool) if spool is not None else None
    _STATE.digester = _digester(prepare)


def _worker_setup(
    benchmarks: Sequence[Benchmark],
    options: RunOptions,
    prepare: frozenset[str],
    spool: Spool | None,
) -> None:
    """:func:`_setup` in a worker process, which then collects garbage less eagerly.

    A worker allocates a few thousand objects per target and frees nearly all of them by
    reference counting; at the default threshold the cyclic collector ran every 700
    allocations and walked the compiled benchmarks each time (about 10% of a worker's
    time).  What the worker inherited is frozen out of the collector's sight.
    """
    _setup(benchmarks, options, prepare, spool)
    gc.freeze()
    gc.set_threshold(*LESS_EAGER)


LESS_EAGER = (10_000, 50, 50)
"""Garbage collector thresholds while targets are checked and collected (the default is
700, 10, 10)."""


@contextmanager
def _collecting_less() -> Iterator[None]:
    """The parent's garbage collection while it collects targets, as in a worker (see
    :func:`_worker_setup`), then back as it was.

    The parent allocates a few hundred objects per target and keeps few; at the default
    thresholds the collector took a fifth of its time on a fleet of 2,000 (0.3 s, five full
    collections that found nothing), walking the benchmarks and modules each time.
    """
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*LESS_EAGER)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _check_batch(batch: tuple[int, Sequence[TargetPlan]]) -> Batch:
    """Check consecutive targets, the first being the run's ``start``-th, and tally them
    (see :class:`Batch`)."""
    start, plans = batch
    tally = Tally()
    outcomes = tuple(_check(plan, number, tally) for number, plan in enumerate(plans, start))
    return Batch(outcomes, tally.packed(_STATE.index))


def _check(target_plan: TargetPlan, number: int, tally: Tally) -> Outcome:
    target, errors = load_target(target_plan)
    if target is None:
        return None, errors, set()
    _STATE.exemptions.matched.clear()
    report = report_target(_STATE.benchmarks, target, _STATE.exemptions)
    tally.add(report.results, report.name)
    return _hand_over(report, number), errors, set(_STATE.exemptions.matched)


def _hand_over(report: TargetReport, number: int) -> Checked:
    """``report``, the run's ``number``-th target, as the parent collects it (see
    :class:`Checked`)."""
    digester = _STATE.digester
    findings: tuple[PackedResult, ...] = ()
    if digester is not None:
        order = _order(report.name, number)
        findings = tuple(
            _pack_result(result, _STATE.index)
            for result in report.results
            if result.status is not Status.PASS and digester.offer(report.name, result, order)
        )
    return Checked(name=report.name, kept=_keep(report), findings=findings)


def _order(name: str, number: int) -> Order:
    """Where the run's ``number``-th target, named ``name``, is in the digests' order."""
    return name.casefold(), number


def _keep(report: TargetReport) -> Packed | Stored:
    """The packed report for the parent to hold, or where it was spooled with its JSON line
    (the report itself only when a reader will read it back, see :data:`REPORTS`)."""
    writer = _STATE.writer
    if writer is None:
        return _pack(report, _STATE.index)
    line = utf8(json.target_line(report)) if "json" in _STATE.prepare else b""
    kept = (
        pickle.dumps(_pack(report, _STATE.index), pickle.HIGHEST_PROTOCOL)
        if REPORTS in _STATE.prepare
        else b""
    )
    return writer.write(kept, line)


def _checked(
    benchmarks: Sequence[Benchmark],
    plans: list[TargetPlan],
    jobs: int,
    options: RunOptions,
    prepare: frozenset[str],
    spool: Spool | None,
) -> Generator[Batch, None, None]:
    """The targets checked in ``jobs`` processes (see :func:`processes`), in ``plans``
    order, batch by batch."""
    size = max(1, min(16, len(plans) // (4 * jobs)))
    batches = [(start, plans[start : start + size]) for start in range(0, len(plans), size)]
    if jobs == 1:
        _setup(benchmarks, options, prepare, spool)
        try:
            yield from map(_check_batch, batches)
        finally:
            _STATE.writer = _STATE.digester = None
        return
    context = multiprocessing.get_context("fork")
    setup = (benchmarks, options, prepare, spool)
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_setup, initargs=setup)
    done = 0
    try:
        for batch in pool.map(_check_batch, batches):
            yield batch
            done += 1
    except BrokenProcessPool:
        # A worker died (killed, out of memory, a crash in a C library): the pool stops the
        # others.  The targets not handed over yet are reported as not checked.
        lost = [target for _, batch in batches[done:] for target in batch]
        yield Batch(tuple((None, [_not_checked(target)], set()) for target in lost), (0, ()))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def processes(options: RunOptions, plans: Sequence[TargetPlan]) -> int:
    """How many processes check the targets: ``--jobs``, at most one per target, and one
    where processes cannot be forked (compiled checks are closures: workers get them by
    fork, which is not everywhere)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(options.jobs, len(plans)))


def _not_checked(lost: TargetPlan) -> InputError:
    where = str(lost.sources[0].path) if lost.sources else lost.name
    return InputError(
        where,
        "not checked: a worker process ended unexpectedly (killed, or out of memory) "
        "while the targets were checked",
    )


class SpooledTargets(Sequence[TargetReport]):
    """Target reports kept in temporary files and read back one at a time, in name order,
    with their JSON lines and findings digest when the run prepared them (the reporters
    then use those, see :class:`checker.reporters.json.Prerendered` and
    :class:`checker.reporters.findings.Digested`).

    The checking processes write the files, one each (:class:`Spool`); the parent only
    keeps the index of where each target is, so a target's bulk never passes through the
    parent before a reporter reads it back.
    """

    def __init__(self, infos: Sequence[CheckInfo], processes: int, reports: bool) -> None:
        self._infos = infos
        self._reports = reports
        """Whether the workers store the target reports (see :data:`REPORTS`)."""
        # Closed when the spool is collected; they live as long as the Report does.  Being
        # anonymous, they are gone when the parent ends, however it ends.
        self._files: list[IO[bytes]] = [
            tempfile.TemporaryFile(prefix="baseliner-")  # noqa: SIM115
            for _ in range(processes)
        ]
        free: SimpleQueue[int] = multiprocessing.SimpleQueue()
        for number in range(processes):
            free.put(number)
        self.spool = Spool(tuple(file.fileno() for file in self._files), free)
        # Per target, in arrival order: the name key, and (file, offset, size of the packed
        # report, size of the JSON line) in a flat array: about 100 bytes a target, where a
        # tuple each was 280 (the index is what grows with the fleet, issue 8's memory bar).
        self._keys: list[str] = []
        self._where = array("q")
        self._order: Sequence[int] = ()
        """Arrival numbers in name order (a stable sort: equal names keep arrival order)."""
        self._lines = False
        self._digest: dict[str, CheckDigest] | None = None

    def append(self, name: str, stored: Stored) -> None:
        """Index a stored target; its place in name order is (name key, arrival)."""
        self._keys.append(name.casefold())
        self._where.extend((stored.file, stored.offset, stored.packed, stored.line))
        self._lines = self._lines or bool(stored.line)

    def close(self) -> None:
        for file in self._files:
            file.close()

    def seal(self, digest: dict[str, CheckDigest] | None) -> None:
        self._order = array("q", sorted(range(len(self._keys)), key=self._keys.__getitem__))
        self._digest = digest

    def names(self) -> tuple[Sequence[str], Sequence[int]]:
        """The name keys in arrival order, and the arrival numbers in name order (sealed)."""
        return self._keys, self._order

    def __len__(self) -> int:
        return len(self._keys)

    def _read(self, item: int, line: bool) -> bytes:
        """The ``item``-th target in name order: its packed report, or its JSON line."""
        at = 4 * self._order[item]
        number, offset, size, length = self._where[at : at + 4]
        file = self._files[number]
        file.seek(offset + size if line else offset)
        return file.read(length if line else size)

    @overload
    def __getitem__(self, item: int) -> TargetReport: ...

    @overload
    def __getitem__(self, item: slice) -> Sequence[TargetReport]: ...

    def __getitem__(self, item: int | slice) -> TargetReport | Sequence[TargetReport]:
        if isinstance(item, slice):
            return [self[i] for i in range(*item.indices(len(self)))]
        if not self._reports:
            # A reader the run did not prepare for (see REPORTS): a bug, never a wrong report.
            raise RuntimeError("this run kept its targets' JSON lines and digest, not reports")
        packed: Packed = pickle.loads(self._read(item, line=False))
        return _unpack(packed, self._infos)

    def __iter__(self) -> Iterator[TargetReport]:
        for i in range(len(self)):
            yield self[i]

    def json_lines(self) -> Iterable[bytes] | None:
        """Each target's JSON line as its worker rendered it (UTF-8), in name order."""
        return self._read_lines() if self._lines else None

    def _read_lines(self) -> Iterator[bytes]:
        for item in range(len(self)):
            yield self._read(item, line=True)

    def digest(self) -> dict[str, CheckDigest] | None:
        """The findings digest collected as the targets arrived."""
        return self._digest


class _Collector:
    """The parent's share of a run: merge the batches' tallies, keep each target (in
    memory, or index it in the spool for a large fleet), and digest its findings when an
    output will want the digest."""

    def __init__(
        self, infos: Sequence[CheckInfo], spooled: bool, prepare: frozenset[str], processes: int
    ):
        self._infos = infos
        self.prepare = prepare
        self.processes = processes
        """How many processes check the targets (see :func:`processes`)."""
        self.tally = Tally()
        self._spool = SpooledTargets(infos, processes, REPORTS in prepare) if spooled else None
        self._kept: list[TargetReport] = []
        self._digester = _digester(prepare)

    @property
    def spool(self) -> Spool | None:
        """Where the checking processes write the targets (None: they hand them over)."""
        return self._spool.spool if self._spool is not None else None

    def discard(self) -> None:
        """Give up the run: close the spool."""
        if self._spool is not None:
            self._spool.close()

    def merge(self, tally: PackedTally) -> None:
        """Add the tally of a batch of targets (see :class:`Batch`)."""
        self.tally.merge(Tally.unpacked(tally, self._infos))

    def add(self, checked: Checked, number: int) -> None:
        """Keep the run's ``number``-th target (its results are in its batch's tally)."""
        if isinstance(checked.kept, Stored):
            self._index(checked, checked.kept, number)
        else:
            self._kept.append(_unpack(checked.kept, self._infos))

    def _index(self, checked: Checked, stored: Stored, number: int) -> None:
        spool = self._spool
        assert spool is not None, "only a spooled run's workers store their targets"
        if self._digester is not None:
            order = _order(checked.name, number)
            for row in checked.findings:
                self._digester.offer(checked.name, _result(row, self._infos), order)
        spool.append(checked.name, stored)

    def names(self) -> tuple[Sequence[str], Sequence[int]]:
        """The collected targets' name keys in arrival order, and the arrival numbers in
        name order (after :meth:`targets`)."""
        if self._spool is not None:
            return self._spool.names()
        keys = [report.name.casefold() for report in self._kept]
        return keys, sorted(range(len(keys)), key=keys.__getitem__)

    def targets(self, fleet: FleetScore) -> Sequence[TargetReport]:
        """The collected targets in name order (``fleet``: their tally's score)."""
        if self._spool is None:
            return tuple(sorted(self._kept, key=lambda r: r.name.casefold()))
        self._spool.seal(self._digester.counted(fleet.checks) if self._digester else None)
        return self._spool


def run(
    benchmarks: Sequence[Benchmark],
    paths: list[Path],
    options: RunOptions | None = None,
    progress: Progress | None = None,
) -> Report:
    """Check every target found under ``paths`` (or named by the manifest) against
    ``benchmarks``; see the module docstring."""
    options = options or RunOptions()
    planned = plan(paths, options.manifest)
    spooled = len(planned.targets) > SPOOL_ABOVE
    prepare = _preparing(options, spooled)
    infos = [check.info for check in iter_checks(benchmarks)]
    collector = _Collector(infos, spooled, prepare, processes(options, planned.targets))
    try:
        return _report(benchmarks, planned, options, collector, progress)
    except BaseException:
        # The workers are stopped by then (the outcomes are closed); free the spool's disk
        # space now, not when the traceback that holds it goes.
        collector.discard()
        raise


def _report(
    benchmarks: Sequence[Benchmark],
    planned: Plan,
    options: RunOptions,
    collector: _Collector,
    progress: Progress | None,
) -> Report:
    """Check the planned targets into ``collector`` and assemble the report."""
    errors = list(planned.errors)
    matched: set[int] = set()
    total = len(planned.targets)
    prepare = collector.prepare
    batches = _checked(
        benchmarks, planned.targets, collector.processes, options, prepare, collector.spool
    )
    done = 0
    numbers = array("q")  # the plan number of each collected target, in arrival order
    with closing(batches), _collecting_less():
        for batch in batches:
            collector.merge(batch.tally)
            for checked, target_errors, hits in batch.outcomes:
                errors += target_errors
                matched |= hits
                if checked is not None:
                    collector.add(checked, done)
                    numbers.append(done)
                done += 1
                if progress is not None:
                    progress(done, total)
    fleet = collector.tally.fleet_score()
    exemptions = Exemptions(list(options.exceptions), options.today, matched)
    targets = collector.targets(fleet)
    warnings = exemptions.warnings() + _shared_names(*collector.names(), numbers, planned.targets)
    plan_items: list[PlanItem] = []
    if options.plans:
        plan_items, plan_warnings = plan_states(
            options.plans, options.plans_path, fleet.checks, options.today
        )
        warnings += plan_warnings
    return Report(
        tool_version=__version__,
        benchmarks=tuple(benchmark.info for benchmark in benchmarks),
        targets=targets,
        fleet=fleet,
        errors=tuple(sorted(errors, key=_error_order)),
        warnings=tuple(sorted(warnings, key=_error_order)),
        plan=tuple(plan_items),
    )


SHOWN_PATHS = 5
"""Paths a warning of targets sharing a name lists before it counts the rest."""


def _shared_names(
    keys: Sequence[str], order: Sequence[int], numbers: Sequence[int], targets: Sequence[TargetPlan]
) -> list[InputError]:
    """A warning for each name two targets have (two exports of one computer, say): reports
    keep both, but ``diff`` matches targets by name.  ``keys`` are the collected targets'
    name keys in arrival order, ``order`` the arrival numbers in name order (equal names
    are next to each other), ``numbers`` each arrival's place in ``targets``: what the
    collector keeps anyway, so a fleet costs no more memory for the check."""
    out = []
    for key, group in itertools.groupby(order, key=keys.__getitem__):
        arrivals = list(group)
        if len(arrivals) < 2:
            continue
        paths = [_first_path(targets[numbers[arrival]]) for arrival in arrivals]
        shown = ", ".join(paths[:SHOWN_PATHS])
        if len(paths) > SHOWN_PATHS:
            shown += f" and {len(paths) - SHOWN_PATHS:,} more"
        message = (
            f"{len(paths)} targets have the name {key!r} (in any case: {shown}); "
            "diff matches targets by name and will see one"
        )
        out.append(InputError(paths[0], message))
    return out


def _first_path(target: TargetPlan) -> str:
    return str(target.sources[0].path) if target.sources else target.name


def _error_order(error: InputError) -> tuple[str, int, int]:
    return (error.path, error.line or 0, error.offset or 0)
