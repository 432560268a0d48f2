"""``diff`` of two JSON result files: a committed before/after pair, transition tables, bad input.

tests/data/diff/before.json and after.json are the JSON reporter's output for the factory's
three-device fleet before and after SMB signing is fixed on WS-0001; they and the expected
renderings are rewritten with ``--regen-golden``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import pytest

from checker.core.files import chunks
from checker.core.results import Report
from checker.core.statuses import Status
from checker.core.values import Origin
from checker.history.diff import Change, DiffInputError, ScoreChange, diff, read_result
from checker.reporters.diff import render_diff
from checker.reporters.json import render as render_chunks
from tests.reporters import factory

DATA = Path(__file__).parent / "data" / "diff"


def render_json(report: Report) -> str:
    """The JSON result file's text, as ``check -o json=FILE`` writes it."""
    return b"".join(chunks(render_chunks(report))).decode()


def _fixed_fleet() -> Report:
    """The factory fleet after WS-0001 gets SMB signing required."""
    before = factory.fleet_of_three()
    first = before.targets[0]
    smb = factory.result(
        "MS-NET-002", Status.PASS, 1, Origin(f"{factory.GPO}/registry.pol", offset=1024)
    )
    results = [smb if r.check.id == "MS-NET-002" else r for r in first.results]
    fixed = factory.target(first.name, results, first.sources, first.conflicts)
    return factory.report([fixed, *before.targets[1:]])


GIVEN = {"before.json": factory.fleet_of_three, "after.json": _fixed_fleet}


def _check_golden(path: Path, text: str, regen: bool) -> None:
    if regen:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("name", sorted(GIVEN))
def test_given_files_are_the_json_reporters_output(name: str, regen_golden: bool) -> None:
    _check_golden(DATA / name, render_json(GIVEN[name]()), regen_golden)


def _committed() -> tuple[dict[str, Any], dict[str, Any]]:
    return read_result(DATA / "before.json"), read_result(DATA / "after.json")


def test_fix_is_named_with_the_exact_score_change() -> None:
    result = diff(*_committed())
    assert result.fixed == (
        Change("MS-NET-002", "SMB server requires signing", "WS-0001", "fail", "pass"),
    )
    assert result.new_failures == ()
    assert result.no_longer_failing == ()
    assert result.still_failing == 9
    assert _shown(result.overall) == (37.18, 44.87, 7.69)
    assert [(name, _shown(c)) for name, c in result.categories] == [
        ("accounts", (55.56, 55.56, 0.0)),
        ("application", (50.0, 50.0, 0.0)),
        ("network", (33.33, 66.67, 33.33)),
        ("os", (66.67, 66.67, 0.0)),
        ("security_controls", (0.0, 0.0, 0.0)),
    ]
    (moved,) = result.targets
    assert (moved.name, _shown(moved.overall)) == ("WS-0001", (30.77, 53.85, 23.08))
    assert [(name, _shown(c)) for name, c in moved.categories] == [
        ("accounts", (33.33, 33.33, 0.0)),
        ("application", (100.0, 100.0, 0.0)),
        ("network", (0.0, 100.0, 100.0)),
        ("os", (100.0, 100.0, 0.0)),
        ("security_controls", (0.0, 0.0, 0.0)),
    ]
    assert (result.new_targets, result.removed_targets) == ((), ())


def _shown(change: ScoreChange) -> tuple[float | None, ...]:
    """Before and after as the renderings show them (two decimals), and the change."""
    old, new = (None if v is None else round(v, 2) for v in (change.old, change.new))
    return (old, new, change.delta)


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("text", "expected.txt"), ("markdown", "expected.md"), ("json", "expected.json")],
)
def test_renderings(
    fmt: Literal["text", "markdown", "json"], expected: str, regen_golden: bool
) -> None:
    _check_golden(DATA / expected, render_diff(diff(*_committed()), fmt), regen_golden)


def test_reverse_diff_is_a_new_failure() -> None:
    before, after = _committed()
    result = diff(after, before)
    assert result.new_failures == (
        Change("MS-NET-002", "SMB server requires signing", "WS-0001", "pass", "fail"),
    )
    assert result.fixed == ()
    assert result.overall.delta == -7.69


