"""A target's JSON line, assembled from pieces encoded once per check, is the same text as
the compact encoding of the target object, whatever the results hold."""

from __future__ import annotations

import json as stdlib_json
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.core.results import CheckInfo, Result, Score, TargetReport, TargetScore
from checker.core.statuses import Category, Severity, Status
from checker.core.values import JSON, Origin
from checker.reporters import json
from tests.test_fuzz_parsers import EXAMPLES

TEXT = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["", '"', "\\", "\x00", "\u2028", "é", "💥", json._HOLE, f"a{json._HOLE}b"]
)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT
VALUES: st.SearchStrategy[JSON] = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)
OPTIONAL_TEXT = st.none() | TEXT
NUMBERS = st.none() | st.integers(min_value=0, max_value=2**40)


@st.composite
def checks(draw: st.DrawFn) -> CheckInfo:
    return CheckInfo(
        id=draw(TEXT),
        title=draw(TEXT),
        category=draw(st.sampled_from(Category)),
        impact=draw(st.integers(0, 10)),
        severity=draw(st.sampled_from(Severity)),
        benchmark=draw(TEXT),
        setting=draw(TEXT),
        expected=draw(TEXT),
    )


@st.composite
def results(draw: st.DrawFn) -> Result:
    origins = st.builds(Origin, TEXT, NUMBERS, NUMBERS, OPTIONAL_TEXT)
    return Result(
        check=draw(checks()),
        status=draw(st.sampled_from(Status)),
        actual=draw(VALUES),
        origins=tuple(draw(st.lists(origins, max_size=3))),
        reason=draw(OPTIONAL_TEXT),
        via=draw(OPTIONAL_TEXT),
        lean=draw(st.none() | st.sampled_from(Status)),
        exception=draw(OPTIONAL_TEXT),
        actual_type=draw(OPTIONAL_TEXT),
    )


@st.composite
def targets(draw: st.DrawFn) -> TargetReport:
    found = tuple(draw(st.lists(results(), max_size=4)))
    impacts = tuple(
        (result.check.id, Fraction(draw(st.integers(0, 10**6)), draw(st.integers(1, 997))))
        for result in found
        if draw(st.booleans())
    )
    score = TargetScore(Score(Fraction(3), Fraction(7)), (), (10.0, 20.0), impacts)
    return TargetReport(draw(TEXT), (draw(TEXT),), found, score, draw(OPTIONAL_TEXT))


@settings(max_examples=EXAMPLES, deadline=None)
@given(targets())
def test_line_is_the_compact_encoding_of_the_target(target: TargetReport) -> None:
    expected = stdlib_json.dumps(json._target(target), ensure_ascii=False, separators=(",", ":"))
    assert json.target_line(target) == expected


FEW_CHECKS = [
    CheckInfo(f"c{n}", f"title {n}", Category.OS, n, Severity.LOW, "b", f"registry:k{n}", "== 1")
    for n in range(3)
]


@st.composite
def repeated_targets(draw: st.DrawFn) -> TargetReport:
    """Targets over a few checks whose results repeat statuses, values, reasons, impacts and
    origins (at most two, from a few paths, lines and GPOs): the texts the reporter keeps per
    check and reuses, values of equal hash but other JSON (0, False, 0.0) included."""
    origins = st.builds(
        Origin,
        st.sampled_from(["a.xml", "b/c.xml", 'q"x.xml']),
        st.sampled_from([None, 1, 7]),
        st.sampled_from([None, 3]),
        st.sampled_from([None, "GPO one", "GPO é"]),
    )
    found = tuple(
        Result(
            check,
            draw(st.sampled_from(Status)),
            actual=draw(st.sampled_from([None, 0, 1, False, True, 0.0, -0.0, "1", [1]])),
            origins=tuple(draw(st.lists(origins, max_size=2))),
            reason=draw(st.sampled_from(["r", None])),
            via=draw(st.sampled_from([None, "v"])),
            lean=draw(st.sampled_from([None, Status.PASS])),
            actual_type=draw(st.sampled_from([None, "REG_SZ", "REG_DWORD"])),
        )
        for check in draw(st.lists(st.sampled_from(FEW_CHECKS), max_size=6))
    )
    impacts = tuple(
        (result.check.id, Fraction(draw(st.integers(0, 3)), 7))
        for result in found
        if draw(st.booleans())
    )
    score = TargetScore(Score(Fraction(3), Fraction(7)), (), (10.0, 20.0), impacts)
    return TargetReport("device", ("path",), found, score)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(repeated_targets(), min_size=1, max_size=3))
def test_lines_from_kept_texts_are_the_compact_encoding(targets: list[TargetReport]) -> None:
    for target in targets:
        expected = stdlib_json.dumps(
            json._target(target), ensure_ascii=False, separators=(",", ":")
        )
        assert json.target_line(target) == expected
    assert all(len(json._template(c).kept) <= json.KEPT for c in FEW_CHECKS)


BASE = {
    "status": Status.FAIL,
    "actual": 0,
    "origins": (Origin("a.xml", 1, None, "G"),),
    "reason": "r",
    "via": None,
    "lean": None,
    "exception": None,
}


@pytest.mark.parametrize(
    "change",
    [
        {"actual": False},
        {"actual": 1},
        {"actual": "0"},
        {"actual": None},
        {"status": Status.PASS},
        {"reason": None},
        {"via": "v"},
        {"lean": Status.PASS},
        {"exception": "e"},
        {"origins": (Origin("a.xml", 1, None, "H"),)},
        {"origins": (Origin("a.xml", 1, 3, "G"),)},
        {"origins": (Origin("b.xml", 1, None, "G"),)},
        {"origins": (Origin("a.xml", 2, None, "G"),)},
        {"origins": ()},
        {"impact": Fraction(1, 3)},
    ],
    ids=lambda change: ",".join(f"{k}={v!r}" for k, v in change.items()),
)
def test_a_kept_text_is_not_reused_for_a_result_that_differs_in_one_field(
    change: dict[str, Any],
) -> None:
    """The same check's result twice, the second differing from the first in one field: each
    line is the compact encoding of its target (the second is not the first's kept text)."""
    check = CheckInfo("kept", "t", Category.OS, 3, Severity.LOW, "b", "registry:k", "== 1")
    lines = []
    for fields in (BASE, {**BASE, **change}):
        impact = fields.get("impact", Fraction(2, 7))
        result = Result(check, **{k: v for k, v in fields.items() if k != "impact"})
        score = TargetScore(Score(Fraction(3), Fraction(7)), (), (1.0, 2.0), (("kept", impact),))
        target = TargetReport("device", ("path",), (result,), score)
        expected = stdlib_json.dumps(
            json._target(target), ensure_ascii=False, separators=(",", ":")
        )
        assert json.target_line(target) == expected
        lines.append(expected)
    assert lines[0] != lines[1]
