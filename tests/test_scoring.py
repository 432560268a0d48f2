"""Scores in exact fractions, checked against hand computation (DESIGN §5)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.core.errors import InputError
from checker.core.results import CheckInfo, Gate, Report, Result
from checker.core.statuses import FAILING, Category, Severity, Status
from checker.scoring.gate import verdict
from checker.scoring.tally import FAILING_NAMES_KEPT, SCORED, Tally, target_score
from tests.reporters import factory


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


def test_uncertain_and_error_leave_sums_and_widen_the_range() -> None:
    """An error might have passed or failed: fail closed, it counts in the range."""
    results = [
        Result(A, Status.PASS),
        Result(C, Status.UNCERTAIN, lean=Status.FAIL),
        Result(B, Status.ERROR),
    ]
    score = target_score(results)
    assert (score.overall.points, score.overall.max_points) == (6, 6)
    assert score.uncertain_range == (50.0, 100.0)


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


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(
            st.tuples(
                st.sampled_from([A, B, C, D]),
                st.sampled_from(list(Status)),
                st.sampled_from([None, "third_party_control", "risk_acceptance"]),
                st.sampled_from([None, Status.PASS, Status.FAIL]),
            ),
            max_size=6,
        ),
        max_size=12,
    ),
    st.integers(1, 5),
)
def test_tallies_of_batches_merged_equal_one_tally(
    targets: list[list[tuple[Any, ...]]], batch: int
) -> None:
    """Workers tally their batches of targets and send them packed; the parent merges them
    in target order: the fleet score, counts and failing names are those of one tally."""
    infos = [A, B, C, D]
    index = {info.id: i for i, info in enumerate(infos)}
    whole, merged = Tally(), Tally()
    for start in range(0, len(targets), batch):
        part = Tally()
        for number, rows in enumerate(targets[start : start + batch], start):
            results = [Result(i, s, exception=why, lean=lean) for i, s, why, lean in rows]
            whole.add(results, f"t{number}")
            part.add(results, f"t{number}")
        merged.merge(Tally.unpacked(part.packed(index), infos))
    assert merged.fleet_score() == whole.fleet_score()
    assert merged.targets == whole.targets
    assert {k: (t.statuses, t.failing) for k, t in merged.checks.items()} == {
        k: (t.statuses, t.failing) for k, t in whole.checks.items()
    }


def test_merged_tally_keeps_the_first_failing_names() -> None:
    first, second = Tally(), Tally()
    for n in range(FAILING_NAMES_KEPT - 1):
        first.add([Result(A, Status.FAIL)], f"a{n:03}")
    for n in range(3):
        second.add([Result(A, Status.FAIL)], f"b{n}")
    first.merge(second)
    failing = first.checks["a"].failing
    assert (len(failing), failing[-1], first.checks["a"].exposed) == (FAILING_NAMES_KEPT, "b0", 102)


def test_verdict_states_the_gate_and_the_input_errors() -> None:
    """What the reports state at the top: the gate's reasons, then the input errors."""
    report = factory.fleet_of_three()
    assert verdict(report, None, {}, ("none",)) == Gate(True)
    failed = verdict(report, 90, {Category.OS: 70}, ("fail",), soft=True)
    assert failed == Gate(
        False,
        (
            "10 result(s) fail/not_configured",
            "score 37.2% is under 90%",
            "os score 66.7% is under 70%",
        ),
        soft=True,
    )
    broken = replace(report, errors=(InputError("x.xml", "bad"),))
    assert verdict(broken, None, {}, ("none",)).reasons == ("1 input error(s)",)


@pytest.mark.parametrize(
    "make",
    [factory.fleet_of_three, factory.edge_cases, lambda: factory.generated_fleet(60, 80)],
    ids=["fleet_of_three", "edge_cases", "generated"],
)
def test_a_tally_of_a_fleets_checks_scores_as_the_fleet(make: Callable[[], Report]) -> None:
    """What the history scores each benchmark of a run from (checker/history/totals.py)."""
    report = make()
    tally = Tally.of_checks(report.fleet.checks, len(report.targets))
    overall, categories = tally.score()
    assert (overall, tuple(categories.items())) == (
        report.fleet.overall,
        report.fleet.categories,
    )
    assert tally.uncertain_range() == report.fleet.uncertain_range
    parts = tally.by_benchmark()
    assert sum(len(part.checks) for part in parts.values()) == len(report.fleet.checks)
    assert sum(part.exposed_pairs() for part in parts.values()) == sum(
        check.exposed for check in report.fleet.checks
    )


def test_a_scored_result_that_does_not_comply_is_exposed() -> None:
    """The tallies count a scored result that does not comply as exposed: that holds while
    the scored statuses besides a pass and an exemption are exactly the failing ones."""
    assert SCORED - {Status.PASS, Status.EXEMPT} == FAILING
    assert not FAILING & {Status.PASS, Status.EXEMPT}
