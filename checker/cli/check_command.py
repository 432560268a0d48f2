"""``baseliner check``: evaluate, score, report, record, gate."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click

from checker.cli.common import (
    CATEGORIES,
    InputParam,
    allow_outside_option,
    history_option,
    known_checks,
    say,
    selection,
)
from checker.cli.outputs import emit, output_specs, refuse_overwriting, task_outputs
from checker.core.errors import GateFailed, InputErrors
from checker.core.files import working_repository
from checker.core.results import Report, RunSummary
from checker.core.statuses import Category
from checker.history.database import HistoryError
from checker.history.location import Location
from checker.history.query import runs
from checker.history.store import record, summaries
from checker.policy.compile import Benchmark
from checker.policy.load import load_benchmarks
from checker.policy.select import select, unmatched
from checker.reporters import REPORTERS, TASK_OUTPUTS, preparations
from checker.run.options import (
    BATCH,
    TARGET_TIMEOUT,
    Executor,
    Progress,
    RunOptions,
)
from checker.run.orchestrate import run
from checker.scoring.gate import FAIL_ON, verdict
from checker.scoring.plans import load_plans
from checker.scoring.waivers import load_exceptions


class _Percent(click.FloatRange):
    """A percentage; "nan" is refused (click's range lets it through, and no score is under
    it, so the gate would never fail)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(f"{value!r} is not a number from 0 to 100", param, ctx)
        return number


def _thresholds(values: Sequence[str]) -> dict[Category, float]:
    out: dict[Category, float] = {}
    for value in values:
        name, _, number = value.partition("=")
        try:
            out[Category(name)] = percent = float(number)
        except ValueError as exc:
            raise click.BadParameter(
                f"{value!r}: expected CATEGORY=PERCENT, CATEGORY one of {', '.join(CATEGORIES)}",
                param_hint="--fail-under-category",
            ) from exc
        if not 0 <= percent <= 100:  # also refuses nan, under which no score would fail
            raise click.BadParameter(
                f"{value!r}: PERCENT is from 0 to 100", param_hint="--fail-under-category"
            )
    return out


def _selected(
    benchmarks: list[Benchmark],
    checks: Sequence[str],
    categories: Sequence[str],
    skips: Sequence[str],
) -> list[Benchmark]:
    """The checks to run; a ``--check`` pattern that matches nothing (a typo) and a selection
    that leaves nothing are usage errors, not a run that passes with 0 of 0 points."""
    missing = unmatched(benchmarks, checks)
    if missing:
        names = ", ".join(benchmark.info.id for benchmark in benchmarks)
        raise click.BadParameter(
            f"{', '.join(map(repr, missing))} matches no check of {names}", param_hint="--check"
        )
    selected = select(benchmarks, checks, categories, skips)
    if not any(benchmark.checks for benchmark in selected):
        raise click.BadParameter(
            "the selection leaves no check to run", param_hint="--check/--category/--skip"
        )
    return selected


