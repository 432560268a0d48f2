"""Markdown step summaries: golden files, escaping, GitHub's 1 MiB limit."""

from __future__ import annotations

from dataclasses import replace

import pytest

from checker.core.results import Gate, Report
from checker.reporters import markdown
from tests.reporters import factory
from tests.reporters.conftest import CASES, Golden


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case: str, golden: Golden) -> None:
    golden(f"{case}.md", markdown.render(CASES[case]()))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a | b", "a \\| b"),
        ("HKLM\\Software", "HKLM\\\\Software"),
        ("<script>", "\\<script\\>"),
        ("one\r\ntwo\nthree", "one\\\\r\\\\ntwo\\\\nthree"),
        ("lone\rcarriage return", "lone\\\\rcarriage return"),
        ("`tick` *em* _u_ ~s~", "\\`tick\\` \\*em\\* \\_u\\_ \\~s\\~"),
        ("see [x](https://evil.example/a)", "see \\[x\\](https\\[:\\]//evil.example/a)"),
        ("www.evil.example", "www\\[.\\]evil.example"),
        ("ping @team", "ping @\u200bteam"),
    ],
)
def test_cell_escaping(text: str, expected: str) -> None:
    assert markdown.cell(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("HKLM\\X!Y", "`HKLM\\X!Y`"), ("a`b|c", "`a'b¦c`"), ("x\r\n## y", "`x\\r\\n## y`")],
)
def test_code_spans(text: str, expected: str) -> None:
    assert markdown.code(text) == expected


@pytest.mark.parametrize("section", ["### Uncertain results", "### Input errors"])
def test_edge_cases_call_out(section: str) -> None:
    assert section in markdown.render(CASES["edge_cases"]())


def test_conflicts_are_listed() -> None:
    text = markdown.render(CASES["fleet_of_three"]())
    assert "| `WS-0002` | `registry:HKLM\\Software\\X!Y` |" in text


def test_fleet_summary_is_small(fleet_1k: Report) -> None:
    text = markdown.render(fleet_1k)
    assert len(text.encode("utf-8")) < markdown.MAX_BYTES
    exposed = sum(1 for check in fleet_1k.fleet.checks if check.exposed)
    assert f"_{exposed - markdown.TOP:,} more recommendations not shown._" in text


@pytest.mark.parametrize("limit", [600, 2_000, 5_000])
def test_truncated_at_a_line_with_a_note(fleet_1k: Report, limit: int) -> None:
    text = markdown.render(fleet_1k, limit=limit)
    assert len(text.encode("utf-8")) <= limit
    assert text.endswith("the JSON, CSV or SARIF report has everything.\n")
    assert markdown.render(fleet_1k).startswith(text.split("\n> **Truncated**")[0])


@pytest.mark.parametrize(
    ("gate", "top"),
    [
        (
            Gate(False, ("2 result(s) fail/not_configured", "score 37.2% is under 90%")),
            "> [!CAUTION]\n> **Gate failed**\n> - 2 result(s) fail/not\\_configured\n"
            "> - score 37.2% is under 90%\n",
        ),
        (
            Gate(False, ("1 result(s) error",), soft=True),
            "> [!WARNING]\n> **Gate failed (--soft-fail: the run exits 0)**\n"
            "> - 1 result(s) error\n",
        ),
        (Gate(True), "> [!TIP]\n> **Gate passed**: every condition of the gate is met.\n"),
    ],
)
def test_gate_verdict_first(gate: Gate, top: str) -> None:
    text = markdown.render(replace(factory.fleet_of_three(), gate=gate))
    assert text.startswith(top + "\n## baseliner: 37.2% for fleet of 3 devices")
