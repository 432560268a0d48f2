"""The checking processes: each loads, evaluates, exempts and scores its targets, tallies
them per batch, and hands the parent what it needs to collect them.

The parent's share per target is kept small, since it runs serially while the workers run in
parallel (on the same cores): each batch comes with its own tally, which the parent merges
(:class:`Batch`); in a spooled run each worker writes its targets' JSON lines (and their
packed reports, when a reader will want them) to a spool file of its own and hands the
parent only where they are, with the findings its own digest kept when the run's outputs
want a digest, so that the bulky part of a target (150 KB) never passes through the parent
until the JSON report is written, and the reporters after the run neither read nor rebuild
every target again (:class:`Checked`, :class:`~checker.run.spool.SpooledTargets`).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import pickle
import signal
import sys
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from checker.core import signals
from checker.core.errors import InputError
from checker.core.results import TargetReport
from checker.core.statuses import Status
from checker.core.text import utf8
from checker.core.values import NoteKind, Target
from checker.engine import evaluate
from checker.policy.compile import Benchmark
from checker.policy.select import iter_checks
from checker.run.housekeeping import (
    LESS_EAGER,
    TargetTimedOut,
    quiet_cancellation,
    time_limit,
)
from checker.run.options import Prepared, RunOptions, TaskOutput
from checker.run.spool import (
    Packed,
    PackedResult,
    Spool,
    SpoolWriter,
    Stored,
    Writer,
    pack,
    pack_result,
)
from checker.scoring.digest import FLEET_NAMES, Digester, Order
from checker.scoring.tally import PackedTally, Tally, target_score
from checker.scoring.waivers import Exemptions
from checker.targets.load import load_target
from checker.targets.plans import TargetPlan


def digester(prepare: frozenset[Prepared]) -> Digester | None:
    """A findings digest, when the run prepares one (only a spooled run prepares anything)."""
    return Digester(FLEET_NAMES) if Prepared.DIGEST in prepare else None


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
    export: str = ""  # a file the target was read from (TargetReport.export), for the digest


Outcome = tuple[Checked | None, list[InputError], list[InputError], set[int]]
"""A worker's answer for one target: the target (None when it could not be loaded), its input
errors, the warnings of its inputs (repairs made to read them), and the exceptions it
matched."""


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
        notes=target.notes,
        planned=bool(target.meta.get("planned")),
    )


@dataclass(slots=True)
class _WorkerState:
    """Per-process state: the compiled benchmarks and exceptions, set once per process."""

    benchmarks: Sequence[Benchmark] = ()
    index: dict[str, int] = field(default_factory=dict)
    exemptions: Exemptions = field(default_factory=lambda: Exemptions([], date.today()))
    prepare: frozenset[Prepared] = frozenset()
    """What to prepare for the reporters (empty when the fleet is not spooled)."""
    writer: Writer | None = None
    """Where the process spools its targets (None when the run is held in memory)."""
    digester: Digester | None = None
    """The findings digest of the targets this process checked, when the outputs want one:
    only findings it keeps go to the parent (see :meth:`Digester.offer`)."""
    line: Callable[[TargetReport], str] | None = None
    """Renders a target's JSON line, when the run prepares them (see RunOptions.line)."""
    timeout: float | None = None
    """Seconds a target may take (see RunOptions.target_timeout)."""
    outputs: tuple[TaskOutput, ...] = ()
    """What each batch writes itself (``-o parquet``), from the rows of its targets."""
    rows: list[list[Any]] = field(default_factory=list)
    """The rows of the batch being checked, one list per output."""


_STATE = _WorkerState()


def setup_state(
    benchmarks: Sequence[Benchmark],
    options: RunOptions,
    prepare: frozenset[Prepared],
    spool: Spool | None,
) -> None:
    _STATE.benchmarks = benchmarks
    _STATE.index = {c.info.id: i for i, c in enumerate(iter_checks(benchmarks))}
    _STATE.exemptions = Exemptions(list(options.exceptions), options.today)
    _STATE.prepare = prepare
    _STATE.writer = SpoolWriter(spool) if spool is not None else None
    _STATE.digester = digester(prepare)
    _STATE.line = options.line
    _STATE.timeout = options.target_timeout
    _STATE.outputs = options.task_outputs


