"""checker.policy.jmes: compiled JMESPath gives exactly what ``jmespath.search`` gives.

Three layers: a small table that needs nothing outside the repository, every case of the
JMESPath compliance suite in ../shared (compared with the package, not with the suite's
expected results, since the package is the behaviour we replace), and random JSON documents
against a list of expression shapes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jmespath
import jmespath.exceptions
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.policy.jmes import compile_expression

# The suite's own syntax cases use the deprecated `foo` string literal on purpose.
pytestmark = pytest.mark.filterwarnings("ignore:deprecated string literal syntax")

COMPLIANCE_FILES = (
    "basic.json",
    "benchmarks.json",
    "boolean.json",
    "current.json",
    "escape.json",
    "filters.json",
    "functions.json",
    "identifiers.json",
    "indices.json",
    "literal.json",
    "multiselect.json",
    "pipe.json",
    "slice.json",
    "syntax.json",
    "unicode.json",
    "wildcard.json",
)

DELEGATED = {
    "abs(`1`, `2`)": ("function_expression",),
    "abs()": ("function_expression",),
    "not_null()": ("function_expression",),
    "unknown_function(`1`, `2`)": ("function_expression",),
    "sort_by(people, name)": ("function_expression",),
}
"""Compliance cases handed to the reference interpreter on purpose: calls with the wrong
number of arguments, of an unknown function, or with a plain value where an expression
reference is wanted.  The package raises for each; it does so here too, by being asked."""


Outcome = tuple[str, Any]


def outcome(run: Callable[[], Any]) -> Outcome:
    """("ok", result) or ("error", exception class)."""
    try:
        return "ok", run()
    except Exception as exc:
        return "error", type(exc)


def same_json(a: Any, b: Any) -> bool:
    """Equality that also tells 1 from 1.0 from True, and key order of objects."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_json(a[key], b[key]) for key in a)
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def same_outcome(compiled: Outcome, reference: Outcome) -> bool:
    if compiled[0] != reference[0]:
        return False
    if compiled[0] == "error":
        return compiled[1] is reference[1]
    return same_json(compiled[1], reference[1])


def reference_outcome(expression: str, data: Any) -> Outcome:
    return outcome(lambda: jmespath.search(expression, data))


def compiled_outcome(expression: str, data: Any) -> Outcome:
    parsed = outcome(lambda: compile_expression(expression))
    if parsed[0] == "error":
        return parsed
    return outcome(lambda: parsed[1].search(data))


# -- a table that needs nothing outside the repository --------------------------------------

DOCUMENT: dict[str, Any] = {
    "registry": {
        "hklm\\software\\policies\\x!a": {"value": 0, "type": "REG_DWORD"},
        "hklm\\software\\policies\\x!b": {"value": "1", "type": "REG_SZ"},
        "hklm\\software\\policies\\x!c": {"value": ["S-1-5-32-544"], "type": "REG_MULTI_SZ"},
    },
    "numbers": [3, 1.5, -2, 10],
    "flags": [True, 1, 0, False, None],
}

TABLE: list[tuple[str, Any, Any]] = [
    ('registry."hklm\\\\software\\\\policies\\\\x!a".value', DOCUMENT, 0),
    ('registry."hklm\\\\software\\\\policies\\\\x!missing".value', DOCUMENT, None),
    ("registry.*.type", DOCUMENT, ["REG_DWORD", "REG_SZ", "REG_MULTI_SZ"]),
    ("values(registry)[?type == 'REG_SZ'].value", DOCUMENT, ["1"]),
    ("registry.*[?type == 'REG_SZ']", DOCUMENT, []),
    ("@ >= `14`", 14, True),
    ("@ >= `14`", [15], None),
    ("@ < 'b'", "a", True),
    ("@ == `1`", True, False),
    ("@ == `1`", 1.0, True),
    ("@ == `[1]`", [True], True),
    ("!@", 0, False),
    ("!@", [], True),
    ("@ || 'x'", "", "x"),
    ("@ && 'x'", {}, {}),
    ("numbers[-1]", DOCUMENT, 10),
    ("numbers[::-2]", DOCUMENT, [10, 1.5]),
    ("numbers[?@ > `0`]", DOCUMENT, [3, 1.5, 10]),
    ("flags[]", DOCUMENT, [True, 1, 0, False]),
    ("[flags, numbers][]", DOCUMENT, [True, 1, 0, False, 3, 1.5, -2, 10]),
    ("flags[*]", DOCUMENT, [True, 1, 0, False]),
    ("contains(flags, `1`)", DOCUMENT, True),
    ("max(numbers)", DOCUMENT, 10),
    ("sort_by(numbers[*].{n: @}, &n)[0].n", DOCUMENT, -2),
    ("avg(numbers)", DOCUMENT, 3.125),
    ("to_number('0x10')", None, None),
    ("to_string(`[1, true]`)", None, "[1,true]"),
    ("type(@)", None, "null"),
    ("[numbers[0], missing]", DOCUMENT, [3, None]),
    ("{first: numbers[0]}", None, None),
]


@pytest.mark.parametrize(("expression", "data", "expected"), TABLE)
def test_table(expression: str, data: Any, expected: Any) -> None:
    compiled = compile_expression(expression)
    assert compiled.expression == expression
    assert compiled.delegated == ()
    assert same_json(compiled.search(data), expected)
    assert same_json(jmespath.search(expression, data), expected)


