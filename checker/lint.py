"""Lint every file a policy repository holds: benchmarks, exceptions, plans, targets, cases.

Files are classified by content (the top-level key: ``checks`` a benchmark, ``exceptions``,
``plans``, ``targets``, ``cases``), each is linted on its own, and one bad file never hides
the findings of the others.  A finding has a file, line, column, rule and message; the rules
are listed in :data:`RULES` with their level: errors are what would stop ``baseliner check``
(or make it wrong), warnings are what a reviewer should look at.

Benchmarks related by ``extends`` form one *family*: a profile shares its base's check ids
legitimately, so duplicate ids and duplicate checks are only looked for across families.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from checker import __version__
from checker.casetest import CasesFile, coverage, load_cases
from checker.exceptions import compile_glob, load_exceptions
from checker.model import JSON, Status
from checker.outputs import utf8
from checker.plans import load_plans
from checker.policy import (
    AppliesTo,
    Benchmark,
    Check,
    compile_benchmark,
    load_benchmark,
    resolve,
    shipped_dir,
    shipped_names,
)
from checker.reporters.sarif import artifact_uri
from checker.targets import plan
from checker.yamlsrc import PolicyError, classify, load_yaml, yaml_files_under

SCHEMA_VERSION = 1


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    level: Level
    description: str


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule("yaml-syntax", Level.ERROR, "The file is not readable YAML (or has duplicate keys)."),
        Rule(
            "invalid",
            Level.ERROR,
            "The file breaks its schema, or an expression, key or reference in it does not "
            "compile (JMESPath, regular expression, setting reference, extends).",
        ),
        Rule(
            "duplicate-id",
            Level.ERROR,
            "Two benchmarks that are not related by 'extends' define the same check id; they "
            "cannot be loaded together.",
        ),
        Rule(
            "unrecognized",
            Level.WARNING,
            "A YAML file named on the command line is none of benchmark, exceptions, plans, "
            "targets or cases.",
        ),
        Rule("expired-exception", Level.WARNING, "An exception has expired and no longer applies."),
        Rule("expiring-exception", Level.WARNING, "An exception expires within --expiring-days."),
        Rule(
            "unknown-check",
            Level.WARNING,
            "An exception, plan entry or test case names a check (id or glob) that no known "
            "benchmark has.",
        ),
        Rule("missing-remediation", Level.WARNING, "A check has no remediation text."),
        Rule("missing-references", Level.WARNING, "A check has no references."),
        Rule(
            "duplicate-check",
            Level.WARNING,
            "A check reads the same setting with the same expectation as a check of another "
            "benchmark family that can apply to the same targets: the two always agree and "
            "count twice.",
        ),
        Rule(
            "untested-check",
            Level.WARNING,
            "A check of a benchmark that has test cases has no case expecting 'pass' or none "
            "expecting 'fail'.",
        ),
        Rule(
            "missing-source",
            Level.WARNING,
            "A targets manifest names a source that does not exist or is not an export.",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    line: int | None
    column: int | None
    rule: str
    message: str

    @property
    def level(self) -> Level:
        return RULES[self.rule].level

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line or 0, self.column or 0, self.rule, self.message)

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
        return f"{where}: {self.level.value}: {self.message} [{self.rule}]"

    def to_json(self) -> dict[str, JSON]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "level": self.level.value,
            "rule": self.rule,
            "message": self.message,
        }


def from_error(error: PolicyError, rule: str = "invalid") -> Finding:
    message = error.message + (f" at {error.breadcrumb}" if error.breadcrumb else "")
    return Finding(error.path, error.line, error.column, rule, message)


@dataclass(frozen=True, slots=True)
class Options:
    policies: tuple[str, ...] = ()
    """Benchmarks whose check ids exceptions, plans and cases may name (default: the linted
    benchmarks, else the shipped ones)."""
    expiring_days: int = 30
    today: date = field(default_factory=date.today)


@dataclass(frozen=True, slots=True)
class Result:
    files: int
    findings: tuple[Finding, ...]

    def count(self, level: Level) -> int:
        return sum(finding.level is level for finding in self.findings)


def yaml_files(paths: Iterable[Path]) -> Iterator[tuple[Path, bool]]:
    """(file, named explicitly) for every YAML file named or found under a named folder."""
    for path in paths:
        if path.is_dir():
            yield from ((found, False) for found in yaml_files_under(path))
        else:
            yield path, True


def lint(paths: Sequence[Path], options: Options) -> Result:
    """Every finding for the files under ``paths``, sorted."""
    findings: list[Finding] = []
    documents: dict[str, list[tuple[Path, Any]]] = {}
    seen: set[Path] = set()
    for path, explicit in yaml_files(paths):
        if path.resolve() in seen:
            continue
        seen.add(path.resolve())
        try:
            document = load_yaml(path)
        except PolicyError as exc:
            findings.append(from_error(exc, "yaml-syntax"))
            continue
        kind = classify(document)
        if kind is not None:
            documents.setdefault(kind, []).append((path, document))
        elif explicit:
            message = "not a benchmark, exceptions, plans, targets or cases file"
            findings.append(Finding(str(path), 1, None, "unrecognized", message))
    benchmarks = _compile(documents.get("benchmark", []), findings)
    parsed = {path.resolve(): document for path, document in documents.get("benchmark", [])}
    findings += _benchmark_findings(benchmarks, parsed)
    naming = documents.get("exceptions", []) or documents.get("plans", [])
    known = _known_ids(options.policies, [b for _, b in benchmarks]) if naming else frozenset()
    for path, _ in documents.get("exceptions", []):
        findings += _guarded(_exceptions, path, known, options)
    for path, _ in documents.get("plans", []):
        findings += _guarded(_plans, path, known)
    for path, _ in documents.get("targets", []):
        findings += _guarded(_targets, path)
    compiled = {path.resolve(): benchmark for path, benchmark in benchmarks}
    cases = _load_cases([path for path, _ in documents.get("cases", [])], findings, compiled)
    for cases_file in cases:
        findings += _case_findings(cases_file)
    findings += _untested(benchmarks, cases)
    return Result(len(seen), tuple(sorted(set(findings), key=Finding.sort_key)))


def _guarded(lint_file: Callable[..., list[Finding]], *args: Any) -> list[Finding]:
    """The findings of one file's linter; a file that does not load is one finding."""
    try:
        return lint_file(*args)
    except PolicyError as exc:
        return [from_error(exc)]