@contextmanager
def own_state(writer: Writer | None, digest: Digester | None) -> Iterator[None]:
    """A task on a cluster: its targets go to ``writer``, its findings to the worker's
    ``digest`` of the run (kept across the worker's tasks, as a pool worker keeps its own:
    a fresh one per task sent the driver a hundred findings per check per task, and the
    driver's share bounded the run).

    A finding the worker's digest turns away has a hundred better ones in tasks this worker
    checked, which the driver gets whoever delivers those tasks (a task's result depends
    only on its targets), so the fleet digest is the same.
    """
    _STATE.writer, _STATE.digester = writer, digest
    try:
        yield
    finally:
        _STATE.writer = _STATE.digester = None


def worker_setup(
    benchmarks: Sequence[Benchmark],
    options: RunOptions,
    prepare: frozenset[Prepared],
    spool: Spool | None,
    parent: int | None = None,
) -> None:
    """:func:`setup_state` in a worker process, which then collects garbage less eagerly.

    A worker allocates a few thousand objects per target and frees nearly all of them by
    reference counting; at the default threshold the cyclic collector ran every 700
    allocations and walked the compiled benchmarks each time (about 10% of a worker's
    time).  What the worker inherited is frozen out of the collector's sight.

    A worker of ``parent`` ends with it (:func:`_bound_to_parent`), and leaves Ctrl-C to it: the
    parent stops the run and says so in one line, where every worker printed a traceback.
    """
    if parent is not None:
        _bound_to_parent(parent)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # The parent's handler, inherited by fork, would print a traceback when the pool
        # stops its workers (it sends SIGTERM): end quietly, as a worker should.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    setup_state(benchmarks, options, prepare, spool)
    gc.freeze()
    gc.set_threshold(*LESS_EAGER)


PR_SET_PDEATHSIG = 1


def _bound_to_parent(parent: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux), and end now if the
    parent is already gone: killed, the parent cannot stop its workers, which lived on
    (about 45 MB each) holding its deleted spool files open."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


BatchPlan = tuple[int, int, Sequence[TargetPlan]]
"""A batch to check: its number (which names its part of a task output), the run number of
its first target, and its consecutive targets."""


def cut_batches(plans: Sequence[TargetPlan], size: int) -> list[BatchPlan]:
    """``plans`` in batches of ``size`` consecutive targets."""
    starts = range(0, len(plans), size)
    return [(number, start, plans[start : start + size]) for number, start in enumerate(starts)]


def check_batch(batch: BatchPlan) -> Batch:
    """Check consecutive targets, the first being the run's ``start``-th, tally them (see
    :class:`Batch`), and write the batch's part of each task output."""
    number, start, plans = batch
    tally = Tally()
    _STATE.rows = [[] for _ in _STATE.outputs]
    outcomes = tuple(_check(plan, n, tally) for n, plan in enumerate(plans, start))
    for output, rows in zip(_STATE.outputs, _STATE.rows, strict=True):
        output.write(number, rows)
    _STATE.rows = []
    return Batch(outcomes, tally.packed(_STATE.index))


def _check(target_plan: TargetPlan, number: int, tally: Tally) -> Outcome:
    try:
        with time_limit(_STATE.timeout):
            target, errors = load_target(target_plan)
            if target is None:
                return None, errors, [], set()
            _STATE.exemptions.matched.clear()
            report = report_target(_STATE.benchmarks, target, _STATE.exemptions)
    except TargetTimedOut:
        return None, [_timed_out(target_plan)], [], set()
    tally.add(report.results, report.name)
    for output, rows in zip(_STATE.outputs, _STATE.rows, strict=True):
        rows.append(output.rows(report))
    repairs = [
        InputError(note.path, f"repaired: {note.what}", line=note.line)
        for note in target.notes
        if note.kind is NoteKind.REPAIRED
    ]
    return _hand_over(report, number), errors, repairs, set(_STATE.exemptions.matched)


