"""Policy unit tests: device states (or exports) and the status each check must give them.

A cases file (``policies/tests/<benchmark>.cases.yaml``, schema ``cases``) names a benchmark
and lists cases.  A case gives a device ``state`` written like the device document
(``registry``, ``security``, ``privilege``, ``audit``, ``service``, ``firewall``, ``intune``)
or an ``export`` to read, optional ``os``/``role`` for ``applies_to``, optional
``parameters`` that set the benchmark's site-specific parameters as a profile would, and
``expect``: check id -> status.  A user right's principals are read as an export's are
(``Administrators`` and ``NT SERVICE\\name`` as their SIDs).  The state becomes a real
:class:`~checker.core.values.Target` (Intune settings are translated as for an export),
each fact's origin the line of its value in the cases file, and the checks run through
:func:`checker.engine.evaluate`, so a case exercises what ``check`` does: canonical keys,
value types, ``applies_to``, partial mappings.

Loading validates and raises :class:`PolicyError` (a bad cases file); running gives one
:class:`CaseResult` per case, failing when a named check gives another status than expected or
does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from checker.core.errors import InputError, PolicyError
from checker.core.files import outside
from checker.core.principals import principal_list
from checker.core.statuses import Status
from checker.core.values import JSON, Fact, Origin, Source, Target
from checker.engine import evaluate
from checker.kinds import KINDS, Kind, canonical_key
from checker.policy.compile import Benchmark
from checker.policy.load import load_benchmark, resolve
from checker.policy.parameters import ParameterError
from checker.policy.schemas import validate
from checker.policy.yamlsrc import Located, breadcrumb, load_yaml, position
from checker.targets.load import load_target, plan, with_translations
from checker.targets.merge import build_target

SUFFIXES = (".cases.yaml", ".cases.yml")


GENERATED_PREFIX = "generated:"
"""Cases whose name starts so are rewritten by tools/make_cases.py; others are hand-written."""


@dataclass(frozen=True, slots=True)
class Expectation:
    check: str
    status: Status
    line: int


@dataclass(frozen=True, slots=True)
class Case:
    """One case: a state (as a source of facts) or an export, and what the checks must say."""

    name: str
    line: int
    expect: tuple[Expectation, ...]
    state: Source | None
    export: Path | None
    meta: tuple[tuple[str, str], ...] = ()
    benchmark: Benchmark | None = None
    """The benchmark compiled with the case's ``parameters``, when it sets some."""

    @property
    def generated(self) -> bool:
        return self.name.startswith(GENERATED_PREFIX)


@dataclass(frozen=True, slots=True)
class CasesFile:
    path: str
    benchmark: Benchmark
    cases: tuple[Case, ...]


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A check that gave another status than the case expects (``got`` None: no such check)."""

    check: str
    expected: Status
    got: Status | None
    actual: JSON
    line: int
    reason: str | None = None

    def __str__(self) -> str:
        if self.got is None:
            return (
                f"{self.check}: expected {self.expected.value}, but the benchmark has no such check"
            )
        detail = f"; {self.reason}" if self.reason else ""
        return (
            f"{self.check}: expected {self.expected.value}, got {self.got.value} "
            f"(actual {_show(self.actual)}{detail})"
        )


@dataclass(frozen=True, slots=True)
class CaseResult:
    path: str
    benchmark: str
    case: str
    line: int
    mismatches: tuple[Mismatch, ...] = ()
    errors: tuple[InputError, ...] = ()

    @property
    def passed(self) -> bool:
        return not (self.mismatches or self.errors)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def _show(value: JSON) -> str:
    return "(none)" if value is None else repr(value)


def is_cases_file(path: Path) -> bool:
    return path.name.endswith(SUFFIXES)


def find_cases(paths: Iterable[Path]) -> list[Path]:
    """Cases files named, or found under folders, in path order; a missing path is an error."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.cases.y*ml") if is_cases_file(p))
        elif path.is_file():
            found.append(path)
        else:
            raise PolicyError(str(path), "no such cases file or folder")
    return list(dict.fromkeys(found))


def load_cases(
    path: Path, loaded: dict[Path, Benchmark] | None = None, allowed: Sequence[Path] = ()
) -> CasesFile:
    """Parse, validate and compile a cases file; ``loaded`` caches benchmarks across files."""
    document = load_yaml(path)
    if not isinstance(document, Located):
        raise PolicyError(str(path), "a cases file is a mapping with 'benchmark' and 'cases'", 1)
    validate(document, "cases", str(path))
    benchmark = _benchmark(document, path, {} if loaded is None else loaded)
    names: dict[str, int] = {}
    cases: list[Case] = []
    for index, raw in enumerate(document["cases"]):
        if raw["name"] in names:
            line, column = position(document, ["cases", index, "name"])
            message = f"duplicate case name {raw['name']!r} (first at line {names[raw['name']]})"
            raise PolicyError(str(path), message, line, column, f"cases[{index}].name")
        names[raw["name"]] = raw.line
        case = _case(raw, path, document, index, allowed)
        if raw.get("parameters"):
            case = _with_parameters(case, raw["parameters"], path, document, index)
        cases.append(case)
    return CasesFile(str(path), benchmark, tuple(cases))


