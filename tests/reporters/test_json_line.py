"""A target's JSON line, assembled from pieces encoded once per check, is the same text as
the compact encoding of the target object, whatever the results hold."""

from __future__ import annotations

import json as stdlib_json
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.model import (
    JSON,
    Category,
    CheckInfo,
    Origin,
    Result,
    Score,
    Severity,
    Status,
    TargetReport,
    TargetScore,
)
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
def unset_targets(draw: st.DrawFn) -> TargetReport:
    """Targets whose results have no value or origin, over a few checks, statuses, reasons
    and impacts: the texts the reporter keeps per check and reuses."""
    found = tuple(
        Result(check, draw(st.sampled_from(Status)), reason=draw(st.sampled_from(["r", None])))
        for check in draw(st.lists(st.sampled_from(FEW_CHECKS), max_size=5))
    )
    impacts = tuple(
        (result.check.id, Fraction(draw(st.integers(0, 3)), 7))
        for result in found
        if draw(st.booleans())
    )
    score = TargetScore(Score(Fraction(3), Fraction(7)), (), (10.0, 20.0), impacts)
    return TargetReport("device", ("path",), found, score)


@settings(max_examples=EXAMPLES, deadline=None)
@given(unset_targets())
def test_line_of_results_without_value_or_origin_is_the_compact_encoding(
    target: TargetReport,
) -> None:
    expected = stdlib_json.dumps(json._target(target), ensure_ascii=False, separators=(",", ":"))
    assert json.target_line(target) == expected
    assert json.target_line(target) == expected
    assert all(len(json._template(c).unset) <= json.UNSET_KEPT for c in FEW_CHECKS)
