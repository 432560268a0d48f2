"""tools.benchgen.rules: the area, severity and expectation of a setting (rules.yaml), and
the loader's checks of a rules file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.tools.benchgen.factory import fact
from tools.benchgen.hardeningkitty import Finding
from tools.benchgen.rules import (
    RULES,
    RULES_FILE,
    RulesError,
    area_of,
    expect_of,
    load_rules,
    severity_of,
)

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "rules_cases.yaml").read_text(encoding="utf-8")
)


def _finding(severity: str | None) -> Finding | None:
    if severity is None:
        return None
    return Finding("1", "Cat", "Name", "Registry", "", "", "", "", "", "=", severity, 2)


def _name(case: dict[str, Any]) -> str:
    return fact(case["given"]).key.rpartition("\\")[2]


@pytest.mark.parametrize("case", CASES, ids=_name)
def test_rules(case: dict[str, Any]) -> None:
    given = fact(case["given"])
    area = area_of(given)
    severity, impact = severity_of(given, _finding(case["given"].get("finding")))
    expect, note = expect_of(given)
    got = {
        "area": area.tag,
        "category": str(area.category),
        "attack": list(area.attack),
        "severity": severity,
        "impact": impact,
        "expect": expect,
        "note": note,
    }
    wanted = {key: case[key] for key in got if key in case}
    assert {key: got[key] for key in wanted} == wanted


def test_every_area_has_a_case() -> None:
    assert {case["area"] for case in CASES if "area" in case} == {a.tag for a in RULES.areas}


def _rules_file(tmp_path: Path, edit: str, replacement: str) -> Path:
    text = RULES_FILE.read_text(encoding="utf-8")
    assert edit in text
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace(edit, replacement, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "replacement", "message"),
    [
        ("category: security_controls", "category: security", "areas[0].category: 'security'"),
        ("attack: [T1566.001, T1204.002]", "attack: [T1566.001, CVE-2021-1]", "areas[0].attack[1]"),
        ("match: ['exploit guard\\\\asr']", "match: ['exploit guard(']", "areas[0].match: not a"),
        ("  - tag: defender", "  - tag: asr", "a tag is used twice"),
        ("  - tag: os\n    category: os\n", "  - tag: os\n    category: os\n    match: [x]\n",
         "areas[28].match: the last area takes every setting left"),
        ("    match: ['\\\\laps!']\n", "", "areas[20]: missing ['match']"),
        ("    operator: lte", "    operator: lt", "bounds[1].operator: 'lt'"),
        ("impact: {critical: 10,", "impact: {critical: 11,", "impact.critical: 11"),
        ("impact: {critical: 10,", "impact: {", "impact: missing ['critical']"),
        ("    why: a longer lockout", "    because: a longer lockout",
         "bounds[5]: missing ['why'], unknown ['because']"),
    ],
)  # fmt: skip
def test_a_bad_rules_file_names_the_key_at_fault(
    tmp_path: Path, edit: str, replacement: str, message: str
) -> None:
    path = _rules_file(tmp_path, edit, replacement)
    with pytest.raises(RulesError) as raised:
        load_rules(path)
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)


def test_the_shipped_rules_load() -> None:
    assert load_rules() == RULES
    assert RULES.areas[-1].tag == "os"