def _compile(
    documents: list[tuple[Path, Any]], findings: list[Finding]
) -> list[tuple[Path, Benchmark]]:
    compiled: list[tuple[Path, Benchmark]] = []
    for path, document in documents:
        try:
            compiled.append((path, compile_benchmark(document, str(path))))
        except PolicyError as exc:
            findings.append(from_error(exc))
    return compiled


# -- benchmarks --------------------------------------------------------------------------------


def families(benchmarks: list[tuple[Path, Benchmark]], parsed: dict[Path, Any]) -> dict[Path, Path]:
    """Each benchmark file's family: the root of its ``extends`` chain (resolved paths).

    ``parsed`` holds the documents read already, by resolved path; a base outside them is
    read here, once."""
    documents = dict(parsed)

    def root(path: Path, depth: int = 0) -> Path:
        if path not in documents:
            documents[path] = _document(path)
        document = documents[path]
        base = document.get("extends") if isinstance(document, dict) else None
        if base is None or depth > 20:
            return path
        try:
            found = resolve(str(base), path.parent)
        except PolicyError:
            return path
        return root(found[0].resolve(), depth + 1) if len(found) == 1 else path

    return {path.resolve(): root(path.resolve()) for path, _ in benchmarks}


def _document(path: Path) -> Any:
    try:
        return load_yaml(path)
    except PolicyError:
        return None


def _own_checks(path: Path, benchmark: Benchmark) -> list[Check]:
    """Checks defined (or overridden) in this file, not those inherited unchanged."""
    here = path.resolve()
    return [c for c in benchmark.checks if Path(c.info.origin.path).resolve() == here]


