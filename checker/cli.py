"""The command line.  Only this module prints, and :func:`main` alone maps errors to exit codes.

Exit codes (DESIGN §7): 0 passed; 1 the gate failed; 2 usage, policy or input error.
"""

from __future__ import annotations

import functools
import json
import math
import os
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import click

from checker import __version__
from checker.cli_repo import Failed, lint_command, test_command
from checker.diff import DiffInputError, diff, read_result, render_diff
from checker.engine import evaluate
from checker.exceptions import load_exceptions
from checker.history import HistoryError, RunSummary, record, render_history, runs
from checker.loaders import intune
from checker.mapping import coverage, crosscheck_osconfig, load_mapping
from checker.model import Category, InputError, InputFormatError, Report, Status
from checker.outputs import OutputSpec, chunks, parse_output, visible, write_atomic
from checker.plans import load_plans
from checker.policy import (
    Benchmark,
    iter_checks,
    load_benchmarks,
    select,
    shipped_dir,
    shipped_names,
    unmatched,
)
from checker.reporters import REPORTERS, html
from checker.runner import Progress, RunOptions, run
from checker.targets import read_targets
from checker.yamlsrc import PolicyError

EXIT_OK, EXIT_GATE, EXIT_ERROR = 0, 1, 2
CATEGORIES = [category.value for category in Category]


class InputErrors(Exception):
    """Raised after all output is written, when some input could not be read."""

    def __init__(self, errors: Sequence[InputError]) -> None:
        super().__init__(f"{len(errors)} input error(s)")
        self.errors = errors


SHOWN_PER_MESSAGE = 20
"""Input errors shown on the terminal with one message; the reports list them all."""


def error_lines(errors: Sequence[InputError]) -> Iterator[str]:
    """A line per input error, but at most :data:`SHOWN_PER_MESSAGE` with one message and then
    how many more: a worker that dies leaves every target it did not hand over "not
    checked", thousands in a large fleet."""
    total = Counter(error.message for error in errors)
    seen: Counter[str] = Counter()
    for error in errors:
        seen[error.message] += 1
        if seen[error.message] <= SHOWN_PER_MESSAGE:
            yield f"input error: {error}"
        elif seen[error.message] == SHOWN_PER_MESSAGE + 1:
            more = total[error.message] - SHOWN_PER_MESSAGE
            yield f"input error: {more:,} more file(s): {error.message}"


class GateFailed(Exception):
    """The results are below the gate set by --fail-under / --fail-on."""


def _say(message: str) -> None:
    """A message on stderr; they quote file and exported names, so control characters are
    shown, not obeyed (see :func:`checker.outputs.visible`)."""
    click.echo(visible(message), err=True)


@contextmanager
def _exit_codes() -> Iterator[list[int]]:
    """The one place that turns exceptions into exit codes and messages on stderr."""
    code = [EXIT_OK]
    try:
        yield code
    except PolicyError as exc:
        _say(f"policy error: {exc}")
        code[0] = EXIT_ERROR
    except InputErrors as exc:
        for line in error_lines(exc.errors):
            _say(line)
        code[0] = EXIT_ERROR
    except GateFailed as exc:
        _say(f"gate failed: {exc}")
        code[0] = EXIT_GATE
    except Failed as exc:
        _say(str(exc))
        code[0] = exc.exit_code
    except click.exceptions.Exit as exc:
        code[0] = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code[0] = EXIT_ERROR
    except click.exceptions.Abort:
        _say("aborted")
        code[0] = EXIT_ERROR
    except HistoryError as exc:
        _say(f"history error: {exc}")
        code[0] = EXIT_ERROR
    except DiffInputError as exc:
        _say(f"input error: {exc.error}")
        code[0] = EXIT_ERROR
    except OSError as exc:
        _say(f"error: {exc}")
        code[0] = EXIT_ERROR
    except Exception as exc:  # a bug of ours: say so in one line, never a traceback
        if os.environ.get("BASELINER_DEBUG"):
            raise
        _say(f"internal error: {type(exc).__name__}: {exc} (set BASELINER_DEBUG=1 for details)")
        code[0] = EXIT_ERROR


