"""The orchestrator: plan targets, load each, evaluate, score, and assemble the Report.

Loaders, engine and scoring are built separately and handed to this one function; targets
are processed one at a time (or in worker processes) and only their results are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from checker import __version__
from checker.engine import evaluate
from checker.model import InputError, Report, Target, TargetReport
from checker.policy import Benchmark
from checker.scoring import Tally, target_score
from checker.targets import TargetPlan, load_target, plan


def check_target(
    benchmarks: list[Benchmark], target_plan: TargetPlan
) -> tuple[TargetReport | None, list[InputError]]:
    """Load one planned target and evaluate every check on it."""
    target, errors = load_target(target_plan)
    if target is None:
        return None, errors
    return report_target(benchmarks, target), errors


def report_target(benchmarks: Iterable[Benchmark], target: Target) -> TargetReport:
    results = evaluate(benchmarks, target)
    return TargetReport(
        name=target.name,
        sources=tuple(source.path for source in target.sources),
        results=results,
        score=target_score(results, target.name),
        group=target.group,
        tags=target.tags,
        conflicts=tuple(target.conflicts),
    )


def _checked(
    benchmarks: list[Benchmark], plans: list[TargetPlan]
) -> Iterator[tuple[TargetReport | None, list[InputError]]]:
    for target_plan in plans:
        yield check_target(benchmarks, target_plan)


def run(benchmarks: list[Benchmark], paths: list[Path]) -> Report:
    """Check every target found under ``paths`` against ``benchmarks``."""
    planned = plan(paths)
    errors = list(planned.errors)
    reports: list[TargetReport] = []
    tally = Tally()
    for target_report, target_errors in _checked(benchmarks, planned.targets):
        errors += target_errors
        if target_report is not None:
            reports.append(target_report)
            tally.add(target_report.results, target_report.name)
    return assemble(benchmarks, reports, tally, errors)


def assemble(
    benchmarks: list[Benchmark],
    reports: list[TargetReport],
    tally: Tally,
    errors: list[InputError],
) -> Report:
    return Report(
        tool_version=__version__,
        benchmarks=tuple(benchmark.info for benchmark in benchmarks),
        targets=tuple(sorted(reports, key=lambda r: r.name.casefold())),
        fleet=tally.fleet_score(),
        errors=tuple(sorted(errors, key=lambda e: (e.path, e.line or 0, e.offset or 0))),
    )