def _with_parameters(
    case: Case, parameters: dict[str, JSON], path: Path, document: Located, index: int
) -> Case:
    """The case with its benchmark compiled with ``parameters`` set."""
    benchmark_path = resolve(document["benchmark"], path.parent)[0]
    try:
        benchmark = load_benchmark(benchmark_path, parameters)
    except ParameterError as exc:
        crumbs: list[str | int] = ["cases", index, "parameters", *exc.crumbs]
        line, column = position(document, crumbs, at_value=exc.at_value)
        raise PolicyError(str(path), str(exc), line, column, breadcrumb(crumbs)) from exc
    return replace(case, benchmark=benchmark)


def _benchmark(document: Located, path: Path, loaded: dict[Path, Benchmark]) -> Benchmark:
    try:
        found = resolve(document["benchmark"], path.parent)
    except PolicyError as exc:
        line, column = position(document, ["benchmark"])
        raise PolicyError(str(path), exc.message, line, column, "benchmark") from exc
    if len(found) != 1:
        line, column = position(document, ["benchmark"])
        raise PolicyError(str(path), "'benchmark' must name one benchmark", line, column)
    key = found[0].resolve()
    if key not in loaded:
        loaded[key] = load_benchmark(found[0])
    return loaded[key]


def _case(raw: Located, path: Path, document: Located, index: int, allowed: Sequence[Path]) -> Case:
    expect = tuple(
        Expectation(check, Status(status), raw["expect"].value_starts[check][0])
        for check, status in raw["expect"].items()
    )
    meta = tuple((key, str(raw[key])) for key in ("os", "role") if key in raw)
    export: Path | None = None
    if "export" in raw:
        export = path.parent / raw["export"]
        problem = None
        if outside(export, path, allowed):
            problem = "leads out of the repository (--allow-outside PATH permits a folder)"
        elif not export.exists():
            problem = "does not exist (paths are relative to the file)"
        if problem is not None:
            line, column = position(document, ["cases", index, "export"])
            message = f"export {raw['export']!r} {problem}"
            raise PolicyError(str(path), message, line, column, f"cases[{index}].export")
    state = None
    if "state" in raw:
        facts = list(_facts(raw["state"], str(path), document, ["cases", index, "state"]))
        state = with_translations(Source(str(path), "cases", tuple(facts), name=raw["name"]))
    return Case(raw["name"], raw.line, expect, state, export, meta)


def _facts(state: Located, path: str, document: Located, crumbs: list[str | int]) -> Iterator[Fact]:
    for kind, spec in KINDS.items():
        section: Located = state.get(kind.value, Located())
        for key, value in section.items():
            origin = Origin(path, section.value_starts[key][0], source="cases")
            try:
                canonical_key(kind, key)
            except ValueError as exc:
                line, column = position(document, [*crumbs, kind.value, key])
                trail = breadcrumb([*crumbs, kind.value])
                raise PolicyError(path, str(exc), line, column, f"{trail}[{key!r}]") from exc
            stated = spec.state_value(value)
            data = stated.value
            if kind is Kind.PRIVILEGE and isinstance(data, list):
                data = principal_list(str(item) for item in data)
            yield Fact(kind, key, data, origin, stated.type, stated.deleted)


def target_of(cases: CasesFile, case: Case) -> tuple[Target | None, list[InputError]]:
    """The target a case describes: its state, or its export read as ``check`` would."""
    if case.state is not None:
        target = build_target(case.name, [case.state])
    else:
        assert case.export is not None
        planned = plan([case.export])
        if planned.errors:
            return None, list(planned.errors)
        if len(planned.targets) != 1:
            count = len(planned.targets)
            return None, [InputError(cases.path, f"export makes {count} targets, not one")]
        found, errors = load_target(planned.targets[0])
        if found is None:
            return None, errors
        target = found
    target.meta.update(case.meta)
    return target, []


def run_case(cases: CasesFile, case: Case) -> CaseResult:
    """Evaluate the case's benchmark on its target and compare with its expectations."""
    target, errors = target_of(cases, case)
    if target is None:
        return _result(cases, case, errors=tuple(errors))
    benchmark = case.benchmark or cases.benchmark
    results = {result.check.id: result for result in evaluate([benchmark], target)}
    mismatches: list[Mismatch] = []
    for want in case.expect:
        result = results.get(want.check)
        if result is None:
            mismatches.append(Mismatch(want.check, want.status, None, None, want.line))
        elif result.status is not want.status:
            mismatches.append(
                Mismatch(
                    want.check, want.status, result.status, result.actual, want.line, result.reason
                )
            )
    return _result(cases, case, mismatches=tuple(mismatches))


def _result(
    cases: CasesFile,
    case: Case,
    mismatches: tuple[Mismatch, ...] = (),
    errors: tuple[InputError, ...] = (),
) -> CaseResult:
    benchmark = cases.benchmark.info.id
    return CaseResult(cases.path, benchmark, case.name, case.line, mismatches, errors)


def run(files: Iterable[CasesFile]) -> list[CaseResult]:
    return [run_case(cases, case) for cases in files for case in cases.cases]


def coverage(cases: CasesFile) -> dict[str, frozenset[Status]]:
    """For each check of the benchmark, the statuses some case of the file expects of it."""
    seen: dict[str, set[Status]] = {check.info.id: set() for check in cases.benchmark.checks}
    for case in cases.cases:
        for want in case.expect:
            if want.check in seen:
                seen[want.check].add(want.status)
    return {check: frozenset(statuses) for check, statuses in seen.items()}
