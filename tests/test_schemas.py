"""The two schema validators agree: fastjsonschema's "valid" is taken without asking jsonschema
(checker/schemas.py), so on every document they must give the same answer."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.policy import schemas
from checker.policy.yamlsrc import load_yaml

ROOT = Path(__file__).resolve().parents[1]
_SCHEMA_MAPS = ("properties", "$defs")
"""Keywords whose value maps names to schemas."""
_SCHEMA_LISTS = ("oneOf", "anyOf")


def _keywords(part: Any) -> Iterator[str]:
    """Every keyword used in the schema ``part``, at any depth."""
    if not isinstance(part, dict):
        return
    for keyword, value in part.items():
        yield keyword
        if keyword in _SCHEMA_MAPS:
            for sub in value.values():
                yield from _keywords(sub)
        elif keyword in _SCHEMA_LISTS:
            for sub in value:
                yield from _keywords(sub)
        elif keyword == "items":
            assert isinstance(value, dict), "items is one schema (a list means another thing)"
            yield from _keywords(value)
        elif keyword == "additionalProperties":
            yield from _keywords(value)


@pytest.mark.parametrize("name", [*schemas.SCHEMAS, "cases"])
def test_schemas_use_only_keywords_both_validators_read_alike(name: str) -> None:
    assert set(_keywords(schemas.schema(name))) <= schemas.KEYWORDS


def _documents() -> list[tuple[str, str, Any]]:
    """(schema, definition, document) seeds: every shipped benchmark and each of its checks,
    the shipped cases files, and the example and fixture exceptions, plans and targets."""
    out: list[tuple[str, str, Any]] = []
    for path in sorted((ROOT / "policies").glob("*.yaml")):
        document = load_yaml(path)
        out.append(("benchmark", "", document))
        out += [("benchmark", "check", check) for check in document.get("checks", [])[:40]]
    for path in sorted((ROOT / "policies" / "tests").glob("*.cases.yaml"))[:3]:
        out.append(("cases", "", load_yaml(path)))
    for folder in (ROOT / "examples" / "policy-repo", ROOT / "fixtures" / "exceptions"):
        for kind in ("exceptions", "plans", "targets"):
            path = folder / f"{kind}.yaml"
            if path.exists():
                out.append((kind, "", load_yaml(path)))
    return out


DOCUMENTS = _documents()
KINDS = sorted({(name, definition) for name, definition, _ in DOCUMENTS})
"""Each schema (and the benchmark's check definition), drawn alike however many seeds it has."""
VALUES: list[Any] = [None, 0, -1, 11, 1.5, True, "", "x", "HKLM\\K!v", "a/b", "SeX", [], {}, ["x"]]
"""What a mutation puts in place of a value: every JSON type, and the shapes the patterns,
bounds and enums of the schemas tell apart."""


def _agree(name: str, definition: str, document: Any) -> None:
    fast = schemas._fast(name, definition)(document)
    full = not any(True for _ in schemas._validator(name, definition).iter_errors(document))
    assert fast == full, (name, definition, document)


_SEEDS = [next(seed for seed in DOCUMENTS if seed[:2] == kind) for kind in KINDS]


@pytest.mark.parametrize(("name", "definition", "document"), _SEEDS)
def test_the_validators_agree_on_valid_documents(name: str, definition: str, document: Any) -> None:
    _agree(name, definition, document)


def _places(document: Any, trail: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths to every dict key and list index in ``document``."""
    if not isinstance(document, dict | list):
        return
    for key, value in document.items() if isinstance(document, dict) else enumerate(document):
        yield (*trail, key)
        yield from _places(value, (*trail, key))


def _small(document: Any) -> Any:
    """``document`` with every list cut to its first two items (a copy)."""
    if isinstance(document, dict):
        return {key: _small(value) for key, value in document.items()}
    if isinstance(document, list):
        return [_small(item) for item in document[:2]]
    return document


def _replaced(document: Any, place: tuple[Any, ...], value: Any) -> Any:
    """A copy of ``document`` with the item at ``place`` replaced by ``value``."""
    out = copy.deepcopy(document)
    parent = out
    for step in place[:-1]:
        parent = parent[step]
    parent[place[-1]] = copy.deepcopy(value)
    return out


SMALL = [(name, definition, _small(seed)) for name, definition, seed in _SEEDS]
REPLACEMENTS = [
    (name, definition, _replaced(seed, place, value))
    for name, definition, seed in SMALL
    for place in _places(seed)
    for value in VALUES
]
"""Every item of one small seed of each kind replaced by every value, one at a time: each
bound, pattern, enum and type of the schemas meets a value on both sides of it."""


@pytest.mark.parametrize("kind", KINDS)
def test_the_validators_agree_on_every_single_replacement(kind: tuple[str, str]) -> None:
    cases = [case for case in REPLACEMENTS if case[:2] == kind]
    assert len(cases) > 50
    for case in cases:
        _agree(*case)


def _value(draw: st.DrawFn) -> Any:
    return copy.deepcopy(draw(st.sampled_from(VALUES)))  # each its own: lists get appended to


@st.composite
def _mutated(draw: st.DrawFn) -> tuple[str, str, Any]:
    name, definition = draw(st.sampled_from(KINDS))
    seeds = [seed for *kind, seed in DOCUMENTS if kind == [name, definition]]
    document = copy.deepcopy(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 3))):
        places = list(_places(document))
        if not places:
            break
        *parent_trail, last = draw(st.sampled_from(places))
        parent = document
        for step in parent_trail:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[last] = _value(draw)
        elif action == "delete":
            del parent[last]
        elif isinstance(parent, dict):
            key = draw(st.sampled_from(["bogus", "id", "expect", "registry", "equals"]))
            parent[key] = _value(draw)
        else:
            parent.append(_value(draw))
    return name, definition, document


@settings(max_examples=300, deadline=None)
@given(_mutated())
def test_the_validators_agree_on_mutated_documents(case: tuple[str, str, Any]) -> None:
    _agree(*case)