ERRORS: list[tuple[str, Any, type[Exception]]] = [
    ("length(`1`)", None, jmespath.exceptions.JMESPathTypeError),
    ('sort(`[1, "a"]`)', None, jmespath.exceptions.JMESPathTypeError),
    ('sort_by(`[{"a": 1}, {"a": true}]`, &a)', None, jmespath.exceptions.JMESPathTypeError),
    ("@ < `1`", "a", TypeError),
    ("@ >= `14`", "15", TypeError),
    ("length(@, @)", None, jmespath.exceptions.ArityError),
    ("nope(@)", None, jmespath.exceptions.UnknownFunctionError),
    ("@[::0]", [1], ValueError),
]


@pytest.mark.parametrize(("expression", "data", "error"), ERRORS)
def test_runtime_errors_match_the_package(
    expression: str, data: Any, error: type[Exception]
) -> None:
    with pytest.raises(error):
        jmespath.search(expression, data)
    with pytest.raises(error):
        compile_expression(expression).search(data)


@pytest.mark.parametrize("expression", ["a[", "a.", "a[?b ==]", "foo[?]"])
def test_syntax_errors_raise_parse_error(expression: str) -> None:
    with pytest.raises(jmespath.exceptions.ParseError):
        compile_expression(expression)


@pytest.mark.parametrize(
    ("expression", "delegated"),
    [
        ("&a", ("expref",)),
        ("length(@, @)", ("function_expression",)),
        ("a[?b].not_null(&c)", ("function_expression",)),
        ("a.b", ()),
    ],
)
def test_delegated_nodes_are_reported(expression: str, delegated: tuple[str, ...]) -> None:
    assert compile_expression(expression).delegated == delegated


# -- the JMESPath compliance suite ----------------------------------------------------------


def suite_cases(folder: Path, name: str) -> list[tuple[str, Any]]:
    groups = json.loads((folder / name).read_text("utf-8"))
    return [(case["expression"], group["given"]) for group in groups for case in group["cases"]]


@pytest.fixture(scope="module")
def compliance(shared: Path) -> dict[str, list[tuple[str, Any]]]:
    folder = shared / "jmespath-compliance"
    return {name: suite_cases(folder, name) for name in COMPLIANCE_FILES}


@pytest.mark.parametrize("name", COMPLIANCE_FILES)
def test_compliance_suite_matches_the_package(
    compliance: dict[str, list[tuple[str, Any]]], name: str
) -> None:
    differing = [
        (expression, compiled, reference)
        for expression, data in compliance[name]
        if not same_outcome(
            compiled := compiled_outcome(expression, data),
            reference := reference_outcome(expression, data),
        )
    ]
    assert differing == []


def test_compliance_suite_delegates_only_the_listed_cases(
    compliance: dict[str, list[tuple[str, Any]]],
) -> None:
    expressions = [expression for cases in compliance.values() for expression, _ in cases]
    compiled = [compile_expression(text) for text in expressions if parses(text)]
    delegated = {item.expression: item.delegated for item in compiled if item.delegated}
    assert delegated == DELEGATED
    assert (len(expressions), len(compiled)) == (908, 803)


def parses(expression: str) -> bool:
    try:
        jmespath.compile(expression)
    except jmespath.exceptions.JMESPathError:
        return False
    return True


# -- random documents against expression shapes ---------------------------------------------

SHAPES = (
    "a",
    "a.b.c",
    "a[0]",
    "a[-1].b",
    "a[1:]",
    "a[::-1]",
    "a[-2:0:-1]",
    "a[*].b",
    "a[].b",
    "a[][]",
    "*.b",
    "a.*.c",
    "a[?b]",
    "a[?b == c].a",
    "a[?b != `1`]",
    "a[?b > `0`]",
    "a[?b <= 'm']",
    "a < b",
    "a >= `0.5`",
    "a == `true`",
    "a == `0`",
    "a == b",
    "a && b",
    "a || b",
    "!a",
    "!(a || b) && c",
    "[a, b.c]",
    "{x: a, y: b[0]}",
    "a | b",
    "a[*].b | [0]",
    "@",
    "`null`",
    "length(a)",
    "contains(a, b)",
    "starts_with(a, b)",
    "ends_with(a, 'x')",
    "keys(a)",
    "values(@)",
    "max(a)",
    "min(a[*].b)",
    "sort(a)",
    "join(', ', a)",
    "sum(a)",
    "avg(a)",
    "abs(a)",
    "ceil(a)",
    "floor(b)",
    "to_string(a)",
    "to_number(a)",
    "to_array(a)",
    "type(a)",
    "not_null(a, b, c)",
    "reverse(a)",
    "merge(a, b)",
    "sort_by(a, &b)",
    "min_by(a, &b)",
    "max_by(a, &c)",
    "map(&b, a)",
    "length(a[?b])",
)

KEYS = st.sampled_from("abc")
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=False, width=16)
    | st.text("abmx", max_size=3)
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(JSON_VALUES)
def test_random_documents_match_the_package(data: Any) -> None:
    differing = [
        (expression, compiled, reference)
        for expression in SHAPES
        if not same_outcome(
            compiled := compiled_outcome(expression, data),
            reference := reference_outcome(expression, data),
        )
    ]
    assert differing == []
