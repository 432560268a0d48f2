"""``baseliner history`` and ``baseliner diff``: scores over time, and two runs compared."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import click

from checker.cli.common import history_option, known_checks
from checker.core.errors import GateFailed
from checker.core.text import visible
from checker.history.diff import Diff, diff, read_result, same_benchmarks
from checker.history.location import Location
from checker.history.query import Selection, common_benchmark, find_run, run_document, runs
from checker.history.store import prepare, reading
from checker.reporters.diff import render_diff
from checker.reporters.history import render_history


@click.command("history")
@history_option("The history 'check --history' records runs in.", required=True)
@click.option("--benchmark", default=None, help="Only this benchmark's series.")
@click.option("--group", default=None, help="Only this target group's series.")
@click.option(
    "--by",
    type=click.Choice(["benchmark", "group"]),
    default="benchmark",
    show_default=True,
    help="One series per benchmark over every target, or per benchmark and target group.",
)
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ"]),
    default=None,
    help="Only runs recorded at or after this date or time (UTC).",
)
@click.option(
    "--last", type=click.IntRange(min=1), default=None, help="Only the last N runs of each series."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--upgrade",
    is_flag=True,
    help="Create the history's tables, or upgrade them to this version's schema, first (a "
    "database role that owns them; pipelines' roles then only insert and select).",
)
def history_command(
    history: Location,
    benchmark: str | None,
    group: str | None,
    by: str,
    since: datetime | None,
    last: int | None,
    fmt: Literal["text", "json"],
    upgrade: bool,
) -> None:
    """Show the score over time: a series per benchmark (and per target group)."""
    if upgrade:
        prepare(history, known_checks())
    selection = Selection(
        benchmark=benchmark,
        group=group,
        by_group=by == "group",
        since=None if since is None else since.replace(tzinfo=UTC),
        last=last,
    )
    text = render_history(runs(history, selection, known_checks()), fmt)
    click.echo(text if fmt == "json" else visible(text), nl=False)


@click.command("diff")
@click.argument("old")
@click.argument("new")
@history_option("Compare two runs of this history (OLD and NEW: run ids or labels).")
@click.option("--benchmark", default=None, help="With --history: the benchmark to compare.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
)
@click.option("--fail-on-new", is_flag=True, help="Exit 1 when NEW has failures that OLD did not.")
def diff_command(
    old: str,
    new: str,
    history: Location | None,
    benchmark: str | None,
    fmt: Literal["text", "markdown", "json"],
    fail_on_new: bool,
) -> None:
    """Compare two JSON result files, or two runs of a --history: new failures, fixed checks,
    score change.  Only runs of the same benchmark compare."""
    if history is None:
        if benchmark is not None:
            raise click.UsageError("--benchmark goes with --history")
        before, after = read_result(Path(old)), read_result(Path(new))
        same_benchmarks(before, after, old, new)
        result = diff(before, after)
    else:
        result = _diff_runs(history, old, new, benchmark)
    text = render_diff(result, fmt)
    click.echo(text if fmt == "json" else visible(text), nl=False)
    if fail_on_new and result.new_failures:
        raise GateFailed(f"{len(result.new_failures)} new failure(s) since {old}")


def _diff_runs(history: Location, old: str, new: str, benchmark: str | None) -> Diff:
    with reading(history, known_checks()) as db:
        before, after = find_run(db, old), find_run(db, new)
        chosen = common_benchmark(history, before, after, benchmark)
        return diff(run_document(db, before.id, chosen), run_document(db, after.id, chosen))
