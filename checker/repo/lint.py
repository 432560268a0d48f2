"""Lint every file a policy repository holds: benchmarks, exceptions, plans, targets, cases.

Files are classified by content (the top-level key: ``checks`` a benchmark, ``exceptions``,
``plans``, ``targets``, ``cases``), each is linted on its own, and one bad file never hides
the findings of the others.  A finding has a file, line, column, rule and message; the rules
and their levels are in checker/repo/findings.py, the findings about what files name in
checker/repo/lint_refs.py.

Benchmarks related by ``extends`` form one *family*: a profile shares its base's check ids
legitimately, so duplicate ids and duplicate checks are only looked for across families.

Files named one by one (as pre-commit names the staged files, in any batch) are judged
against the whole repository they belong to: lint reads every file of ``repository`` and
reports the findings of the named files, so a duplicate id, an exception or a test case is
judged the same whichever files a commit touches.  A duplicate id is reported at each of its
definitions, and a reference that a named benchmark leaves dangling (an exception, plan or
case naming a check it no longer has) is reported in the file that holds it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from checker.core.errors import PolicyError
from checker.policy.compile import AppliesTo, Benchmark, Check
from checker.policy.load import compile_benchmark, resolve
from checker.policy.yamlsrc import classify, load_yaml, position, yaml_files_under
from checker.repo.findings import Finding, Options, Result, from_error
from checker.repo.lint_refs import (
    case_findings,
    exception_findings,
    known_ids,
    loaded_cases,
    manifest_findings,
    own_checks,
    plan_findings,
    untested,
)


def yaml_files(paths: Iterable[Path]) -> Iterator[tuple[Path, bool]]:
    """(file, named explicitly) for every YAML file named or found under a named folder."""
    for path in paths:
        if path.is_dir():
            yield from ((found, False) for found in yaml_files_under(path))
        else:
            yield path, True


def lint(paths: Sequence[Path], options: Options, repository: Path | None = None) -> Result:
    """Every finding for the files under ``paths``, sorted; with ``repository``, the
    repository's other files are read too (see the module's doc)."""
    named = list(yaml_files(paths))
    wanted = {path.resolve() for path, _ in named}
    everything = named + list(yaml_files([repository] if repository is not None else []))
    result = _lint(everything, options)
    if repository is None:
        return result
    kept = tuple(f for f in result.findings if _concerns(f, wanted, result.benchmarks))
    return Result(len(wanted), kept)


def _concerns(finding: Finding, wanted: set[Path], benchmarks: frozenset[Path]) -> bool:
    """Whether a finding is the named files' business: it is in one of them, or it is a
    reference that a named benchmark may have left dangling."""
    where = Path(finding.path).resolve()
    return where in wanted or (finding.rule == "unknown-check" and bool(benchmarks & wanted))


def _lint(files: list[tuple[Path, bool]], options: Options) -> Result:
    findings: list[Finding] = []
    documents: dict[str, list[tuple[Path, Any]]] = {}
    seen: set[Path] = set()
    for path, explicit in files:
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
    known = known_ids(options.policies, [b for _, b in benchmarks]) if naming else frozenset()
    for path, _ in documents.get("exceptions", []):
        findings += _guarded(exception_findings, path, known, options)
    for path, _ in documents.get("plans", []):
        findings += _guarded(plan_findings, path, known)
    for path, _ in documents.get("targets", []):
        findings += _guarded(manifest_findings, path, options.allow_outside)
    compiled = {path.resolve(): benchmark for path, benchmark in benchmarks}
    named = [path for path, _ in documents.get("cases", [])]
    cases = loaded_cases(named, findings, compiled, options.allow_outside)
    for cases_file in cases:
        findings += case_findings(cases_file)
    findings += untested(benchmarks, cases)
    found = tuple(sorted(set(findings), key=Finding.sort_key))
    return Result(len(seen), found, frozenset(path.resolve() for path, _ in benchmarks))


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


def _benchmark_findings(
    benchmarks: list[tuple[Path, Benchmark]], parsed: dict[Path, Any]
) -> list[Finding]:
    family = families(benchmarks, parsed)
    findings: list[Finding] = []
    by_id: dict[str, list[tuple[Path, Check]]] = {}
    settings: dict[tuple[str, str, str], list[tuple[Path, Check]]] = {}
    for path, benchmark in benchmarks:
        findings += _unset_parameters(path, benchmark, parsed.get(path.resolve()))
        home = family[path.resolve()]
        own = set(own_checks(path, benchmark))
        for check in benchmark.checks:
            same = settings.setdefault((str(check.kind), check.key, check.info.expected), [])
            if check in own:
                findings += _metadata(check)
                findings += _duplicate(check, home, same)
                by_id.setdefault(check.info.id, []).append((home, check))
            same.append((home, check))
    for defined in by_id.values():
        findings += _duplicate_ids(defined)
    return findings


def _unset_parameters(path: Path, benchmark: Benchmark, document: Any) -> list[Finding]:
    """A profile's parameters left unset, each with the number of checks it leaves
    not_applicable (a benchmark that extends none is expected to leave them to profiles)."""
    if not isinstance(document, dict) or document.get("extends") is None:
        return []
    counts: dict[str, int] = {}
    for check in benchmark.checks:
        for name in check.unset:
            counts[name] = counts.get(name, 0) + 1
    line, column = position(document, ["extends"])
    return [
        Finding(str(path), line, column, "unset-parameter", _unset_message(name, count))
        for name, count in sorted(counts.items())
    ]


def _unset_message(name: str, count: int) -> str:
    checks = "1 check stays" if count == 1 else f"{count} checks stay"
    return f"parameter {name!r} is not set: {checks} not_applicable (site-specific)"


def _duplicate_ids(defined: list[tuple[Path, Check]]) -> list[Finding]:
    """A finding at each definition of an id that another family defines too, naming the
    first other definition: whichever of the files a commit touches shows it."""
    findings = []
    for home, check in defined:
        others = [other for other_home, other in defined if other_home != home]
        if others:
            message = (
                f"duplicate check id {check.info.id!r} (also defined at {others[0].info.origin})"
            )
            findings.append(_at(check, "duplicate-id", message))
    return findings


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
