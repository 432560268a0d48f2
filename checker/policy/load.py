"""Benchmark files: shipped names, files and folders; profiles (``extends``); the cache.

A benchmark is one YAML file (DESIGN §4).  Loading either returns compiled checks (see
checker/policy/compile.py) or raises :class:`PolicyError` with the file, line, column and a
breadcrumb to the key at fault.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.core.errors import PolicyError
from checker.core.results import BenchmarkInfo
from checker.core.values import JSON, Origin
from checker.kinds import SETTING_KEYS
from checker.policy.cache import cached
from checker.policy.compile import Benchmark, Check, applies_to_of, compile_check
from checker.policy.parameters import Parameter, ParameterError, declared, with_values
from checker.policy.schemas import schema, validate
from checker.policy.stored import benchmark_data, benchmark_from_data
from checker.policy.yamlsrc import (
    Located,
    as_data,
    breadcrumb,
    classify,
    load_yaml,
    located,
    position,
    read_policy,
    without_positions,
    yaml_files_under,
)

CACHE_FORMAT = "8"
"""Bump when what :func:`read_benchmark` caches changes shape."""


REPO_POLICIES = Path(__file__).resolve().parents[2] / "policies"


@functools.cache
def shipped_dir() -> Path:
    """Where the shipped benchmarks are: ``checker/policies`` when installed (setuptools maps
    the repository's ``policies/`` there), else the source tree's ``policies/``.  Looked up
    once: a run names each benchmark it loads, and looking again was 1 ms of a warm load."""
    installed = Path(__file__).resolve().parents[1] / "policies"
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


def load_benchmark(path: Path, parameters: Mapping[str, JSON] | None = None) -> Benchmark:
    """The compiled benchmark of ``path``, from the cache when the file (and any benchmark
    it extends) is unchanged since it was compiled.  ``parameters`` set the benchmark's
    parameters as a profile would (a policy test case's); :class:`ParameterError` names
    one that is not declared or whose value its pattern refuses.

    A run loads every benchmark it names before it checks anything, and compiling 2,000
    checks from their documents took 17 ms of the 31 that loading the shipped ones took (a
    bar of issue 8).  The entry is keyed by the file's bytes and the path it is named by and
    the working folder (origins and inherited checks' paths are made from them).
    """
    if parameters:
        return compile_benchmark(read_benchmark(path), str(path), values=parameters)
    data = read_policy(path)
    salt = f"{CACHE_FORMAT}\0{_schema_text()}\0{path}\0{os.getcwd()}"
    build = functools.partial(_compiled, path, data)
    found = cached("compiled", salt, data, build, _Compiled.to_data, _Compiled.from_data)
    return found.benchmark


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A compiled benchmark, and the files it extends with a digest of each."""

    benchmark: Benchmark
    bases: tuple[tuple[str, str], ...]

    def fresh(self) -> bool:
        """Whether every extended benchmark is as it was when this was compiled."""
        try:
            return all(_digest(read_policy(Path(base))) == digest for base, digest in self.bases)
        except PolicyError:
            return False

    def to_data(self) -> dict[str, Any]:
        return {"benchmark": benchmark_data(self.benchmark), "bases": [list(b) for b in self.bases]}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> _Compiled | None:
        """The cached compilation, or None when a benchmark it extends has changed."""
        bases = tuple((str(base), str(digest)) for base, digest in data["bases"])
        found = cls(benchmark_from_data(data["benchmark"]), bases)
        return found if found.fresh() else None


def _compiled(path: Path, data: bytes) -> _Compiled:
    """``path``'s benchmark compiled from ``data`` (its bytes, read once for both caches)."""
    document, benchmark = _read_and_compile(path, data)
    if benchmark is None:  # the document came from the cache
        benchmark = compile_benchmark(document, str(path), validated=True)
    bases: list[tuple[str, str]] = []
    here = path
    while document.get("extends") is not None:  # one base each, no cycle: compiled above
        here = resolve(document["extends"], here.parent)[0]
        base = read_policy(here)
        bases.append((str(here), _digest(base)))
        document = _read_and_compile(here, base)[0]
    return _Compiled(benchmark, tuple(bases))


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_benchmark(path: Path, chain: tuple[Path, ...] = ()) -> Located:
    """The parsed, schema-validated document of a benchmark file.

    Parsing, validation and compilation depend only on the file's bytes (and, for a profile,
    on its base, which is read through this same cache), so a document that compiles is
    cached (see checker/policy/cache.py) without the key positions only error messages need;
    errors are never cached, a bad file fails every time.
    """
    return _read_and_compile(path, read_policy(path), chain)[0]


def _read_and_compile(
    path: Path, data: bytes, chain: tuple[Path, ...] = ()
) -> tuple[Located, Benchmark | None]:
    """:func:`read_benchmark`'s document, and the benchmark compiled from it when the
    document was not cached: a cold run compiles each benchmark once, not twice (the
    compilation that vouches for a document's caching is the one the run uses)."""
    compiled: list[Benchmark] = []

    def build() -> Located:
        document = load_yaml(path, data)
        # Cached only once it compiles: a cached document never needs positions for errors.
        compiled.append(compile_benchmark(document, str(path), chain=chain))
        result: Located = without_positions(document)
        return result

    salt = f"{CACHE_FORMAT}\0{_schema_text()}"
    found: Located = cached("benchmark", salt, data, build, as_data, _document)
    return found, compiled[0] if compiled else None


def _document(data: Any) -> Located | None:
    """A cached document (see :func:`as_data`), or None for data of another shape."""
    document = located(data)
    return document if isinstance(document, Located) else None


@functools.cache
def _schema_text() -> str:
    """The schema as text: part of the cache key, so a new schema never meets old entries."""
    return json.dumps(schema("benchmark"), sort_keys=True)


def compile_benchmark(
    document: Any,
    path: str,
    *,
    validated: bool = False,
    chain: tuple[Path, ...] = (),
    values: Mapping[str, JSON] | None = None,
) -> Benchmark:
    """Validate (unless already done) a parsed benchmark document and compile its checks.

    ``chain`` holds the benchmarks being resolved that extend this one (cycle detection);
    ``values`` set parameters (see :func:`load_benchmark`)."""
    if not validated:
        _validate(document, path)
    checks_raw = _resolve_profile(document, path, chain)
    parameters = _parameters(document, path, chain)
    if values:
        parameters = with_values(parameters, values)
    defaults = applies_to_of(document.get("applies_to"))
    checks: list[Check] = []
    seen: dict[str, int] = {}
    for index, (raw, origin) in enumerate(checks_raw):
        crumbs: list[str | int] = ["checks", index]
        if raw["id"] in seen:
            line, column = position(document, [*crumbs, "id"])
            message = f"duplicate check id {raw['id']!r} (first at line {seen[raw['id']]})"
            raise PolicyError(path, message, line, column, breadcrumb([*crumbs, "id"]))
        seen[raw["id"]] = origin.line or 0
        checks.append(compile_check(raw, origin, document, crumbs, defaults, path, parameters))
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


def _parameters(document: Located, path: str, chain: tuple[Path, ...] = ()) -> dict[str, Parameter]:
    """The parameters of a benchmark: its base's (when it ``extends`` one), then its own."""
    base: dict[str, Parameter] = {}
    if document.get("extends") is not None:
        here = (*chain, Path(path).resolve())
        base_path = resolve(document["extends"], Path(path).parent)[0]
        base = _parameters(read_benchmark(base_path, here), str(base_path), here)
    try:
        return declared(document, base)
    except ParameterError as exc:
        line, column = position(document, exc.crumbs, at_value=exc.at_value)
        raise PolicyError(path, str(exc), line, column, breadcrumb(exc.crumbs)) from exc


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