@click.command()
@click.argument("inputs", nargs=-1, type=InputParam())
@selection
@click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    metavar="FORMAT[=PATH]",
    help=f"Report format and file or URL, repeatable. Formats: {', '.join(REPORTERS)}; "
    f"written by each batch into a folder or folder URL: {', '.join(TASK_OUTPUTS)}.",
)
@click.option(
    "-t",
    "--targets",
    "manifest",
    type=InputParam(),
    help="A targets.yaml manifest naming targets, their sources, groups and tags; or a text "
    "file of export URLs, one a line (local or at a URL).",
)
@click.option(
    "-e",
    "--exceptions",
    "exceptions_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="An exceptions file (reviewed, expiring exemptions).",
)
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A remediation plan file (due dates and owners of failing checks).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1),
    default=None,
    help="Worker processes for a fleet [default: all cores].",
)
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="The date exceptions expire and plans fall due against [default: today].",
)
@click.option(
    "--fail-under",
    type=_Percent(0, 100),
    default=None,
    help="Fail when the overall score is under this percent.",
)
@click.option(
    "--fail-under-category",
    "category_thresholds",
    multiple=True,
    metavar="CATEGORY=PERCENT",
    help="Fail when a category scores under PERCENT.",
)
@click.option(
    "--fail-on",
    multiple=True,
    type=click.Choice(FAIL_ON),
    default=("fail",),
    show_default=True,
    help="Statuses that fail the gate ('fail' includes not_configured; 'error' always does "
    "unless 'none').",
)
@click.option("--soft-fail", is_flag=True, help="Report, but never fail the gate (exit 0).")
@click.option(
    "--progress/--no-progress", default=None, help="Progress bar [default: on a terminal]."
)
@history_option(
    "Record this run's scores in this history (a file is created when absent); the HTML "
    "report draws the score over time from it."
)
@click.option(
    "--label",
    default=None,
    help="Label of the run (a git sha): stored in --history and in the Parquet rows.",
)
@click.option(
    "--source-root",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="The folder SARIF paths are relative to (the checkout code scanning sees) "
    "[default: the git top level of the working folder, else the folder].",
)
@click.option(
    "--sarif-category",
    default=None,
    metavar="CATEGORY",
    help="The code-scanning category of the SARIF run (automationDetails.id) [default: left "
    "to the uploader's category:].",
)
@allow_outside_option
@click.option(
    "--target-timeout",
    type=click.FloatRange(0),
    default=TARGET_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Give up a target that takes longer to load and check (an input error; 0: no limit).",
)
@click.option(
    "--executor",
    type=click.Choice([e.value for e in Executor]),
    default=Executor.LOCAL.value,
    show_default=True,
    help="What checks the targets: worker processes here, or a Dask cluster.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="The Dask scheduler (tcp:// or tls://) for --executor dask [default: Dask's "
    "configuration (DASK_SCHEDULER_ADDRESS), else a local cluster of --jobs workers].",
)
@click.option(
    "--batch",
    type=click.IntRange(1),
    default=BATCH,
    show_default=True,
    help="Consecutive targets per task with --executor dask.",
)
def check(
    inputs: tuple[Path | str, ...],
    policies: tuple[str, ...],
    checks: tuple[str, ...],
    skips: tuple[str, ...],
    categories: tuple[str, ...],
    outputs: tuple[str, ...],
    manifest: Path | str | None,
    exceptions_file: Path | None,
    plan_file: Path | None,
    jobs: int | None,
    today: datetime | None,
    fail_under: float | None,
    category_thresholds: tuple[str, ...],
    fail_on: tuple[str, ...],
    soft_fail: bool,
    progress: bool | None,
    history: Location | None,
    label: str | None,
    source_root: Path | None,
    sarif_category: str | None,
    allow_outside: tuple[Path, ...],
    target_timeout: float,
    executor: str,
    scheduler: str | None,
    batch: int,
) -> None:
    """Check exports (GPO backups, gpreport.xml, gpresult /x, Intune JSON) against benchmarks."""
    if not inputs and manifest is None:
        raise click.UsageError("give INPUT paths or a --targets manifest")
    specs = output_specs(outputs)
    read: dict[str, Path | None] = {
        f"the input {path}": path for path in inputs if isinstance(path, Path)
    }
    local_manifest = manifest if isinstance(manifest, Path) else None
    read |= {"the --history file": history.path if history else None}
    read |= {"the --targets manifest": local_manifest}
    read |= {"the --exceptions file": exceptions_file, "the --plan file": plan_file}
    refuse_overwriting(specs, read)
    thresholds = _thresholds(category_thresholds)
    benchmarks = _selected(load_benchmarks(policies), checks, categories, skips)
    prepare, line = preparations([spec.format for spec in specs], history is not None)
    options = RunOptions(
        jobs=jobs or os.cpu_count() or 1,
        exceptions=tuple(load_exceptions(exceptions_file)) if exceptions_file else (),
        plans=tuple(load_plans(plan_file)) if plan_file else (),
        plans_path=str(plan_file or ""),
        manifest=manifest,
        allow_outside=allow_outside,
        today=today.date() if today else date.today(),
        prepare=prepare,
        line=line,
        target_timeout=target_timeout or None,
        task_outputs=task_outputs(specs, label),
        executor=Executor(executor),
        scheduler=scheduler,
        batch=batch,
    )
    show = sys.stderr.isatty() if progress is None else progress
    with _progress_bar(show) as bar:
        report = run(benchmarks, list(inputs), options, bar)
    when = datetime.now(UTC)
    if history is not None:
        report = replace(report, history=_with_earlier_runs(report, history, label, when))
    stated = verdict(report, fail_under, thresholds, fail_on, soft_fail)
    report = replace(
        report,
        gate=stated,
        source_root=str((source_root or working_repository()).resolve()),
        category=sarif_category,
    )
    emit(report, specs)
    history_error = _record(history, report, label, when) if history else None
    for warning in report.warnings:
        say(f"warning: {warning}")
    if report.errors:
        for message in history_error.lines() if history_error else ():
            say(message)
        raise InputErrors(report.errors)
    if history_error is not None:
        raise history_error
    if not stated.passed and not soft_fail:
        raise GateFailed("; ".join(stated.reasons))


def _with_earlier_runs(
    report: Report, history: Location, label: str | None, when: datetime
) -> tuple[RunSummary, ...]:
    """The runs recorded before this one on this run's benchmarks, and this one, for the
    HTML report: the history is written after the reports (and an older schema upgraded
    then), so that a history that cannot be written loses no report."""
    this = summaries(report, label=label, at=when, run=0)
    benchmarks = {run.benchmark for run in this}
    try:
        if history.path is not None and not history.path.is_file():
            earlier: list[RunSummary] = []
        else:
            earlier = [run for run in runs(history, upgrade=False) if run.benchmark in benchmarks]
    except HistoryError:
        earlier = []  # said when recording fails the same way
    number = max((run.id for run in earlier), default=0) + 1
    return (*earlier, *(replace(run, id=number) for run in this))


def _record(
    history: Location, report: Report, label: str | None, when: datetime
) -> HistoryError | None:
    """Record the run, last; the error, for the caller to raise once the reports are out."""
    try:
        record(history, report, label=label, at=when, known=known_checks(report.benchmarks))
    except HistoryError as exc:
        return exc
    return None


class _ProgressBar:
    """Draws a bar on stderr once a run turns out to be a fleet (20 targets or more)."""

    def __init__(self) -> None:
        self._bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if total < 20:
            return
        if self._bar is None:
            self._bar = click.progressbar(length=total, label="checking", file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


@contextmanager
def _progress_bar(show: bool) -> Iterator[Progress | None]:
    if not show:
        yield None
        return
    bar = _ProgressBar()
    try:
        yield bar
    finally:
        bar.close()
