"""``baseliner history`` and ``baseliner diff``: scores over time, and two runs compared."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import click

from checker.core.errors import GateFailed
from checker.core.text import visible
from checker.history.diff import diff, read_result
from checker.history.store import runs
from checker.reporters.diff import render_diff
from checker.reporters.history import render_history


@click.command("history")
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


@click.command("diff")
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