def _benchmark_findings(
    benchmarks: list[tuple[Path, Benchmark]], parsed: dict[Path, Any]
) -> list[Finding]:
    family = families(benchmarks, parsed)
    findings: list[Finding] = []
    first_id: dict[str, tuple[Path, Check]] = {}
    settings: dict[tuple[str, str, str], list[tuple[Path, Check]]] = {}
    for path, benchmark in benchmarks:
        home = family[path.resolve()]
        own = set(_own_checks(path, benchmark))
        for check in benchmark.checks:
            same = settings.setdefault((str(check.kind), check.key, check.info.expected), [])
            if check in own:
                findings += _metadata(check)
                findings += _duplicate_id(check, home, first_id)
                findings += _duplicate(check, home, same)
            same.append((home, check))
    return findings


def _duplicate_id(
    check: Check, home: Path, first_id: dict[str, tuple[Path, Check]]
) -> list[Finding]:
    other_home, other = first_id.setdefault(check.info.id, (home, check))
    if other_home == home:
        return []
    message = f"duplicate check id {check.info.id!r} (first defined at {other.info.origin})"
    return [_at(check, "duplicate-id", message)]


def _at(check: Check, rule: str, message: str) -> Finding:
    return Finding(check.info.origin.path, check.info.origin.line, None, rule, message)


def _duplicate(check: Check, home: Path, same: list[tuple[Path, Check]]) -> list[Finding]:
    """The first check of another family that judges the same setting alike on the same
    targets; checks whose ``applies_to`` cannot meet (other OS or role) are not duplicates."""
    for other_home, other in same:
        if other_home != home and _overlap(check.applies_to, other.applies_to):
            message = (
                f"check {check.info.id!r} duplicates {other.info.id!r} ({other.info.origin}): "
                f"both read {check.info.setting} and expect {check.info.expected}"
            )
            return [_at(check, "duplicate-check", message)]
    return []


def _overlap(one: AppliesTo, other: AppliesTo) -> bool:
    return all(
        not a or not b or bool(a & b) for a, b in ((one.os, other.os), (one.role, other.role))
    )


def _metadata(check: Check) -> list[Finding]:
    out = []
    if not check.info.remediation:
        message = f"check {check.info.id!r} has no remediation"
        out.append(_at(check, "missing-remediation", message))
    if not check.info.references:
        out.append(_at(check, "missing-references", f"check {check.info.id!r} has no references"))
    return out


# -- files that name checks --------------------------------------------------------------------


def _known_ids(policies: Sequence[str], linted: list[Benchmark]) -> frozenset[str]:
    """Check ids that exceptions, plans and cases may name (see Options.policies)."""
    if policies:
        paths = [path for spec in policies for path in resolve(spec)]
        chosen = [load_benchmark(path) for path in paths]
    elif linted:
        chosen = linted
    else:
        chosen = [load_benchmark(shipped_dir() / f"{name}.yaml") for name in shipped_names()]
    return frozenset(check.info.id for benchmark in chosen for check in benchmark.checks)


def _unknown(globs: str | list[str], known: frozenset[str], path: Path, line: int) -> list[Finding]:
    out = []
    for glob in [globs] if isinstance(globs, str) else globs:
        pattern = compile_glob(glob)
        if not any(pattern.fullmatch(check_id) for check_id in known):
            message = f"{glob!r} names no known check"
            out.append(Finding(str(path), line, None, "unknown-check", message))
    return out


def _exceptions(path: Path, known: frozenset[str], options: Options) -> list[Finding]:
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
        findings += _unknown(raw["checks"], known, path, line)
    return findings


def _plans(path: Path, known: frozenset[str]) -> list[Finding]:
    return [
        finding
        for entry in load_plans(path)
        for finding in _unknown(entry["checks"], known, path, entry.line)
    ]


def _targets(path: Path) -> list[Finding]:
    planned = plan([], manifest=path)
    return [
        Finding(error.path, error.line, error.column, "missing-source", error.message)
        for error in planned.errors
    ]


# -- cases -------------------------------------------------------------------------------------


