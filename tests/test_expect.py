from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jmespath
import pytest
import yaml

from checker.policy.expect import (
    ExpectError,
    compile_assert,
    compile_expect,
    operands,
    truthy,
)

CASES = yaml.safe_load((Path(__file__).parent / "data" / "expect_cases.yaml").read_text())


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['expect']}~{c['value']!r}")
def test_expect_operators(case: dict[str, Any]) -> None:
    judge, _, _ = compile_expect(case["expect"], text_numbers=case.get("text_numbers", False))
    assert judge(case["value"]) is case["passes"]


@pytest.mark.parametrize(
    ("spec", "text"),
    [
        ({"equals": 1}, "== 1"),
        ({"gte": 14, "lte": 30}, ">= 14 and <= 30"),
        ({"in": ["Success", "Success and Failure"]}, 'in ["Success", "Success and Failure"]'),
        ({"absent": True}, "absent"),
        ({"set_equals": ["S-1-5-32-544"]}, 'exactly ["S-1-5-32-544"]'),
        ({"any_of": [{"equals": 0}, {"gte": 15}]}, "== 0 or >= 15"),
        ({"any_of": [{"equals": 0}, {"gte": 1, "lte": 3}]}, "== 0 or (>= 1 and <= 3)"),
        (
            {"flags": {"RequireIntegrity": 1, "RequirePrivacy": True}},
            "has flags RequireIntegrity=1, RequirePrivacy=true",
        ),
        ({"not_matches": "^Guest$"}, 'does not match /"^Guest$"/'),
        ({"text_equals": "a\n  b"}, 'is the text "a b"'),
        ({"text_equals": "x" * 80}, f'is the text "{"x" * 72}…" (80 characters)'),
    ],
)
def test_expected_text(spec: dict[str, Any], text: str) -> None:
    assert compile_expect(spec)[1] == text


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"gte": "a"}, "gte: needs a number"),
        ({"in": 3}, "in: needs a list"),
        ({"matches": "("}, "matches: bad regular expression"),
        ({"absent": "yes"}, "absent: needs true or false"),
        ({"bogus": 1}, "unknown operator 'bogus'"),
        ({"any_of": []}, "any_of: needs a list of expect mappings"),
        ({"any_of": [{"absent": True}]}, "any_of[0]: absent has no alternative"),
        ({"any_of": [{"gte": "x"}]}, "any_of[0].gte: needs a number"),
        ({"flags": {}}, "flags: needs a mapping"),
        ({"text_equals": 3}, "text_equals: needs a string"),
        ({"superset_of": [{"any_of": []}]}, "superset_of: any_of: needs a list of items"),
    ],
)
def test_bad_expect(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(ExpectError, match=re.escape(message)):
        compile_expect(spec)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, False),
        (False, False),
        (True, True),
        (0, True),
        ("", False),
        ("x", True),
        ([], False),
        ([0], True),
        ({}, False),
        ({"a": 1}, True),
    ],
)
def test_jmespath_truth(value: Any, expected: bool) -> None:
    assert truthy(value) is expected


def test_assert_uses_jmespath_truth() -> None:
    judge, text, absent = compile_assert(jmespath.compile("@ >= `14`"), "@ >= `14`")
    assert (judge(14), judge(13), text, absent) == (True, False, "@ >= `14`", False)


def test_operands_name_what_a_report_could_print() -> None:
    spec = {"any_of": [{"equals": 0}, {"in": [15, 30]}], "not_equals": "x", "empty": False}
    assert operands(spec) == [0, 15, 30, "x"]
