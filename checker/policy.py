"""Benchmarks: load YAML, validate against the shipped JSON Schema, compile every check once.

A benchmark is one YAML file (DESIGN §4).  Loading either returns compiled :class:`Check`
values or raises :class:`PolicyError` with the file, line, column and a breadcrumb to the key
at fault.  Every expression (JMESPath ``query`` and ``assert``, ``matches`` regexes) is
compiled here, so a bad policy stops the run before any export is read.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jmespath.exceptions

from checker import expect as expect_ops
from checker.cache import cached
from checker.exceptions import compile_glob
from checker.jmes import Compiled, compile_expression
from checker.model import (
    JSON,
    BenchmarkInfo,
    Category,
    CheckInfo,
    Kind,
    Origin,
    Severity,
    canonical_key,
)
from checker.schemas import schema, validate
from checker.yamlsrc import (
    Located,
    PolicyError,
    breadcrumb,
    classify,
    load_yaml,
    position,
    without_positions,
    yaml_files_under,
)

SETTING_KEYS: tuple[str, ...] = (*(kind.value for kind in Kind), "query")
"""The keys that say what a check reads; exactly one per check."""

# Enum members by value, looked up directly: calling the enum is ten times slower, and a run
# compiles every check of its benchmarks at start-up (the schema has checked the values).
_KINDS = {kind.value: kind for kind in Kind}
_CATEGORIES = {category.value: category for category in Category}
_SEVERITIES = {severity.value: severity for severity in Severity}

CACHE_FORMAT = "4"
"""Bump when what :func:`read_benchmark` caches changes shape."""

REPO_POLICIES = Path(__file__).resolve().parent.parent / "policies"


@dataclass(frozen=True, slots=True)
class AppliesTo:
    """OS and role names a check applies to; empty means every target."""

    os: frozenset[str] = frozenset()
    role: frozenset[str] = frozenset()

    def admits(self, os: str | None, role: str | None) -> bool:
        """Unknown target facts admit the check: we only skip what we know does not apply."""
        if self.os and os is not None and os.casefold() not in self.os:
            return False
        return not (self.role and role is not None and role.casefold() not in self.role)


@dataclass(frozen=True, slots=True)
class Check:
    """A compiled check: what it reads, how it judges, and its metadata."""

    info: CheckInfo
    kind: Kind | None
    """What the check reads: a setting of this kind, or None for a raw ``query``."""
    key: str
    """Canonical setting key (see model.canonical_key) or the query text."""
    query: Compiled | None
    judge: Callable[[JSON], bool]
    wants_absent: bool
    applies_to: AppliesTo
    absent_ok: bool = False
    """An unset setting complies: the Windows default meets the expectation."""
    assertion: Compiled | None = None
    """The compiled ``assert`` expression, when the check has one (``judge`` applies it)."""
    expect: Any = field(default=None, compare=False)
    """The ``expect`` mapping, when the check has one (``judge`` applies it; a mapping, so
    left out of the check's hash and equality, which ``judge`` stands for)."""

    def __reduce__(self) -> tuple[Callable[..., Check], tuple[Any, ...]]:
        # Judges are closures, which do not pickle: a check pickles as what compiles it, so
        # the benchmark cache can keep whole compiled benchmarks.
        return (
            _recompiled,
            (
                self.info,
                self.kind,
                self.key,
                self.query.expression if self.query is not None else None,
                self.expect,
                self.assertion.expression if self.assertion is not None else None,
                self.applies_to,
                self.absent_ok,
            ),
        )


def _recompiled(
    info: CheckInfo,
    kind: Kind | None,
    key: str,
    query: str | None,
    expect: Any,
    assertion: str | None,
    applies_to: AppliesTo,
    absent_ok: bool,
) -> Check:
    """A pickled :class:`Check` compiled again (its texts compiled before, so they do)."""
    compiled_query = compile_expression(query) if query is not None else None
    compiled_assertion = None
    if expect is not None:
        judge, _, wants_absent = expect_ops.compile_expect(expect)
    else:
        assert assertion is not None, "a check has an expect or an assert"
        compiled_assertion = compile_expression(assertion)
        judge, _, wants_absent = expect_ops.compile_assert(compiled_assertion, assertion)
    return Check(
        info,
        kind,
        key,
        compiled_query,
        judge,
        wants_absent,
        applies_to,
        absent_ok,
        compiled_assertion,
        expect,
    )


@dataclass(frozen=True, slots=True)
class Benchmark:
    info: BenchmarkInfo
    checks: tuple[Check, ...]


def shipped_dir() -> Path:
    """Where the shipped benchmarks are: ``checker/policies`` when installed (setuptools maps
    the repository's ``policies/`` there), else the source tree's ``policies/``."""
    installed = Path(__file__).resolve().parent / "policies"
    return installed if any(installed.glob("*.yaml")) else REPO_POLICIES


def shipped_names() -> list[str]:
    return sorted(path.stem for path in shipped_dir().glob("*.yaml"))


def resolve(spec: str, base: Path | None = None) -> list[Path]:
    """Benchmark files named by ``--policy``: a shipped name, a file or a folder."""
    path = Path(spec)
    if base is not None and not path.is_absolute() and (base / path).exists():
        path = base / path
    if path.is_dir():
        # Policy test cases (``*.cases.yaml``) live beside benchmarks but are not benchmarks;
        # the other kinds of file are passed over when read (see load_benchmarks).
        return [
            p for p in yaml_files_under(path) if not p.name.endswith((".cases.yaml", ".cases.yml"))
        ]
    if path.is_file():
        return [path]
    shipped = shipped_dir() / f"{spec}.yaml"
    if shipped.is_file():
        return [_relative(shipped)]
    known = ", ".join(shipped_names()) or "none"
    raise PolicyError(
        spec, f"no benchmark file, folder or shipped name {spec!r} (shipped: {known})"
    )


def _relative(path: Path) -> Path:
    """``path`` relative to the working folder when it is inside it: reports then name a
    shipped benchmark the same way on every machine (``policies/x.yaml``)."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def load_benchmarks(specs: Iterable[str]) -> list[Benchmark]:
    """Load and compile every benchmark named; check ids must be unique across all of them."""
    benchmarks: list[Benchmark] = []
    seen: dict[str, Origin] = {}
    for spec in specs:
        in_folder = Path(spec).is_dir()
        for path in resolve(spec):
            try:
                benchmark = load_benchmark(path)
            except NotABenchmark:
                if in_folder:  # a policy repository's exceptions, plans or targets file
                    continue
                raise
            for check in benchmark.checks:
                first = seen.setdefault(check.info.id, check.info.origin)
                if first is not check.info.origin:
                    raise PolicyError(
                        str(path),
                        f"duplicate check id {check.info.id!r} (first defined at {first})",
                        check.info.origin.line,
                    )
            benchmarks.append(benchmark)
    return benchmarks


def load_benchmark(path: Path) -> Benchmark:
    """The compiled benchmark of ``path``, from the cache when the file (and any benchmark
    it extends) is unchanged since it was compiled.

    A run loads every benchmark it names before it checks anything, and compiling 2,000
    checks from their documents took 17 ms of the 31 that loading the shipped ones took (a
    bar of issue 8).  The entry is keyed by the file's bytes and the path it is named by and
    the working folder (origins and inherited checks' paths are made from them).
    """
    data = _read(path)
    salt = f"{CACHE_FORMAT}\0{_schema_text()}\0{path}\0{os.getcwd()}"
    found = cached("compiled", salt, data, lambda: _compiled(path), _Compiled, _Compiled.fresh)
    return found.benchmark


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A compiled benchmark, and the files it extends with a digest of each."""

    benchmark: Benchmark
    bases: tuple[tuple[str, str], ...]

    def fresh(self) -> bool:
        """Whether every extended benchmark is as it was when this was compiled."""
        try:
            return all(_digest(_read(Path(base))) == digest for base, digest in self.bases)
        except PolicyError:
            return False


def _compiled(path: Path) -> _Compiled:
    document = read_benchmark(path)
    benchmark = compile_benchmark(document, str(path), validated=True)
    bases: list[tuple[str, str]] = []
    here = path
    while document.get("extends") is not None:  # one base each, no cycle: compiled above
        here = resolve(document["extends"], here.parent)[0]
        bases.append((str(here), _digest(_read(here))))
        document = read_benchmark(here)
    return _Compiled(benchmark, tuple(bases))


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PolicyError(str(path), f"cannot read: {exc.strerror or exc}") from exc


def read_benchmark(path: Path, chain: tuple[Path, ...] = ()) -> Located:
    """The parsed, schema-validated document of a benchmark file.

    Parsing, validation and compilation depend only on the file's bytes (and, for a profile,
    on its base, which is read through this same cache), so a document that compiles is
    cached (see checker/cache.py) without the key positions only error messages need;
    errors are never cached, a bad file fails every time.
    """
    data = _read(path)

    def build() -> Located:
        document = load_yaml(path, data)
        # Cached only once it compiles: a cached document never needs positions for errors.
        compile_benchmark(document, str(path), chain=chain)
        result: Located = without_positions(document)
        return result

    return cached("benchmark", f"{CACHE_FORMAT}\0{_schema_text()}", data, build, Located)


@functools.cache
def _schema_text() -> str:
    """The schema as text: part of the cache key, so a new schema never meets old entries."""
    return json.dumps(schema("benchmark"), sort_keys=True)


def compile_benchmark(
    document: Any, path: str, *, validated: bool = False, chain: tuple[Path, ...] = ()
) -> Benchmark:
    """Validate (unless already done) a parsed benchmark document and compile its checks.

    ``chain`` holds the benchmarks being resolved that extend this one (cycle detection)."""
    if not validated:
        _validate(document, path)
    checks_raw = _resolve_profile(document, path, chain)
    defaults = _applies_to(document.get("applies_to"))
    checks: list[Check] = []
    seen: dict[str, int] = {}
    for index, (raw, origin) in enumerate(checks_raw):
        crumbs: list[str | int] = ["checks", index]
        if raw["id"] in seen:
            line, column = position(document, [*crumbs, "id"])
            message = f"duplicate check id {raw['id']!r} (first at line {seen[raw['id']]})"
            raise PolicyError(path, message, line, column, breadcrumb([*crumbs, "id"]))
        seen[raw["id"]] = origin.line or 0
        checks.append(_compile_check(raw, origin, document, crumbs, defaults, path))
    info = BenchmarkInfo(
        id=document["id"],
        title=document["title"],
        version=str(document.get("version", "")),
        path=path,
        checks=tuple(check.info for check in checks),
    )
    return Benchmark(info=info, checks=tuple(checks))


class NotABenchmark(PolicyError):
    """A policy-repository file of another kind (exceptions, plans, targets, cases) where a
    benchmark was looked for: an error when it was named, passed over in a folder."""


def _validate(document: Any, path: str) -> None:
    if not isinstance(document, dict):
        raise PolicyError(path, "a benchmark is a YAML mapping with id, title and checks", 1)
    kind = classify(document)
    if kind not in (None, "benchmark"):
        raise NotABenchmark(path, f"not a benchmark: it has {kind!r} at the top level", 1)
    validate(document, "benchmark", path)


def _resolve_profile(
    document: Located, path: str, chain: tuple[Path, ...] = ()
) -> list[tuple[Located, Origin]]:
    """The checks of a benchmark, with those of the benchmark it ``extends`` first.

    ``overrides`` replace keys of inherited checks, ``drop`` removes inherited checks; both
    must name inherited checks.  Inherited checks keep their benchmark's ``applies_to``
    unless they have their own.  ``chain`` holds the files already being resolved, so a
    cycle of ``extends`` is an error rather than endless recursion.
    """
    own = [(raw, Origin(path, raw.line)) for raw in document.get("checks", [])]
    base_spec = document.get("extends")
    if base_spec is None:
        for key in ("overrides", "drop"):
            if key in document:
                line, column = position(document, [key])
                raise PolicyError(path, f"'{key}' needs 'extends'", line, column, key)
        return own
    here = (*chain, Path(path).resolve())
    base_paths = resolve(base_spec, Path(path).parent)
    line, column = position(document, ["extends"], at_value=True)
    if len(base_paths) != 1:
        raise PolicyError(path, "'extends' must name one other benchmark", line, column, "extends")
    if base_paths[0].resolve() in here:
        cycle = " -> ".join(p.name for p in (*here, base_paths[0]))
        raise PolicyError(path, f"'extends' cycle: {cycle}", line, column, "extends")
    base_doc = read_benchmark(base_paths[0], here)
    inherited = [
        (_with_scope(raw, base_doc.get("applies_to")), origin)
        for raw, origin in _resolve_profile(base_doc, str(base_paths[0]), here)
    ]
    by_id = {raw["id"] for raw, _ in inherited}
    overrides: dict[str, Any] = document.get("overrides", {})
    drops: list[str] = document.get("drop", [])
    for crumb_key, ids in (("overrides", list(overrides)), ("drop", drops)):
        for index, check_id in enumerate(ids):
            if check_id not in by_id:
                crumbs: list[str | int] = [
                    crumb_key,
                    check_id if crumb_key == "overrides" else index,
                ]
                line, column = position(document, crumbs)
                message = f"{crumb_key} names {check_id!r}, not a check of {base_spec}"
                raise PolicyError(path, message, line, column, breadcrumb(crumbs))
    result: list[tuple[Located, Origin]] = []
    for raw, origin in inherited:
        if raw["id"] in drops:
            continue
        if raw["id"] in overrides:
            merged = _apply_override(raw, overrides[raw["id"]])
            at = ("overrides", raw["id"])
            validate(merged, "benchmark", path, definition="check", document=document, crumbs=at)
            result.append((merged, Origin(path, overrides[raw["id"]].line)))
        else:
            result.append((raw, origin))
    return result + own


def _with_scope(raw: Located, applies_to: Any) -> Located:
    """An inherited check carries its own benchmark's scope into the profile."""
    if applies_to is None or "applies_to" in raw:
        return raw
    scoped = Located(raw)
    scoped.line, scoped.key_lines, scoped.value_starts = raw.line, raw.key_lines, raw.value_starts
    scoped["applies_to"] = applies_to
    return scoped


def _apply_override(raw: Located, override: dict[str, Any]) -> Located:
    """An inherited check with the override's keys; a new setting reference or assertion
    replaces the old one rather than standing beside it."""
    merged = Located(raw)
    merged.line, merged.key_lines = raw.line, dict(raw.key_lines)
    merged.value_starts = dict(raw.value_starts)
    replaced: list[tuple[str, ...]] = [SETTING_KEYS, ("expect", "assert")]
    for family in replaced:
        if any(key in override for key in family):
            for key in family:
                merged.pop(key, None)
    merged.update(override)
    return merged


def _applies_to(raw: dict[str, Any] | None) -> AppliesTo:
    raw = raw or {}
    return AppliesTo(
        os=frozenset(name.casefold() for name in raw.get("os", [])),
        role=frozenset(name.casefold() for name in raw.get("role", [])),
    )


def _compile_check(
    raw: Located,
    origin: Origin,
    document: Any,
    crumbs: list[str | int],
    defaults: AppliesTo,
    path: str,
) -> Check:
    def fail(message: str, key: str, offset: int | None = None) -> PolicyError:
        """An error at ``key``; ``offset`` is a 0-based position inside its value's text."""
        line, column = position(document, [*crumbs, key])
        start = raw.value_starts.get(key) if isinstance(raw, Located) else None
        if offset is not None and start is not None and start[0] >= (origin.line or 0):
            line, column = start[0], start[1] + offset + (start[2] is not None)
        if line is None or line < (origin.line or 0):
            line, column = origin.line, None
        return PolicyError(path, message, line, column, breadcrumb([*crumbs, key]))

    setting_key = next(key for key in SETTING_KEYS if key in raw)
    reference = str(raw[setting_key])
    kind: Kind | None = None
    query: Compiled | None = None
    if setting_key == "query":
        query = _compile_jmespath(reference, lambda msg, col: fail(msg, "query", col))
        key = reference
    else:
        kind = _KINDS[setting_key]
        try:
            key = canonical_key(kind, reference)
        except ValueError as exc:
            raise fail(str(exc), setting_key) from exc

    expression: Compiled | None = None
    if "expect" in raw:
        try:
            judge, expected, wants_absent = expect_ops.compile_expect(raw["expect"])
        except expect_ops.ExpectError as exc:
            raise fail(str(exc), "expect") from exc
    else:
        expression = _compile_jmespath(raw["assert"], lambda msg, col: fail(msg, "assert", col))
        judge, expected, wants_absent = expect_ops.compile_assert(expression, raw["assert"])

    applies_to = _applies_to(raw.get("applies_to")) if "applies_to" in raw else defaults
    info = CheckInfo(
        id=raw["id"],
        title=raw["title"],
        category=_CATEGORIES[raw["category"]],
        impact=int(raw["impact"]),
        severity=_SEVERITIES[raw["severity"]],
        benchmark=document["id"],
        setting=reference if kind is None else f"{kind.value}:{reference}",
        expected=expected,
        remediation=str(raw.get("remediation", "")).strip(),
        rationale=str(raw.get("rationale", "")).strip(),
        references=tuple(raw.get("references", ())),
        tags=tuple(raw.get("tags", ())),
        origin=origin,
    )
    absent_ok = bool(raw.get("absent_ok", False))
    expect_spec = raw.get("expect")
    return Check(
        info, kind, key, query, judge, wants_absent, applies_to, absent_ok, expression, expect_spec
    )


def _compile_jmespath(text: str, fail: Callable[[str, int | None], PolicyError]) -> Compiled:
    try:
        return compile_expression(text)
    except jmespath.exceptions.ParseError as exc:
        at = exc.lex_position if isinstance(exc.lex_position, int) else 0
        token = f" near {exc.token_value!r}" if exc.token_value not in (None, "") else ""
        raise fail(f"bad JMESPath {text!r}: {exc.msg}{token} (character {at + 1})", at) from exc
    except jmespath.exceptions.JMESPathError as exc:
        raise fail(f"bad JMESPath {text!r}: {exc}", None) from exc


def iter_checks(benchmarks: Iterable[Benchmark]) -> Iterator[Check]:
    for benchmark in benchmarks:
        yield from benchmark.checks


def unmatched(benchmarks: Iterable[Benchmark], patterns: Iterable[str]) -> list[str]:
    """The patterns (as ``select`` takes them) that match no check of ``benchmarks``."""
    ids = [check.info.id for benchmark in benchmarks for check in benchmark.checks]
    return [
        pattern
        for pattern in patterns
        if not any(compile_glob(pattern).fullmatch(check_id) for check_id in ids)
    ]


def select(
    benchmarks: list[Benchmark],
    checks: Iterable[str] = (),
    categories: Iterable[str] = (),
    skip: Iterable[str] = (),
) -> list[Benchmark]:
    """Keep the checks whose id matches one of ``checks`` (glob or regex-free prefix patterns)
    and whose category is in ``categories``; drop those matching ``skip``.  Empty means all."""
    wanted = [compile_glob(p) for p in checks]
    skipped = [compile_glob(p) for p in skip]
    cats = {Category(c) for c in categories}
    out: list[Benchmark] = []
    for benchmark in benchmarks:
        kept = tuple(
            check
            for check in benchmark.checks
            if (not wanted or any(p.fullmatch(check.info.id) for p in wanted))
            and (not cats or check.info.category in cats)
            and not any(p.fullmatch(check.info.id) for p in skipped)
        )
        info = BenchmarkInfo(
            benchmark.info.id,
            benchmark.info.title,
            benchmark.info.version,
            benchmark.info.path,
            tuple(check.info for check in kept),
        )
        out.append(Benchmark(info, kept))
    return out