def _load_cases(
    paths: list[Path], findings: list[Finding], loaded: dict[Path, Benchmark]
) -> list[CasesFile]:
    """The cases files that load; ``loaded`` holds the benchmarks compiled already."""
    out = []
    for path in paths:
        try:
            out.append(load_cases(path, loaded))
        except PolicyError as exc:
            findings.append(from_error(exc))
    return out


def _case_findings(cases: CasesFile) -> list[Finding]:
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


def _conventional_cases(path: Path) -> Path:
    """Where a benchmark's cases file lives: ``tests/<stem>.cases.yaml`` beside it."""
    return path.parent / "tests" / f"{path.stem}.cases.yaml"


def _untested(benchmarks: list[tuple[Path, Benchmark]], linted: list[CasesFile]) -> list[Finding]:
    """Checks of benchmarks that have cases, lacking a passing or a failing case."""
    covered: dict[Path, dict[str, set[Status]]] = {}
    extra = [
        path
        for path, _ in benchmarks
        if _conventional_cases(path).is_file()
        and not any(Path(c.path).resolve() == _conventional_cases(path).resolve() for c in linted)
    ]
    compiled = {path.resolve(): benchmark for path, benchmark in benchmarks}
    # Errors of cases files not being linted are reported when they are linted.
    found = _load_cases([_conventional_cases(path) for path in extra], [], compiled)
    for cases in [*linted, *found]:
        by_check = covered.setdefault(Path(cases.benchmark.info.path).resolve(), {})
        for check_id, seen in coverage(cases).items():
            by_check.setdefault(check_id, set()).update(seen)
    findings = []
    for path, benchmark in benchmarks:
        statuses = covered.get(path.resolve())
        if statuses is None:
            continue
        for check in _own_checks(path, benchmark):
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


# -- rendering ---------------------------------------------------------------------------------


def render_text(result: Result) -> str:
    lines = [str(finding) for finding in result.findings]
    errors, warnings = result.count(Level.ERROR), result.count(Level.WARNING)
    lines.append(f"{result.files} file(s): {errors} error(s), {warnings} warning(s)")
    return "\n".join(lines) + "\n"


def render_json(result: Result) -> str:
    document = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "baseliner", "version": __version__},
        "files": result.files,
        "errors": result.count(Level.ERROR),
        "warnings": result.count(Level.WARNING),
        "findings": [finding.to_json() for finding in result.findings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


SARIF_LEVELS = {Level.ERROR: "error", Level.WARNING: "warning"}


def render_sarif(result: Result, root: Path | None = None) -> str:
    """A SARIF 2.1.0 log, one rule per lint rule, so findings show in code scanning."""
    base = os.path.abspath(root if root is not None else Path.cwd())
    ids = sorted(RULES)
    rules = [_sarif_rule(RULES[rule]) for rule in ids]
    results = [_sarif_result(finding, ids.index(finding.rule), base) for finding in result.findings]
    run = {
        "tool": {"driver": {"name": "baseliner-lint", "version": __version__, "rules": rules}},
        "automationDetails": {"id": "baseliner/lint/"},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    log = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0"}
    return json.dumps({**log, "runs": [run]}, indent=2, ensure_ascii=False) + "\n"


def _sarif_rule(rule: Rule) -> dict[str, JSON]:
    return {
        "id": rule.id,
        "name": "".join(word.capitalize() for word in rule.id.split("-")),
        "shortDescription": {"text": rule.description},
        "fullDescription": {"text": rule.description},
        "help": {"text": rule.description},
        "defaultConfiguration": {"level": SARIF_LEVELS[rule.level]},
    }


def _sarif_result(finding: Finding, index: int, base: str) -> dict[str, JSON]:
    region: dict[str, JSON] = {"startLine": finding.line or 1}
    if finding.column is not None:
        region["startColumn"] = finding.column
    text = "\0".join((finding.rule, finding.path, finding.message))
    return {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": SARIF_LEVELS[finding.level],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_uri(finding.path, base),
                    "region": region,
                }
            }
        ],
        "partialFingerprints": {"baselinerLint/v1": hashlib.sha256(utf8(text)).hexdigest()[:32]},
    }


RENDERERS: dict[str, Callable[[Result], str]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
}
