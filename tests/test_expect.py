from __future__ import annotations

from pathlib import Path
from typing import Any

import jmespath
import pytest
import yaml

from checker.policy.expect import ExpectError, compile_assert, compile_expect, truthy

CASES = yaml.safe_load((Path(__file__).parent / "data" / "expect_cases.yaml").read_text())


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['expect']}~{c['value']!r}")
def test_expect_operators(case: dict[str, Any]) -> None:
    judge, _, _ = compile_expect(case["expect"])
    assert judge(case["value"]) is case["passes"]


@pytest.mark.parametrize(
    ("spec", "text"),
    [
        ({"equals": 1}, "== 1"),
        ({"gte": 14, "lte": 30}, ">= 14 and <= 30"),
        ({"in": ["Success", "Success and Failure"]}, 'in ["Success", "Success and Failure"]'),
        ({"absent": True}, "absent"),
        ({"set_equals": ["S-1-5-32-544"]}, 'exactly ["S-1-5-32-544"]'),
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
    ],
)
def test_bad_expect(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(ExpectError, match=message.replace("(", r"\(")):
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