def _hand_over(report: TargetReport, number: int) -> Checked:
    """``report``, the run's ``number``-th target, as the parent collects it (see
    :class:`Checked`)."""
    digester = _STATE.digester
    findings: tuple[PackedResult, ...] = ()
    export = report.export if digester is not None else ""
    if digester is not None:
        order = order_of(report.name, number)
        findings = tuple(
            pack_result(result, _STATE.index)
            for result in report.results
            if result.status is not Status.PASS
            and digester.offer(report.name, result, order, export)
        )
    return Checked(name=report.name, kept=_keep(report), findings=findings, export=export)


def order_of(name: str, number: int) -> Order:
    """Where the run's ``number``-th target, named ``name``, is in the digests' order."""
    return name.casefold(), number


def _keep(report: TargetReport) -> Packed | Stored:
    """The packed report for the parent to hold, or where it was spooled with its JSON line
    (the report itself only when a reader will read it back, see :data:`REPORTS`)."""
    writer = _STATE.writer
    if writer is None:
        return pack(report, _STATE.index)
    render = _STATE.line
    line = utf8(render(report)) if render is not None and Prepared.LINES in _STATE.prepare else b""
    kept = (
        pickle.dumps(pack(report, _STATE.index), pickle.HIGHEST_PROTOCOL)
        if Prepared.REPORTS in _STATE.prepare
        else b""
    )
    return writer.write(kept, line)


def check_batches(
    benchmarks: Sequence[Benchmark],
    plans: list[TargetPlan],
    jobs: int,
    options: RunOptions,
    prepare: frozenset[Prepared],
    spool: Spool | None,
) -> Generator[Batch, None, None]:
    """The targets checked in ``jobs`` processes (see :func:`processes`), in ``plans``
    order, batch by batch."""
    size = max(1, min(16, len(plans) // (4 * jobs)))
    batches = cut_batches(plans, size)
    if jobs == 1:
        setup_state(benchmarks, options, prepare, spool)
        try:
            yield from map(check_batch, batches)
        finally:
            _STATE.writer = _STATE.digester = None
        return
    context = multiprocessing.get_context("fork")
    setup = (benchmarks, options, prepare, spool, os.getpid())
    # Started and stopped with signals deferred (see checker/core/signals.py): a Ctrl-C in
    # the middle of forking left threads never started and children with our handlers.
    with signals.deferred():
        pool = ProcessPoolExecutor(
            jobs, mp_context=context, initializer=worker_setup, initargs=setup
        )
    done = 0
    try:
        with signals.deferred():
            # Inside the try: a worker that dies while the batches are handed out (the
            # pool forks as it hands them) breaks the pool here already.
            results = pool.map(check_batch, batches)
        for batch in results:
            yield batch
            done += 1
    except BrokenProcessPool:
        # A worker died (killed, out of memory, a crash in a C library): the pool stops the
        # others.  The targets not handed over yet are reported as not checked.
        yield lost_batch([target for _, _, batch in batches[done:] for target in batch])
    finally:
        with signals.deferred(), quiet_cancellation():
            pool.shutdown(wait=True, cancel_futures=True)


def processes(options: RunOptions, plans: Sequence[TargetPlan]) -> int:
    """How many processes check the targets: ``--jobs``, at most one per target, and one
    where processes cannot be forked (compiled checks are closures: workers get them by
    fork, which is not everywhere)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(options.jobs, len(plans)))


def _timed_out(target: TargetPlan) -> InputError:
    where = str(target.sources[0].path) if target.sources else target.name
    message = f"not checked: took longer than {_STATE.timeout:g} s (--target-timeout)"
    return InputError(where, message)


def lost_batch(lost: Sequence[TargetPlan]) -> Batch:
    """The targets a worker that died took with it, as not checked."""
    return Batch(tuple((None, [not_checked(target)], [], set()) for target in lost), (0, ()))


def not_checked(lost: TargetPlan) -> InputError:
    where = str(lost.sources[0].path) if lost.sources else lost.name
    return InputError(
        where,
        "not checked: a worker process ended unexpectedly (killed, or out of memory) "
        "while the targets were checked",
    )
