"""The orchestrator: plan targets, load and evaluate each, score, and assemble the Report.

Loaders, engine and scoring are built separately and handed to :func:`run`.  Targets are
checked one at a time, in worker processes when ``jobs > 1``; each target's results are
packed compactly, tallied for the fleet score, and spooled to a temporary file when the fleet
is large, so memory holds the fleet's tallies and one target at a time, not the whole fleet.
"""

from __future__ import annotations

import multiprocessing
import pickle
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any, overload

from checker import __version__
from checker.engine import evaluate
from checker.exceptions import Entry, Exemptions
from checker.model import (
    CheckInfo,
    InputError,
    PlanItem,
    Report,
    Result,
    Status,
    Target,
    TargetReport,
)
from checker.plans import plan_states
from checker.policy import Benchmark, iter_checks
from checker.scoring import Tally, target_score
from checker.targets import TargetPlan, load_target, plan
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


Packed = tuple[Any, ...]
"""A TargetReport with each result's CheckInfo replaced by its index (cheap to pickle)."""


def _pack(report: TargetReport, index: dict[str, int]) -> Packed:
    results = tuple(
        (
            index[r.check.id],
            r.status.value,
            r.actual,
            r.origins,
            r.reason,
            r.via,
            r.lean.value if r.lean else None,
            r.exception,
        )
        for r in report.results
    )
    return (
        report.name,
        report.sources,
        results,
        report.score,
        report.group,
        report.tags,
        report.conflicts,
    )


def _unpack(packed: Packed, infos: Sequence[CheckInfo]) -> TargetReport:
    name, sources, results, score, group, tags, conflicts = packed
    return TargetReport(
        name=name,
        sources=sources,
        results=tuple(
            Result(
                infos[i],
                Status(status),
                actual,
                origins,
                reason,
                via,
                Status(lean) if lean else None,
                exception,
            )
            for i, status, actual, origins, reason, via, lean, exception in results
        ),
        score=score,
        group=group,
        tags=tags,
        conflicts=conflicts,
    )


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


_STATE = _WorkerState()


def _setup(benchmarks: Sequence[Benchmark], options: RunOptions) -> None:
    _STATE.benchmarks = benchmarks
    _STATE.index = {c.info.id: i for i, c in enumerate(iter_checks(benchmarks))}
    _STATE.exemptions = Exemptions(list(options.exceptions), options.today)


def _check(target_plan: TargetPlan) -> tuple[Packed | None, list[InputError], set[int]]:
    target, errors = load_target(target_plan)
    if target is None:
        return None, errors, set()
    _STATE.exemptions.matched.clear()
    report = report_target(_STATE.benchmarks, target, _STATE.exemptions)
    return _pack(report, _STATE.index), errors, set(_STATE.exemptions.matched)


def _checked(
    benchmarks: Sequence[Benchmark], plans: list[TargetPlan], options: RunOptions
) -> Iterator[tuple[Packed | None, list[InputError], set[int]]]:
    jobs = max(1, min(options.jobs, len(plans)))
    if jobs == 1 or "fork" not in multiprocessing.get_all_start_methods():
        # Compiled checks are closures: workers get them by fork, which is not everywhere.
        _setup(benchmarks, options)
        yield from map(_check, plans)
        return
    chunk = max(1, min(16, len(plans) // (4 * jobs)))
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, _setup, (benchmarks, options)) as pool:
        yield from pool.imap(_check, plans, chunksize=chunk)


class SpooledTargets(Sequence[TargetReport]):
    """Target reports kept in a temporary file and read back one at a time, in name order."""

    def __init__(self, infos: Sequence[CheckInfo]) -> None:
        self._infos = infos
        # Closed when the spool is collected; it lives as long as the Report does.
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="baseliner-")  # noqa: SIM115
        self._index: list[tuple[str, int]] = []

    def append(self, packed: Packed) -> None:
        self._index.append((str(packed[0]).casefold(), self._file.seek(0, 2)))
        pickle.dump(packed, self._file, protocol=pickle.HIGHEST_PROTOCOL)

    def seal(self) -> None:
        self._index.sort()
        self._file.flush()

    def __len__(self) -> int:
        return len(self._index)

    @overload
    def __getitem__(self, item: int) -> TargetReport: ...

    @overload
    def __getitem__(self, item: slice) -> Sequence[TargetReport]: ...

    def __getitem__(self, item: int | slice) -> TargetReport | Sequence[TargetReport]:
        if isinstance(item, slice):
            return [self[i] for i in range(*item.indices(len(self)))]
        self._file.seek(self._index[item][1])
        packed: Packed = pickle.load(self._file)
        return _unpack(packed, self._infos)

    def __iter__(self) -> Iterator[TargetReport]:
        for i in range(len(self)):
            yield self[i]


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
    infos = [check.info for check in iter_checks(benchmarks)]
    errors = list(planned.errors)
    tally = Tally()
    matched: set[int] = set()
    spool = SpooledTargets(infos) if len(planned.targets) > SPOOL_ABOVE else None
    kept: list[TargetReport] = []
    total = len(planned.targets)
    for done, (packed, target_errors, hits) in enumerate(
        _checked(benchmarks, planned.targets, options), 1
    ):
        errors += target_errors
        matched |= hits
        if packed is not None:
            report = _unpack(packed, infos)
            tally.add(report.results, report.name)
            if spool is not None:
                spool.append(packed)
            else:
                kept.append(report)
        if progress is not None:
            progress(done, total)
    targets: Sequence[TargetReport]
    if spool is not None:
        spool.seal()
        targets = spool
    else:
        targets = tuple(sorted(kept, key=lambda r: r.name.casefold()))
    fleet = tally.fleet_score()
    exemptions = Exemptions(list(options.exceptions), options.today, matched)
    warnings = exemptions.warnings()
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


def _error_order(error: InputError) -> tuple[str, int, int]:
    return (error.path, error.line or 0, error.offset or 0)
