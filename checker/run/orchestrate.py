"""The orchestrator: plan targets, check each, collect them, and assemble the Report.

Loaders, engine, scoring and the reporters' preparations are built separately and handed to
:func:`run` (the reporters' through :class:`~checker.run.options.RunOptions`).  Targets are
checked in batches of consecutive targets, in worker processes when ``jobs > 1``; each
target's results are packed compactly, tallied for the fleet score, and spooled to a
temporary file when the fleet is large, so memory holds the fleet's tallies and one target at
a time, not the whole fleet (see checker/run/pool.py for the workers' share).
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Generator, Sequence
from contextlib import closing
from pathlib import Path

from checker import __version__
from checker.core.errors import InputError
from checker.core.results import CheckInfo, FleetScore, PlanItem, Report, TargetReport
from checker.policy.compile import Benchmark
from checker.policy.select import iter_checks
from checker.run.housekeeping import collecting_less
from checker.run.options import SPOOL_ABOVE, Executor, Prepared, Progress, RunOptions, preparing
from checker.run.partition import merge_partition, setup
from checker.run.pool import (
    Batch,
    Checked,
    check_batches,
    cut_batches,
    digester,
    lost_batch,
    order_of,
    processes,
)
from checker.run.spool import Spool, SpooledTargets, Stored, unpack, unpack_result
from checker.scoring.plans import plan_states
from checker.scoring.tally import PackedTally, Tally
from checker.scoring.waivers import Exemptions
from checker.targets.load import plan
from checker.targets.plans import Plan, TargetPlan


class Collector:
    """The parent's share of a run: merge the batches' tallies, keep each target (in
    memory, or index it in the spool for a large fleet), and digest its findings when an
    output will want the digest."""

    def __init__(
        self,
        infos: Sequence[CheckInfo],
        spooled: bool,
        prepare: frozenset[Prepared],
        processes: int,
    ):
        self._infos = infos
        self.spooled = spooled
        self.prepare = prepare
        self.processes = processes
        """How many processes check the targets (see :func:`processes`)."""
        self.tally = Tally()
        self._spool = (
            SpooledTargets(infos, processes, Prepared.REPORTS in prepare) if spooled else None
        )
        self._kept: list[TargetReport] = []
        self._digester = digester(prepare)

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

    def receive(self, data: bytes) -> Batch:
        """A batch checked on a cluster (see checker/run/partition.py); a spooled run's
        targets go to the driver's spool."""
        return merge_partition(data, self._spool)

    def add(self, checked: Checked, number: int) -> None:
        """Keep the run's ``number``-th target (its results are in its batch's tally)."""
        if isinstance(checked.kept, Stored):
            self._index(checked, checked.kept, number)
        else:
            self._kept.append(unpack(checked.kept, self._infos))

    def _index(self, checked: Checked, stored: Stored, number: int) -> None:
        spool = self._spool
        assert spool is not None, "only a spooled run's workers store their targets"
        if self._digester is not None:
            order = order_of(checked.name, number)
            for row in checked.findings:
                result = unpack_result(row, self._infos)
                self._digester.offer(checked.name, result, order, checked.export)
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
    paths: Sequence[Path | str],
    options: RunOptions | None = None,
    progress: Progress | None = None,
) -> Report:
    """Check every target found under ``paths`` (or named by the manifest) against
    ``benchmarks``; see the module docstring."""
    options = options or RunOptions()
    planned = plan(paths, options.manifest, options.allow_outside)
    spooled = len(planned.targets) > SPOOL_ABOVE
    prepare = preparing(options, spooled)
    infos = [check.info for check in iter_checks(benchmarks)]
    local = options.executor is Executor.LOCAL and options.engine is None
    # On a cluster the driver's spool is one file, which it writes itself.
    checking = processes(options, planned.targets) if local else 1
    collector = Collector(infos, spooled, prepare, checking)
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
    collector: Collector,
    progress: Progress | None,
) -> Report:
    """Check the planned targets into ``collector`` and assemble the report."""
    errors = list(planned.errors)
    matched: set[int] = set()
    total = len(planned.targets)
    prepare = collector.prepare
    batches = (
        check_batches(
            benchmarks, planned.targets, collector.processes, options, prepare, collector.spool
        )
        if options.executor is Executor.LOCAL and options.engine is None
        else _on_cluster(benchmarks, planned.targets, options, collector)
    )
    done = 0
    numbers = array("q")  # the plan number of each collected target, in arrival order
    repairs: list[InputError] = []
    with closing(batches), collecting_less():
        for batch in batches:
            collector.merge(batch.tally)
            for checked, target_errors, target_warnings, hits in batch.outcomes:
                errors += target_errors
                repairs += target_warnings
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
    warnings += dict.fromkeys(repairs)  # a report split into targets repaired once
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


def _on_cluster(
    benchmarks: Sequence[Benchmark],
    plans: Sequence[TargetPlan],
    options: RunOptions,
    collector: Collector,
) -> Generator[Batch, None, None]:
    """The targets checked on a cluster (Dask's, or ``options.engine``), batch by batch in
    plan order."""
    engine = options.engine
    if engine is None:
        from checker.run import cluster  # the optional extra, imported only when asked for

        engine = cluster.check_batches
    data = setup(benchmarks, options, collector.prepare, collector.spooled)
    for result in engine(data, cut_batches(plans, options.batch), options):
        yield lost_batch(result[2]) if isinstance(result, tuple) else collector.receive(result)


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
