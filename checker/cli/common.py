"""What the commands share: messages on stderr, the check selection options, output specs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from checker.core.remote import is_url
from checker.core.results import BenchmarkInfo
from checker.core.statuses import Category
from checker.core.text import visible
from checker.history.location import Location, parse_location
from checker.history.schema import KnownChecks
from checker.policy.load import load_benchmarks, shipped_names

CATEGORIES = [category.value for category in Category]

Decorated = TypeVar("Decorated", bound=Callable[..., Any])


def say(message: str) -> None:
    """A message on stderr; they quote file and exported names, so control characters are
    shown, not obeyed (see :func:`checker.core.text.visible`)."""
    click.echo(visible(message), err=True)


policy_option = click.option(
    "-p",
    "--policy",
    "policies",
    multiple=True,
    required=True,
    help="Shipped benchmark name, file or folder (repeatable).",
)


allow_outside_option = click.option(
    "--allow-outside",
    "allow_outside",
    multiple=True,
    metavar="PATH",
    type=click.Path(path_type=Path, file_okay=False),
    help="A folder out of the repository that manifests and test cases may name (repeatable).",
)


def selection(function: Any) -> Any:
    """The benchmarks and which of their checks run: ``--policy``, ``--check``, ``--skip``,
    ``--category``."""
    for decorator in reversed(
        [
            policy_option,
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


@dataclass(frozen=True, slots=True)
class OutputSpec:
    format: str
    path: Path | None
    """None means standard output (unless ``url``)."""
    url: str | None = None
    """Where the output goes when it goes to a URL (``-o json=s3://bucket/fleet.json``)."""


def parse_output(spec: str, known: list[str], urls: bool = False) -> OutputSpec:
    """``junit=reports/junit.xml`` -> OutputSpec; no path or ``-`` means stdout; a URL is
    kept as one where ``urls`` are taken."""
    name, _, path = spec.partition("=")
    if name not in known:
        raise ValueError(f"unknown output format {name!r} (known: {', '.join(known)})")
    if urls and is_url(path):
        return OutputSpec(name, None, path)
    return OutputSpec(name, None if path in ("", "-") else Path(path))


class HistoryStore(click.ParamType):  # type: ignore[type-arg]
    """``--history``: a SQLite file (a path or ``sqlite:///PATH``) or ``postgresql://…``."""

    name = "FILE|URL"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, Location):
            return value
        try:
            return parse_location(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def history_option(help_text: str, *, required: bool = False) -> Callable[[Decorated], Decorated]:
    return click.option(
        "--history",
        "history",
        type=HistoryStore(),
        required=required,
        default=None,
        help=help_text + " A file, sqlite:///PATH or postgresql://USER@HOST/DB (the password in "
        "PGPASSWORD or ~/.pgpass; TLS with ?sslmode=verify-full).",
    )


def known_checks(at_hand: tuple[BenchmarkInfo, ...] = ()) -> KnownChecks:
    """Check id -> benchmark of the shipped benchmarks and ``at_hand``: what an upgrade
    from schema 1, which kept no benchmark, reads (loaded only when one happens)."""

    def load() -> dict[str, str]:
        known = {
            check.id: check.benchmark
            for benchmark in load_benchmarks(shipped_names())
            for check in benchmark.info.checks
        }
        known.update((check.id, check.benchmark) for info in at_hand for check in info.checks)
        return known

    return load


class InputParam(click.ParamType):  # type: ignore[type-arg]  # generic in click 8.2+
    """An input: a URL (kept as text, see checker/core/remote.py) or a local path."""

    name = "path_or_url"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, Path) or is_url(value):
            return value
        return Path(value)