def _tolerant_streams() -> None:
    """Text written to the terminal or a pipe keeps a lone surrogate as its escape, as
    reports do (see :func:`checker.outputs.utf8`)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_streams()
    with _exit_codes() as code:
        cli.main(
            args=list(argv) if argv is not None else None,
            standalone_mode=False,
            prog_name="baseliner",
        )
    return code[0]


def entry() -> None:
    sys.exit(main())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="baseliner")
def cli() -> None:
    """Check Windows Group Policy and Intune exports against security baselines."""


def _emit(report: Report, specs: list[OutputSpec], history: list[RunSummary] | None = None) -> None:
    for spec in specs:
        render = REPORTERS[spec.format]
        if spec.format == "html" and history is not None:
            render = functools.partial(html.render, history=history)
        data = render(report)
        if spec.path is None:
            sys.stdout.flush()
            for chunk in chunks(data):
                sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
        else:
            write_atomic(spec.path, data)


def _outputs(values: Sequence[str]) -> list[OutputSpec]:
    try:
        specs = [parse_output(value, list(REPORTERS)) for value in values or ["console"]]
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="-o/--output") from exc
    if sum(spec.path is None for spec in specs) > 1:
        raise click.BadParameter("only one output can go to stdout", param_hint="-o/--output")
    return specs


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


def gate(
    report: Report,
    fail_under: float | None,
    category_thresholds: dict[Category, float],
    fail_on: Sequence[str],
) -> list[str]:
    """Reasons the run fails its gate (empty: it passes)."""
    reasons: list[str] = []
    statuses = {"fail": (Status.FAIL, Status.NOT_CONFIGURED), "uncertain": (Status.UNCERTAIN,)}
    counts: dict[Status, int] = {}
    for fleet_check in report.fleet.checks:  # the fleet's tallies: no pass over the targets
        for status, number in fleet_check.statuses:
            counts[status] = counts.get(status, 0) + number
    for name in fail_on:
        gating = statuses.get(name, ())
        count = sum(counts.get(status, 0) for status in gating)
        if count:
            reasons.append(f"{count} result(s) {'/'.join(s.value for s in gating)}")
    fleet = report.fleet
    if fail_under is not None and fleet.overall.percent < fail_under:
        reasons.append(f"score {fleet.overall.percent:.1f}% is under {fail_under:g}%")
    categories = dict(fleet.categories)
    for category, threshold in category_thresholds.items():
        score = categories.get(category)
        if score is not None and score.percent < threshold:
            reasons.append(f"{category.value} score {score.percent:.1f}% is under {threshold:g}%")
    return reasons


def _selection(function: Any) -> Any:
    for decorator in reversed(
        [
            click.option(
                "-p",
                "--policy",
                "policies",
                multiple=True,
                required=True,
                help="Shipped benchmark name, file or folder (repeatable).",
            ),
            click.option(
                "-c",
                "--check",
                "checks",
                multiple=True,
                help="Only checks whose id matches this glob (repeatable).",
            ),
            click.option(
                "--skip",
                "skips",
                multiple=True,
                help="Leave out checks whose id matches this glob (repeatable).",
            ),
            click.option(
                "--category",
                "categories",
                multiple=True,
                type=click.Choice(CATEGORIES),
                help="Only checks of this category.",
            ),
        ]
    ):
        function = decorator(function)
    return function


@cli.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@_selection
@click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    metavar="FORMAT[=PATH]",
    help=f"Report format and file, repeatable. Formats: {', '.join(REPORTERS)}.",
)
@click.option(
    "-t",
    "--targets",
    "manifest",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A targets.yaml manifest naming targets, their sources, groups and tags.",
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
    type=click.Choice(["fail", "uncertain", "none"]),
    default=("fail",),
    show_default=True,
    help="Statuses that fail the gate ('fail' includes not_configured).",
)
@click.option("--soft-fail", is_flag=True, help="Report, but never fail the gate (exit 0).")
@click.option(
    "--progress/--no-progress", default=None, help="Progress bar [default: on a terminal]."
)
@click.option(
    "--history",
    "history_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Record this run's scores in this SQLite file (created when absent); the HTML report "
    "draws the score over time from it.",
)
@click.option("--label", default=None, help="Label stored with the run in --history (a git sha).")
def check(
    inputs: tuple[Path, ...],
    policies: tuple[str, ...],
    checks: tuple[str, ...],
    skips: tuple[str, ...],
    categories: tuple[str, ...],
    outputs: tuple[str, ...],
    manifest: Path | None,
    exceptions_file: Path | None,
    plan_file: Path | None,
    jobs: int | None,
    today: datetime | None,
    fail_under: float | None,
    category_thresholds: tuple[str, ...],
    fail_on: tuple[str, ...],
    soft_fail: bool,
    progress: bool | None,
    history_file: Path | None,
    label: str | None,
) -> None:
    """Check exports (GPO backups, gpreport.xml, gpresult /x, Intune JSON) against benchmarks."""
    if not inputs and manifest is None:
        raise click.UsageError("give INPUT paths or a --targets manifest")
    specs = _outputs(outputs)
    thresholds = _thresholds(category_thresholds)
    benchmarks = _selected(load_benchmarks(policies), checks, categories, skips)
    options = RunOptions(
        jobs=jobs or os.cpu_count() or 1,
        exceptions=tuple(load_exceptions(exceptions_file)) if exceptions_file else (),
        plans=tuple(load_plans(plan_file)) if plan_file else (),
        plans_path=str(plan_file or ""),
        manifest=manifest,
        today=today.date() if today else date.today(),
        formats=frozenset(spec.format for spec in specs),
        recorded=history_file is not None,
    )
    show = sys.stderr.isatty() if progress is None else progress
    with _progress_bar(show) as bar:
        report = run(benchmarks, list(inputs), options, bar)
    history = None
    if history_file is not None:
        record(history_file, report, label=label)
        history = runs(history_file)
    _emit(report, specs, history)
    for warning in report.warnings:
        _say(f"warning: {warning}")
    if report.errors:
        raise InputErrors(report.errors)
    reasons = gate(report, fail_under, thresholds, [] if "none" in fail_on else fail_on)
    if reasons and not soft_fail:
        raise GateFailed("; ".join(reasons))


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


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
def normalize(inputs: tuple[Path, ...]) -> None:
    """Print the device document of each target as JSON, with the origin of every fact."""
    errors: list[InputError] = []
    documents = [
        {
            "name": target.name,
            "sources": [source.path for source in target.sources],
            "meta": target.meta,
            "document": target.document(),
            "conflicts": [conflict.to_json() for conflict in target.conflicts],
        }
        for target in read_targets(list(inputs), errors)
    ]
    click.echo(json.dumps({"targets": documents}, indent=2, ensure_ascii=False, default=str))
    if errors:
        raise InputErrors(errors)


@cli.command()
@click.argument("check_id", metavar="CHECK")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option(
    "-p",
    "--policy",
    "policies",
    multiple=True,
    required=True,
    help="Shipped benchmark name, file or folder (repeatable).",
)
def explain(check_id: str, input_path: Path, policies: tuple[str, ...]) -> None:
    """Show how one check judges one export: what it reads, the value, origin and verdict."""
    benchmarks = select(load_benchmarks(policies), [check_id])
    found = list(iter_checks(benchmarks))
    if not found:
        raise click.BadParameter(f"no check {check_id!r} in {', '.join(policies)}")
    errors: list[InputError] = []
    for target in read_targets([input_path], errors):
        for check_, result in zip(found, evaluate(benchmarks, target), strict=True):
            info = check_.info
            lines = [
                f"target:    {target.name}",
                f"check:     {info.id}  {info.title}",
                f"defined:   {info.origin}",
                f"reads:     {info.setting}",
                f"expected:  {info.expected}",
                f"actual:    {json.dumps(result.actual, ensure_ascii=False)}",
                f"status:    {result.status.value}",
            ]
            lines += [f"origin:    {origin}" for origin in result.origins]
            if check_.kind is not None and (fact := target.lookup(check_.kind, check_.key)):
                lines.append(f"fact:      {json.dumps(fact.entry(), ensure_ascii=False)}")
            if result.reason:
                lines.append(f"reason:    {result.reason}")
            if info.remediation:
                lines.append(f"remedy:    {info.remediation}")
            click.echo(visible("\n".join(lines) + "\n"))
    if errors:
        raise InputErrors(errors)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def policies(as_json: bool) -> None:
    """List the shipped benchmarks with their check counts and categories."""
    rows: list[dict[str, Any]] = []
    for name in shipped_names():
        benchmark = load_benchmarks([str(shipped_dir() / f"{name}.yaml")])[0]
        counts: dict[str, int] = {}
        for info in benchmark.info.checks:
            counts[info.category.value] = counts.get(info.category.value, 0) + 1
        rows.append(
            {
                "id": benchmark.info.id,
                "title": benchmark.info.title,
                "version": benchmark.info.version,
                "checks": len(benchmark.checks),
                "categories": dict(sorted(counts.items())),
            }
        )
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        categories: dict[str, int] = row["categories"]
        cats = ", ".join(f"{name} {n}" for name, n in categories.items())
        click.echo(f"{row['id']:<36} {row['checks']:>4} checks  {row['title']}\n{'':<36} {cats}")


@cli.command()
@click.argument("search", required=False)
@click.option(
    "--coverage",
    "coverage_paths",
    multiple=True,
    type=click.Path(path_type=Path, exists=True),
    help="Intune exports: count their settings mapped exactly, partially or not at all.",
)
@click.option(
    "--osconfig",
    type=click.Path(path_type=Path, exists=True),
    help="OSConfig baseline CSVs: report the table's agreement with their CSP/registry pairs.",
)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def mapping(
    search: str | None, coverage_paths: tuple[Path, ...], osconfig: Path | None, as_json: bool
) -> None:
    """Show the Intune -> Group Policy mapping table, its coverage of exports, and its
    agreement with OSConfig.  SEARCH filters entries by setting id or registry key."""
    table = load_mapping()
    out: dict[str, Any] = {"entries": len(table.entries)}
    if coverage_paths:
        sources, errors = [], []
        for path in coverage_paths:
            try:
                sources += intune.load(path)
            except InputFormatError as exc:
                errors.append(exc.error)
        found = coverage(sources, table)
        out["coverage"] = {
            "settings": found.total,
            "exact": found.exact,
            "partial": found.partial,
            "unmapped": found.unmapped,
            "with_gp_equivalent": found.with_gp_equivalent,
            "mapped_with_gp_equivalent": found.mapped_with_gp_equivalent,
            "mapped_percent_of_gp_equivalent": round(float(100 * found.equivalent_ratio), 1),
        }
        if errors:
            raise InputErrors(errors)
    if osconfig is not None:
        cross = crosscheck_osconfig(osconfig, table)
        out["osconfig"] = {
            "compared": cross.compared,
            "agreeing": cross.agreeing,
            "agreement_percent": round(float(100 * cross.agreement), 1),
            "disagreements": [
                {"setting": d.setting, "osconfig": d.osconfig, "table": list(d.table)}
                for d in cross.disagreements
            ],
            "not_in_table": list(cross.only_osconfig),
        }
    if search is not None or not (coverage_paths or osconfig):
        needle = (search or "").casefold()
        out["matches"] = [
            {
                "setting": entry.id,
                "confidence": entry.confidence.value,
                "reason": entry.reason,
                "targets": [f"{t.kind.value}:{t.key}" for t in entry.targets],
            }
            for entry in sorted(table.entries.values(), key=lambda e: e.id)
            if needle in entry.id or any(needle in t.key.casefold() for t in entry.targets)
        ]
    click.echo(json.dumps(out, indent=2) if as_json else _mapping_text(out))


def _mapping_text(out: dict[str, Any]) -> str:
    lines = [f"mapping table: {out['entries']} Intune settings mapped"]
    if "coverage" in out:
        c = out["coverage"]
        lines.append(
            f"coverage: {c['settings']} settings: {c['exact']} exact, {c['partial']} partial, "
            f"{c['unmapped']} unmapped; {c['mapped_with_gp_equivalent']}/"
            f"{c['with_gp_equivalent']} ({c['mapped_percent_of_gp_equivalent']}%) of those with"
            " a Group Policy equivalent are mapped"
        )
    if "osconfig" in out:
        o = out["osconfig"]
        lines.append(
            f"osconfig: {o['agreeing']}/{o['compared']} pairs agree "
            f"({o['agreement_percent']}%), {len(o['not_in_table'])} OSConfig pairs not in table"
        )
        lines += [
            f"  differs: {d['setting']}: osconfig {d['osconfig']}" for d in o["disagreements"]
        ]
    for match in out.get("matches", []):
        reason = f" ({match['reason']})" if match["reason"] else ""
        lines.append(f"{match['setting']}  [{match['confidence']}]{reason}")
        lines += [f"    -> {target}" for target in match["targets"]]
    return "\n".join(lines)


@cli.command("history")
@click.option(
    "--history",
    "history_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The SQLite file 'check --history' records runs in.",
)
@click.option("--last", type=click.IntRange(min=1), default=None, help="Only the last N runs.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def history_command(history_file: Path, last: int | None, fmt: Literal["text", "json"]) -> None:
    """Show the score over time per category from a --history file."""
    text = render_history(runs(history_file, last=last), fmt)
    click.echo(text if fmt == "json" else visible(text), nl=False)


@cli.command("diff")
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
)
@click.option("--fail-on-new", is_flag=True, help="Exit 1 when NEW has failures that OLD did not.")
def diff_command(
    old: Path, new: Path, fmt: Literal["text", "markdown", "json"], fail_on_new: bool
) -> None:
    """Compare two JSON result files: new failures, fixed checks, score change."""
    result = diff(read_result(old), read_result(new))
    text = render_diff(result, fmt)
    click.echo(text if fmt == "json" else visible(text), nl=False)
    if fail_on_new and result.new_failures:
        raise GateFailed(f"{len(result.new_failures)} new failure(s) since {old}")


cli.add_command(lint_command, "lint")
cli.add_command(test_command, "test")
