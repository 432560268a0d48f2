"""Scores in exact fractions, checked against hand computation (DESIGN §5)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.model import Category, CheckInfo, Result, Severity, Status
from checker.scoring import Tally, target_score


def _info(check_id: str, category: Category, impact: int) -> CheckInfo:
    return CheckInfo(check_id, check_id, category, impact, Severity.HIGH, "b", "s", "== 1")


A = _info("a", Category.OS, 6)
B = _info("b", Category.OS, 2)
C = _info("c", Category.ACCOUNTS, 4)
D = _info("d", Category.NETWORK, 5)


def test_single_target_score_and_impact() -> None:
    results = [
        Result(A, Status.PASS),
        Result(B, Status.FAIL),
        Result(C, Status.NOT_CONFIGURED),
        Result(D, Status.NOT_APPLICABLE),
    ]
    score = target_score(results)
    assert (score.overall.points, score.overall.max_points) == (6, 12)
    assert score.overall.percent == 50.0
    assert dict(score.categories)[Category.OS].percent == 75.0
    assert dict(score.categories)[Category.ACCOUNTS].percent == 0.0
    assert Category.NETWORK not in dict(score.categories)
    assert dict(score.score_impact) == {"b": Fraction(100 * 2, 12), "c": Fraction(100 * 4, 12)}


@pytest.mark.parametrize(
    ("justification", "points"),
    [
        ("third_party_control", 12),
        ("alternate_mitigation", 12),
        ("risk_accepted", 8),
        ("planned_remediation", 8),
    ],
)
def test_exemptions_credit_only_mitigations(justification: str, points: int) -> None:
    results = [
        Result(A, Status.PASS),
        Result(C, Status.EXEMPT, exception=justification),
        Result(B, Status.PASS),
    ]
    score = target_score(results)
    assert (score.overall.points, score.overall.max_points) == (points, 12)


def test_uncertain_leaves_sums_and_gives_range() -> None:
    results = [
        Result(A, Status.PASS),
        Result(C, Status.UNCERTAIN, lean=Status.FAIL),
        Result(B, Status.ERROR),
    ]
    score = target_score(results)
    assert (score.overall.points, score.overall.max_points) == (6, 6)
    assert score.uncertain_range == (60.0, 100.0)


def test_fleet_ratio_is_share_of_applicable_devices() -> None:
    tally = Tally()
    tally.add([Result(A, Status.PASS), Result(C, Status.FAIL)], "one")
    tally.add([Result(A, Status.FAIL), Result(C, Status.FAIL)], "two")
    tally.add([Result(A, Status.PASS), Result(C, Status.NOT_APPLICABLE)], "three")
    fleet = tally.fleet_score()
    by_id = {c.check.id: c for c in fleet.checks}
    assert (by_id["a"].ratio, by_id["a"].exposed, by_id["a"].total) == (Fraction(2, 3), 1, 3)
    assert (by_id["c"].ratio, by_id["c"].exposed, by_id["c"].total) == (0, 2, 2)
    assert by_id["a"].failing == ("two",)
    assert fleet.overall.points == Fraction(6 * 2, 3)
    assert fleet.overall.max_points == 10
    assert [c.check.id for c in fleet.checks] == ["c", "a"]


STATUSES = list(Status)
JUSTIFICATIONS = ["third_party_control", "alternate_mitigation", "risk_accepted", None]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(Category)),
            st.integers(1, 10),
            st.sampled_from(STATUSES),
            st.sampled_from(JUSTIFICATIONS),
            st.sampled_from([Status.PASS, Status.FAIL]),
        ),
        max_size=40,
    )
)
def test_single_target_score_equals_a_fleet_of_one(rows: list[tuple[Any, ...]]) -> None:
    results = [
        Result(_info(f"c{i}", category, impact), status, exception=why, lean=lean)
        for i, (category, impact, status, why, lean) in enumerate(rows)
    ]
    tally = Tally()
    tally.add(results, "one")
    assert target_score(results) == tally.target_score()