# Transitions on small hand-written documents ------------------------------------------------


def _document(targets: dict[str, dict[str, str]], percent: float = 50.0) -> dict[str, Any]:
    """A minimal result document: target -> check -> status."""
    score = {"score": {"percent": percent}, "categories": {"os": {"percent": percent}}}
    return {
        "schema_version": "1.0",
        "fleet": score,
        "targets": [
            {
                "name": name,
                **score,
                "results": [
                    {"check": check, "title": f"title {check}", "status": status}
                    for check, status in checks.items()
                ],
            }
            for name, checks in targets.items()
        ],
    }


TRANSITIONS = [
    # (id, old status, new status, list the change lands in or "still")
    ("pass-to-fail", "pass", "fail", "new_failures"),
    ("pass-to-not-configured", "pass", "not_configured", "new_failures"),
    ("exempt-to-fail", "exempt", "fail", "new_failures"),
    ("uncertain-to-fail", "uncertain", "fail", "new_failures"),
    ("new-check-failing", None, "fail", "new_failures"),
    ("fail-to-pass", "fail", "pass", "fixed"),
    ("not-configured-to-pass", "not_configured", "pass", "fixed"),
    ("fail-to-exempt", "fail", "exempt", "no_longer_failing"),
    ("fail-to-not-applicable", "fail", "not_applicable", "no_longer_failing"),
    ("check-removed", "fail", None, "no_longer_failing"),
    ("fail-to-not-configured", "fail", "not_configured", "still"),
    ("fail-to-fail", "fail", "fail", "still"),
    ("pass-to-pass", "pass", "pass", None),
    ("pass-to-uncertain", "pass", "uncertain", None),
    ("new-check-passing", None, "pass", None),
]


@pytest.mark.parametrize(
    ("old", "new", "lands"), [t[1:] for t in TRANSITIONS], ids=[t[0] for t in TRANSITIONS]
)
def test_transitions(old: str | None, new: str | None, lands: str | None) -> None:
    before = _document({"WS": {"C-1": old} if old else {}})
    after = _document({"WS": {"C-1": new} if new else {}})
    result = diff(before, after)
    lists = {name: getattr(result, name) for name in ("new_failures", "fixed", "no_longer_failing")}
    expected_change = Change("C-1", "title C-1", "WS", old, new)
    assert lists == {name: (expected_change,) if name == lands else () for name in lists}
    assert result.still_failing == (1 if lands == "still" else 0)


def test_added_and_removed_targets() -> None:
    before = _document({"A": {"C-1": "fail"}, "B": {"C-1": "fail"}})
    after = _document({"B": {"C-1": "fail"}, "C": {"C-1": "not_configured", "C-2": "pass"}})
    result = diff(before, after)
    assert (result.new_targets, result.removed_targets) == (("C",), ("A",))
    assert result.new_failures == (Change("C-1", "title C-1", "C", None, "not_configured"),)
    assert result.fixed == ()
    assert result.no_longer_failing == ()
    assert result.still_failing == 1


def test_score_changes_and_missing_categories() -> None:
    before = _document({"A": {}}, percent=40.0)
    after = _document({"A": {}}, percent=52.5)
    after["fleet"]["categories"] = {"network": {"percent": 90.0}}
    result = diff(before, after)
    assert result.overall == ScoreChange(40.0, 52.5)
    assert result.categories == (
        ("network", ScoreChange(None, 90.0)),
        ("os", ScoreChange(40.0, None)),
    )
    assert result.categories[0][1].delta is None
    assert [t.name for t in result.targets] == ["A"]
    assert "  network        - ->  90.00%\n  os        40.00% ->       -\n" in render_diff(
        result, "text"
    )


