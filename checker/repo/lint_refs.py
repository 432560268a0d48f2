"""Lint findings about what files name: check ids that exceptions, plans and cases name,
manifest sources, and benchmarks' checks that lack test cases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from checker.core.errors import PolicyError
from checker.core.globs import compile_glob
from checker.core.statuses import Status
from checker.policy.compile import Benchmark, Check
from checker.policy.load import load_benchmark, resolve, shipped_dir, shipped_names
from checker.policy.yamlsrc import load_yaml
from checker.repo.casetest import CasesFile, coverage, load_cases
from checker.repo.findings import Finding, Options, from_error
from checker.scoring.plans import load_plans
from checker.scoring.waivers import load_exceptions
from checker.targets.load import plan


def own_checks(path: Path, benchmark: Benchmark) -> list[Check]:
    """Checks defined (or overridden) in this file, not those inherited unchanged."""
    here = path.resolve()
    return [c for c in benchmark.checks if Path(c.info.origin.path).resolve() == here]


def known_ids(policies: Sequence[str], linted: list[Benchmark]) -> frozenset[str]:
    """Check ids that exceptions, plans and cases may name (see Options.policies): those of
    ``--policy``, else of the linted benchmarks and the shipped ones (a repository's
    exceptions may name the shipped benchmarks' checks it runs with ``--policy NAME``)."""
    if policies:
        paths = [path for spec in policies for path in resolve(spec)]
        chosen = [load_benchmark(path) for path in paths]
    else:
        shipped = [load_benchmark(shipped_dir() / f"{name}.yaml") for name in shipped_names()]
        chosen = [*linted, *shipped]
    return frozenset(check.info.id for benchmark in chosen for check in benchmark.checks)


def unknown(globs: str | list[str], known: frozenset[str], path: Path, line: int) -> list[Finding]:
    out = []
    for glob in [globs] if isinstance(globs, str) else globs:
        pattern = compile_glob(glob)
        if not any(pattern.fullmatch(check_id) for check_id in known):
            message = f"{glob!r} names no known check"
            out.append(Finding(str(path), line, None, "unknown-check", message))
    return out


def exception_findings(path: Path, known: frozenset[str], options: Options) -> list[Finding]:
    entries = load_exceptions(path)
    raw_entries = load_yaml(path)["exceptions"]
    soon = options.today + timedelta(days=options.expiring_days)
    findings: list[Finding] = []
    for entry, raw in zip(entries, raw_entries, strict=True):
        line = entry.origin.line or raw.line
        expires = entry.expires.isoformat()
        if entry.expires < options.today:
            message = f"exception expired on {expires} ({entry.owner}); it no longer applies"
            findings.append(Finding(str(path), line, None, "expired-exception", message))
        elif entry.expires <= soon:
            days = (entry.expires - options.today).days
            message = f"exception expires on {expires}, in {days} day(s) ({entry.owner})"
            findings.append(Finding(str(path), line, None, "expiring-exception", message))
        findings += unknown(raw["checks"], known, path, line)
    return findings


def plan_findings(path: Path, known: frozenset[str]) -> list[Finding]:
    return [
        finding
        for entry in load_plans(path)
        for finding in unknown(entry["checks"], known, path, entry.line)
    ]


def manifest_findings(path: Path, allowed: Sequence[Path] = ()) -> list[Finding]:
    planned = plan([], manifest=path, allowed=allowed)
    return [
        Finding(error.path, error.line, error.column, "missing-source", error.message)
        for error in planned.errors
    ]


def loaded_cases(
    paths: list[Path],
    findings: list[Finding],
    loaded: dict[Path, Benchmark],
    allowed: Sequence[Path] = (),
) -> list[CasesFile]:
    """The cases files that load; ``loaded`` holds the benchmarks compiled already."""
    out = []
    for path in paths:
        try:
            out.append(load_cases(path, loaded, allowed))
        except PolicyError as exc:
            findings.append(from_error(exc))
    return out


def case_findings(cases: CasesFile) -> list[Finding]:
    ids = {check.info.id for check in cases.benchmark.checks}
    return [
        Finding(
            cases.path,
            want.line,
            None,
            "unknown-check",
            f"case {case.name!r} expects {want.check!r}, not a check of {cases.benchmark.info.id}",
        )
        for case in cases.cases
        for want in case.expect
        if want.check not in ids
    ]


def conventional_cases(path: Path) -> Path:
    """Where a benchmark's cases file lives: ``tests/<stem>.cases.yaml`` beside it."""
    return path.parent / "tests" / f"{path.stem}.cases.yaml"


def untested(benchmarks: list[tuple[Path, Benchmark]], linted: list[CasesFile]) -> list[Finding]:
    """Checks of benchmarks that have cases, lacking a passing or a failing case."""
    covered: dict[Path, dict[str, set[Status]]] = {}
    extra = [
        path
        for path, _ in benchmarks
        if conventional_cases(path).is_file()
        and not any(Path(c.path).resolve() == conventional_cases(path).resolve() for c in linted)
    ]
    compiled = {path.resolve(): benchmark for path, benchmark in benchmarks}
    # Errors of cases files not being linted are reported when they are linted.
    found = loaded_cases([conventional_cases(path) for path in extra], [], compiled)
    for cases in [*linted, *found]:
        by_check = covered.setdefault(Path(cases.benchmark.info.path).resolve(), {})
        for check_id, seen in coverage(cases).items():
            by_check.setdefault(check_id, set()).update(seen)
    findings = []
    for path, benchmark in benchmarks:
        statuses = covered.get(path.resolve())
        if statuses is None:
            continue
        for check in own_checks(path, benchmark):
            missing = [
                s.value for s in (Status.PASS, Status.FAIL) if s not in statuses[check.info.id]
            ]
            if missing:
                origin = check.info.origin
                message = (
                    f"check {check.info.id!r} has no test case expecting {' or '.join(missing)}"
                )
                findings.append(Finding(origin.path, origin.line, None, "untested-check", message))
    return findings
