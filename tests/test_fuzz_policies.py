"""Property tests for the policy-repository files (benchmarks, exceptions, plans, targets
manifests, cases): whatever a file holds, loading it gives its value or a PolicyError (a
message with file, line and breadcrumb), never another exception.

Three kinds of input: arbitrary bytes; YAML documents of the right shape whose values are
anything YAML can write (every scalar style, tags JSON has no type for, anchors, aliases and
merge keys); and a shipped benchmark or example file with lines cut, repeated or spliced.

Bounded for the suite (100 examples each); for a long run set BASELINER_FUZZ_EXAMPLES::

    BASELINER_FUZZ_EXAMPLES=20000 python -m pytest tests/test_fuzz_policies.py -q
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.core.errors import PolicyError
from checker.core.files import parse_json
from checker.policy.compile import Benchmark
from checker.policy.load import load_benchmark
from checker.repo.casetest import load_cases
from checker.reporters import REPORTERS
from checker.run.options import RunOptions
from checker.run.orchestrate import run
from checker.scoring.plans import load_plans
from checker.scoring.waivers import load_exceptions
from checker.targets.load import plan

ROOT = Path(__file__).resolve().parents[1]
EXPORT = ROOT / "fixtures" / "lgpo" / "machine.txt"
EXAMPLES = int(os.environ.get("BASELINER_FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _manifest(path: Path) -> object:
    return plan([], manifest=path)


LOADERS: dict[str, tuple[str, Callable[[Path], object]]] = {
    "benchmark": ("b.yaml", load_benchmark),
    "exceptions": ("exceptions.yaml", load_exceptions),
    "plans": ("plans.yaml", load_plans),
    "targets": ("targets.yaml", _manifest),
    "cases": ("b.cases.yaml", load_cases),
}
"""Each kind of file: the name it is written under, and how the tool reads it."""

SKELETONS: dict[str, str] = {
    "benchmark": (
        "id: fuzz\ntitle: Fuzz\nchecks:\n  - id: «fuzz.one»\n    title: «One»\n"
        "    category: «os»\n    impact: «5»\n    severity: «high»\n"
        "    registry: «'HKLM\\Software\\X!Y'»\n    expect: {equals: «1»}\n    tags: [«t»]\n"
    ),
    "exceptions": (
        "exceptions:\n  - checks: «fuzz.*»\n    scope: {targets: [«ws»]}\n"
        "    justification: «third_party_control»\n    reason: «r»\n"
        "    owner: «a@example.com»\n    expires: «'2031-06-30'»\n"
    ),
    "plans": "plans:\n  - checks: [«fuzz.*»]\n    due: «'2031-03-31'»\n    owner: «o»\n",
    "targets": "targets:\n  - name: «ws»\n    sources: [«exports»]\n    group: «g»\n",
    "cases": (
        "benchmark: cased.yaml\ncases:\n  - name: «n»\n    state:\n"
        "      registry: {'HKLM\\Software\\X!Y': «1»}\n    expect: {fuzz.one: «pass»}\n"
    ),
}
"""A valid file of each kind, with «the value» of each place the fuzzer may overwrite."""

ODD = [
        "1", "-0", "0x1F", "0o17", "1_000", "1e3", "1.5e+3", ".inf", "-.inf", ".nan", "~", "null",
        "yes", "No", "on", "true", "2025-01-31", "2025-01-31T10:00:00Z", "12:30:00", "'q'",
        '"\\u00e9\\n"', "|\n      block", ">-\n      folded", "!!str 1", "!!int '7'",
        "!!float 1", "!!bool yes", "!!set {a, b}", "!!binary aGVsbG8=", "!!omap [{a: 1}]",
        "!!pairs [{a: 1}]", "!!null ''", "!!timestamp 2025-01-01", "!custom x", "&a 1", "*a",
        "{<<: {a: 1}, b: 2}", "[&x [1], *x]", "{a: &y 2, b: *y}", "[[[[]]]]", "{}", "[]",
        "{? [1, 2] : 3}", "{1: 2}", "{null: 1}", '"\\x00"', "'a''b'", "@bad", "`bad", "%bad",
        "'2031-02-30'", "'31/12/2031'", "'['", "'(?P<'", "'**'", "'\\\\'", "' '", "'é'",
]  # fmt: skip
"""Scalars, tags, anchors and collections YAML can write where a value goes."""


def _bomb(levels: int, fan: int = 10) -> str:
    """A flow value that expands to ``fan ** levels`` values once its aliases are followed."""
    items = ["&l0 [" + ", ".join(["x"] * fan) + "]"]
    items += [f"&l{n} [" + ", ".join([f"*l{n - 1}"] * fan) + "]" for n in range(1, levels)]
    return "[" + ", ".join(items) + "]"


HOSTILE = [_bomb(7), "[" * 80 + "]" * 80, "{a: " * 80 + "1" + "}" * 80, "&r [*r]"]
"""Values that must be refused wherever they go: an alias bomb, nesting deeper than the
limit in flow sequences and mappings, an alias that holds itself."""
ODD += HOSTILE


def _load(kind: str, text: bytes) -> None:
    """Load ``text`` as a ``kind`` file: a value or PolicyError, nothing else (a cases file
    tests ``cased.yaml``, a benchmark written beside it)."""
    name, load = LOADERS[kind]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(text)
        (Path(folder) / "cased.yaml").write_text(re.sub("«(.*?)»", r"\1", SKELETONS["benchmark"]))
        try:
            loaded = load(path)
        except PolicyError as exc:
            assert exc.path and exc.message
            return
        if isinstance(loaded, Benchmark):
            _check_and_render(loaded)


def _check_and_render(benchmark: Benchmark) -> None:
    """A benchmark that loads also checks an export and renders every report (which must
    be JSON where the format is)."""
    report = run([benchmark], [EXPORT], RunOptions())
    for name, reporter in REPORTERS.items():
        rendered = reporter.render(report)
        text = rendered if isinstance(rendered, str | bytes) else "".join(rendered)
        if name in ("json", "sarif"):
            parse_json(text if isinstance(text, str) else text.decode(), name)


@FUZZ
@given(st.sampled_from(sorted(LOADERS)), st.binary(max_size=2000))
def test_arbitrary_bytes(kind: str, data: bytes) -> None:
    _load(kind, data)


@st.composite
def _documents(draw: st.DrawFn) -> tuple[str, str]:
    """A file of some kind with about one place in four overwritten by a drawn value (so
    that one odd value is not always hidden behind another)."""
    kind = draw(st.sampled_from(sorted(SKELETONS)))
    parts = re.split("«(.*?)»", SKELETONS[kind])
    for index in range(1, len(parts), 2):
        if draw(st.integers(0, 3)) == 0:
            parts[index] = draw(st.sampled_from(ODD))
    return kind, "".join(parts)


@FUZZ
@given(_documents())
def test_documents_with_any_yaml_value(document: tuple[str, str]) -> None:
    kind, text = document
    _load(kind, text.encode())


@pytest.mark.parametrize("kind", sorted(SKELETONS))
def test_every_odd_value_in_every_place(kind: str) -> None:
    parts = re.split("«(.*?)»", SKELETONS[kind])
    for index in range(1, len(parts), 2):
        for value in ODD:
            _load(kind, "".join([*parts[:index], value, *parts[index + 1 :]]).encode())


def _real_files() -> dict[str, bytes]:
    """A shipped benchmark (its first checks), cases file and example repository files."""
    benchmark = (ROOT / "policies" / "msft-windows11-24h2.yaml").read_text(encoding="utf-8")
    head = benchmark[: benchmark.find("\n  - id:", 6000)] + "\n"
    repo = ROOT / "examples" / "policy-repo"
    return {
        "benchmark": head.encode(),
        "exceptions": (repo / "exceptions.yaml").read_bytes(),
        "plans": (repo / "plans.yaml").read_bytes(),
        "targets": (repo / "targets.yaml").read_bytes(),
    }


REAL = _real_files()
SPLICES = st.sampled_from(
    [b"", b":", b"- ", b"  ", b"\t", b"{", b"]", b"&a ", b"*a", b"!!set ", b"<<: ", b"\xff\xfe"]
)


@FUZZ
@given(
    st.sampled_from(sorted(REAL)),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 3), SPLICES), max_size=4),
)
def test_mutated_real_files(kind: str, edits: list[tuple[int, int, bytes]]) -> None:
    lines = REAL[kind].splitlines(keepends=True)
    for at, action, splice in edits:
        index = at % len(lines)
        if action == 0:
            del lines[index]
        elif action == 1:
            lines.insert(index, lines[index])
        else:
            column = at % (len(lines[index]) + 1)
            lines[index] = lines[index][:column] + splice + lines[index][column:]
        if not lines:
            break
    _load(kind, b"".join(lines))


@pytest.mark.parametrize("kind", sorted(REAL))
def test_the_real_files_load(kind: str) -> None:
    """The mutations start from files that load (so a refusal is the mutation's doing)."""
    name, load = LOADERS[kind]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(REAL[kind])
        value: Any = load(path)
        assert value is not None


@pytest.mark.parametrize("kind", sorted(SKELETONS))
@pytest.mark.parametrize("value", HOSTILE, ids=["alias-bomb", "deep-list", "deep-map", "loop"])
def test_hostile_values_are_refused_in_every_place(kind: str, value: str) -> None:
    """Refused before anything is built from them (validation would expand the bomb)."""
    parts = re.split("«(.*?)»", SKELETONS[kind])
    name, load = LOADERS[kind]
    for index in range(1, len(parts), 2):
        text = "".join([*parts[:index], value, *parts[index + 1 :]])
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            path.write_text(text, encoding="utf-8")
            with pytest.raises(PolicyError, match=r"aliases|nested deeper|holds it"):
                load(path)


@FUZZ
@given(
    st.integers(1, 9), st.integers(2, 12), st.integers(1, 300), st.sampled_from(sorted(SKELETONS))
)
def test_any_alias_fan_or_depth_is_a_value_or_a_policy_error(
    levels: int, fan: int, depth: int, kind: str
) -> None:
    parts = re.split("«(.*?)»", SKELETONS[kind])
    value = _bomb(levels, fan) if depth % 2 else "[" * depth + "]" * depth
    _load(kind, "".join([*parts[:1], value, *parts[2:]]).encode())