def test_lists_are_capped_in_text_but_complete_in_json() -> None:
    before = _document({f"WS-{n:03d}": {f"C-{c:02d}": "pass" for c in range(30)} for n in range(8)})
    after = _document({f"WS-{n:03d}": {f"C-{c:02d}": "fail" for c in range(30)} for n in range(8)})
    result = diff(before, after)
    text = render_diff(result, "text")
    assert "new failures: 240 results of 30 checks\n" in text
    assert "  C-00  title C-00: WS-000, WS-001, WS-002, WS-003, WS-004 and 3 more\n" in text
    assert "  ... and 10 more checks\n" in text
    assert "C-20" not in text
    assert len(json.loads(render_diff(result, "json"))["new_failures"]) == 240


def test_markdown_escapes_cells() -> None:
    before = _document({"A|<b>": {"C|1": "pass"}})
    after = _document({"A|<b>": {"C|1": "fail"}})
    after["targets"][0]["results"][0]["title"] = "line one\nline <two> | x"
    markdown = render_diff(diff(before, after), "markdown")
    assert "| `C\\|1` | line one\\\\nline \\<two\\> \\| x | A\\|\\<b\\> |" in markdown


# Bad input ----------------------------------------------------------------------------------

VALID = render_json(factory.single_device())

BAD_INPUT = [
    ("empty", b"", "invalid JSON: Expecting value", 1, 1),
    (
        "trailing-comma",
        b'{\n  "schema_version": "1.0",\n}\n',
        "invalid JSON: Expecting property name enclosed in double quotes",
        3,
        1,
    ),
    ("truncated", VALID.encode()[:200], "invalid JSON: Unterminated string starting at", 11, 7),
    (
        "utf16-bad",
        b"\xff\xfe{\x00\n\x00,\x00",
        "invalid JSON: Expecting property name enclosed in double quotes",
        2,
        1,
    ),
    ("nan", b'{"schema_version":\n  NaN}', "invalid JSON: NaN is not a JSON value", 2, 3),
    ("array", b"[]", "not a baseliner result file: the top level is not an object", None, None),
    (
        "schema-2",
        b'{"schema_version": "2.0"}',
        "not a baseliner result file: schema_version '2.0' is not 1.x",
        None,
        None,
    ),
    (
        "no-fleet",
        b'{"schema_version": "1.0", "targets": []}',
        "not a baseliner result file: fleet: missing or not an object",
        None,
        None,
    ),
    (
        "result-without-status",
        VALID.replace('"status":"fail"', '"state":"fail"', 1).encode(),
        "not a baseliner result file: targets[0].results[0]: needs string 'check' and 'status'",
        None,
        None,
    ),
    (
        "category-without-percent",
        VALID.replace('"percent":0.0', '"percent":"0"', 1).encode(),
        "not a baseliner result file: targets[0].categories.application.percent: "
        "missing or not a number",
        None,
        None,
    ),
]


@pytest.mark.parametrize(
    ("data", "message", "line", "column"), [c[1:] for c in BAD_INPUT], ids=[c[0] for c in BAD_INPUT]
)
def test_bad_input_names_file_line_and_column(
    tmp_path: Path, data: bytes, message: str, line: int | None, column: int | None
) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(data)
    with pytest.raises(DiffInputError) as caught:
        read_result(path)
    error = caught.value.error
    assert (error.path, error.line, error.column) == (str(path), line, column)
    assert error.message.startswith(message)


def test_unreadable_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(DiffInputError, match=r"missing\.json: cannot read"):
        read_result(tmp_path / "missing.json")
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"name": "caf\xe9"}')
    with pytest.raises(DiffInputError) as caught:
        read_result(path)
    assert caught.value.error.offset == 13
    assert str(caught.value) == f"{path}: byte 13: not valid UTF-8 text: invalid continuation byte"


def test_a_valid_file_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text(render_json(factory.edge_cases()), encoding="utf-8")
    assert [t["name"] for t in read_result(path)["targets"]] == ["LAPTOP-ÉTÉ"]


def test_same_file_has_no_changes() -> None:
    before, _ = _committed()
    result = diff(before, before)
    assert result == replace(
        result, new_failures=(), fixed=(), no_longer_failing=(), targets=(), still_failing=10
    )
    assert result.overall.delta == 0.0
