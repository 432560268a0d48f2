"""The policy-repository commands: ``baseliner lint`` and ``baseliner test``.

They are plain click commands that checker/cli/__init__.py adds to its group.  Their failures
are :class:`~checker.core.errors.Failed` errors carrying their exit code, which
``checker.cli.exit_codes`` maps:
lint exits 2 on errors and 1 on warnings under ``--strict``; test exits 1 when a case fails.
A bad cases file, benchmark or ``--policy`` is a :class:`~checker.core.errors.PolicyError`
(exit 2) like everywhere else.
"""

from __future__ import annotations

import os
import sys
from datetime import date, datetime
from pathlib import Path

import click

from checker.cli.common import allow_outside_option, parse_output
from checker.core.errors import EXIT_ERROR, EXIT_GATE, Failed, PolicyError
from checker.core.files import working_repository, write_atomic
from checker.core.text import visible
from checker.policy.compile import Benchmark
from checker.repo import casetest, lint
from checker.repo.findings import Level, Options
from checker.reporters import cases as cases_report
from checker.reporters.lint import RENDERERS

DEFAULT_CASES = Path("policies/tests")


class LintFailed(Failed):
    """Lint found errors (exit 2), or warnings under --strict (exit 1)."""


class CasesFailed(Failed):
    """Some policy test case failed (exit 1)."""


@click.command("lint")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option(
    "-p",
    "--policy",
    "policies",
    multiple=True,
    help="Benchmarks whose check ids exceptions, plans and cases may name (repeatable) "
    "[default: the linted benchmarks and the shipped ones].",
)
@click.option(
    "--repo",
    "repository",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    default=None,
    help="The policy repository that named files are judged against: every file in it is "
    "read, the findings of the named files reported [default: when a file is named, the git "
    "top level of the working folder, else the folder; folders alone: themselves].",
)
@click.option(
    "--expiring-days",
    type=click.IntRange(0),
    default=30,
    show_default=True,
    help="Warn about exceptions expiring within this many days.",
)
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="The date expiry is judged against [default: today].",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(list(RENDERERS)),
    default="text",
    show_default=True,
)
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@allow_outside_option
def lint_command(
    paths: tuple[Path, ...],
    policies: tuple[str, ...],
    expiring_days: int,
    today: datetime | None,
    output_format: str,
    strict: bool,
    repository: Path | None,
    allow_outside: tuple[Path, ...],
) -> None:
    """Lint a policy repository: benchmarks, exceptions, plans, targets and test cases.

    PATHS are files or folders; YAML files are recognised by their content.  Named files (as
    pre-commit names the staged ones) are judged against their whole repository (--repo).
    """
    options = Options(
        policies, expiring_days, today.date() if today else date.today(), allow_outside
    )
    if repository is None and not all(path.is_dir() for path in paths):
        repository = _relative(working_repository())
    result = lint.lint(list(paths), options, repository)
    text = RENDERERS[output_format](result)
    click.echo(visible(text) if output_format == "text" else text, nl=False)
    errors, warnings = result.count(Level.ERROR), result.count(Level.WARNING)
    if errors:
        raise LintFailed(f"{errors} error(s)", EXIT_ERROR)
    if strict and warnings:
        raise LintFailed(f"{warnings} warning(s) (--strict)", EXIT_GATE)


@click.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    metavar="junit=PATH",
    help="Also write a JUnit XML report (repeatable; no path or '-' is stdout).",
)
@click.option("-v", "--verbose", is_flag=True, help="List passing cases too.")
@allow_outside_option
def test_command(
    paths: tuple[Path, ...],
    outputs: tuple[str, ...],
    verbose: bool,
    allow_outside: tuple[Path, ...],
) -> None:
    """Run policy unit tests: every *.cases.yaml under PATHS [default: policies/tests]."""
    try:
        specs = [parse_output(value, ["junit"]) for value in outputs]
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="-o/--output") from exc
    files = casetest.find_cases(paths or (DEFAULT_CASES,))
    if not files:
        raise PolicyError(", ".join(map(str, paths or (DEFAULT_CASES,))), "no *.cases.yaml found")
    loaded: dict[Path, Benchmark] = {}
    results = casetest.run([casetest.load_cases(path, loaded, allow_outside) for path in files])
    click.echo(visible(_report(results, verbose)), nl=False, err=any(s.path is None for s in specs))
    for spec in specs:
        xml = cases_report.junit(results)
        if spec.path is None:
            sys.stdout.write(xml)
        else:
            write_atomic(spec.path, xml)
    failed = sum(not result.passed for result in results)
    if failed:
        raise CasesFailed(f"{failed} case(s) failed", EXIT_GATE)


def _relative(folder: Path) -> Path:
    """``folder`` relative to the working folder when it holds it (findings then name files
    as pre-commit does), else as it is."""
    try:
        return Path(os.path.relpath(folder))
    except ValueError:  # another drive on Windows
        return folder


def _report(results: list[casetest.CaseResult], verbose: bool) -> str:
    """Failed cases with their mismatches (and passing ones when verbose), then the count."""
    lines: list[str] = []
    for result in results:
        if result.passed:
            if verbose:
                lines.append(f"PASSED {result.where} {result.case}")
            continue
        lines.append(f"FAILED {result.where} {result.case}")
        lines += [f"    {error}" for error in result.errors]
        lines += [f"    line {m.line}: {m}" for m in result.mismatches]
    passed = sum(result.passed for result in results)
    lines.append(f"{passed} passed, {len(results) - passed} failed")
    return "\n".join(lines) + "\n"
