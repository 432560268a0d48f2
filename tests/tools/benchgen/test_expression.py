"""tools.benchgen.expression: OSConfig's expected values as expect mappings."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.core.values import JSON
from tools.benchgen.expression import Typing, parse_expression, to_expect, typing_for
from tools.benchgen.vocabulary import AUDIT_VALUES

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "expression_cases.yaml").read_text()
)


def _audit(value: JSON) -> JSON:
    return AUDIT_VALUES.get(value, value) if isinstance(value, int) else value


TYPINGS: dict[str, tuple[Typing, bool]] = {
    "audit": (_audit, False),
    "privilege": (typing_for("string"), True),
    "REG_MULTI_SZ": (typing_for("REG_MULTI_SZ"), True),
}
"""How osconfig.settings_of types the literals of a setting: audit values and user rights
as it does; registry values and the rest by their type."""


@pytest.mark.parametrize("case", CASES, ids=lambda case: case["expression"])
def test_to_expect(case: dict[str, Any]) -> None:
    typed, list_valued = TYPINGS.get(case["type"], (typing_for(case["type"]), False))
    if "error" in case:
        with pytest.raises(ValueError, match=re.escape(case["error"])):
            to_expect(parse_expression(case["expression"]), typed, list_valued)
        return
    expected = to_expect(parse_expression(case["expression"]), typed, list_valued)
    assert expected.expect == case["expect"]
    assert expected.note == case.get("note")
