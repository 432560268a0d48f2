"""Engine verdicts: given facts on a target and one check, the exact status and actual value."""

from __future__ import annotations

from typing import Any

import pytest

from checker.core.statuses import Status
from checker.core.values import Confidence, Fact, Origin, Source
from checker.engine import evaluate
from checker.kinds import Kind
from checker.policy.load import compile_benchmark
from checker.policy.yamlsrc import parse_yaml
from checker.targets.merge import build_target

ORIGIN = Origin("fixture.pol", offset=8)


def _benchmark(check: str) -> Any:
    text = (
        "id: t\ntitle: T\nchecks:\n  - {id: c, title: C, category: os, impact: 4,"
        f" severity: high, {check}}}\n"
    )
    return compile_benchmark(parse_yaml(text, "t.yaml"), "t.yaml")


def _fact(value: Any, **kw: Any) -> Fact:
    return Fact(Kind.REGISTRY, "HKLM\\Software\\Policies\\X!Val", value, ORIGIN, **kw)


REG = "registry: 'HKLM\\SOFTWARE\\policies\\x!VAL'"
CASES: list[tuple[str, list[Fact], str, Status, Any]] = [
    ("match is case-insensitive", [_fact(1)], f"{REG}, expect: {{equals: 1}}", Status.PASS, 1),
    ("wrong value", [_fact(0)], f"{REG}, expect: {{equals: 1}}", Status.FAIL, 0),
    ("absent", [], f"{REG}, expect: {{equals: 1}}", Status.NOT_CONFIGURED, None),
    ("absent wanted", [], f"{REG}, expect: {{absent: true}}", Status.PASS, None),
    (
        "deleted wanted absent",
        [_fact(None, deleted=True)],
        f"{REG}, expect: {{absent: true}}",
        Status.PASS,
        None,
    ),
    (
        "deleted but expected",
        [_fact(None, deleted=True)],
        f"{REG}, expect: {{equals: 1}}",
        Status.FAIL,
        None,
    ),
    ("later source wins", [_fact(0), _fact(1)], f"{REG}, expect: {{equals: 1}}", Status.PASS, 1),
    (
        "partial mapping is uncertain",
        [_fact(0, confidence=Confidence.PARTIAL, reason="lossy", via="device_vendor_x")],
        f"{REG}, expect: {{equals: 1}}",
        Status.UNCERTAIN,
        0,
    ),
    ("assert", [_fact(20)], f"{REG}, assert: '@ >= `14`'", Status.PASS, 20),
    (
        "assert type error is error",
        [_fact("x")],
        f"{REG}, assert: 'length(@) > abs(@)'",
        Status.ERROR,
        "x",
    ),
    (
        "query",
        [_fact(3)],
        "query: 'registry.*.value | max(@)', expect: {equals: 3}",
        Status.PASS,
        3,
    ),
    (
        "query finds nothing",
        [],
        "query: 'registry.nothing', expect: {equals: 3}",
        Status.NOT_CONFIGURED,
        None,
    ),
    (
        "typed: REG_SZ as required",
        [_fact("2", type="REG_SZ")],
        f"{REG}, type: REG_SZ, expect: {{in: ['2', '3']}}",
        Status.PASS,
        "2",
    ),
    (
        "typed: a REG_DWORD where REG_SZ is required",
        [_fact(2, type="REG_DWORD")],
        f"{REG}, type: REG_SZ, expect: {{in: ['2', '3']}}",
        Status.FAIL,
        2,
    ),
    (
        "typed: no type from the source: the value's own",
        [_fact(2)],
        f"{REG}, type: REG_SZ, expect: {{in: ['2', '3']}}",
        Status.FAIL,
        2,
    ),
    (
        "typed: REG_EXPAND_SZ is not REG_SZ",
        [_fact("2", type="REG_EXPAND_SZ")],
        f"{REG}, type: REG_SZ, expect: {{in: ['2', '3']}}",
        Status.FAIL,
        "2",
    ),
    (
        "typed: a REG_SZ read as a number",
        [_fact("10", type="REG_SZ")],
        f"{REG}, type: REG_SZ, expect: {{lte: 10}}",
        Status.PASS,
        "10",
    ),
    (
        "typed: a REG_SZ past the bound",
        [_fact("11", type="REG_SZ")],
        f"{REG}, type: REG_SZ, expect: {{lte: 10}}",
        Status.FAIL,
        "11",
    ),
    (
        "typed: deleted",
        [_fact(None, deleted=True)],
        f"{REG}, type: REG_SZ, expect: {{absent: true}}",
        Status.PASS,
        None,
    ),
    (
        "not applicable",
        [_fact(1)],
        f"{REG}, expect: {{equals: 1}}, applies_to: {{os: [server]}}",
        Status.NOT_APPLICABLE,
        None,
    ),
]


@pytest.mark.parametrize(
    ("name", "facts", "check", "status", "actual"), CASES, ids=[case[0] for case in CASES]
)
def test_verdict(name: str, facts: list[Fact], check: str, status: Status, actual: Any) -> None:
    target = build_target("dev", [Source("s", "test", tuple(facts))])
    target.meta["os"] = "windows11"
    (result,) = evaluate([_benchmark(check)], target)
    assert (result.status, result.actual) == (status, actual)


def test_result_keeps_origin_and_uncertain_reason() -> None:
    fact = _fact(0, confidence=Confidence.PARTIAL, reason="only some elements", via="intune.x")
    target = build_target("dev", [Source("s", "test", (fact,))])
    (result,) = evaluate([_benchmark(f"{REG}, expect: {{equals: 1}}")], target)
    assert result.origins == (ORIGIN,)
    assert result.via == "intune.x"
    assert result.lean is Status.FAIL
    assert result.reason == ("depends on Intune setting intune.x: only some elements")


def test_delvals_clears_earlier_values_of_the_key() -> None:
    facts = [
        _fact(1),
        Fact(Kind.REGISTRY, "HKLM\\Software\\Policies\\X!**delvals.", None, ORIGIN, deleted=True),
    ]
    target = build_target("dev", [Source("s", "test", tuple(facts))])
    (result,) = evaluate([_benchmark(f"{REG}, expect: {{equals: 1}}")], target)
    assert result.status is Status.NOT_CONFIGURED


def test_absent_ok_passes_an_unset_setting() -> None:
    target = build_target("dev", [Source("s", "test", ())])
    (result,) = evaluate([_benchmark(f"{REG}, expect: {{equals: 1}}, absent_ok: true")], target)
    assert (result.status, result.reason) == (Status.PASS, "not set: the Windows default complies")


def test_absent_ok_also_passes_a_query_that_finds_nothing() -> None:
    target = build_target("dev", [Source("s", "test", ())])
    check = "query: 'registry.nothing.value', expect: {equals: 1}, absent_ok: true"
    (result,) = evaluate([_benchmark(check)], target)
    assert (result.status, result.reason) == (Status.PASS, "not set: the Windows default complies")


@pytest.mark.parametrize(
    ("check", "status", "reason"),
    [
        (f"{REG}, expect: {{equals: 1}}", Status.NOT_CONFIGURED, "setting not found in any source"),
        (f"{REG}, expect: {{absent: true}}", Status.PASS, "not set"),
        ("query: 'registry.nothing.value', expect: {equals: 1}", Status.NOT_CONFIGURED,
         "query found nothing"),
    ],
)  # fmt: skip
def test_unset_verdict_is_made_once_per_check_and_kept_apart_from_other_checks(
    check: str, status: Status, reason: str
) -> None:
    """The unset verdict is shared by every target; another check (even with the same id and
    metadata) gets its own."""
    empty = build_target("dev", [Source("s", "test", ())])
    other = build_target("dev2", [Source("s", "test", ())])
    benchmark = _benchmark(check)
    (first,) = evaluate([benchmark], empty)
    (second,) = evaluate([benchmark], other)
    (recompiled,) = evaluate([_benchmark(check)], empty)
    assert first is second
    assert (first.status, first.reason, first.actual, first.origins) == (status, reason, None, ())
    assert recompiled is not first
    assert recompiled == first


@pytest.mark.parametrize(
    ("facts", "check", "reason"),
    [
        ([_fact("x")], f"{REG}, assert: 'length(@) > abs(@)'",
         "assertion failed to evaluate: In function abs(), invalid type for value: x, expected "
         "one of: ['number'], received: \"string\""),
        ([_fact(1)], "query: 'sort(@)', expect: {equals: 1}",
         "query failed: In function sort(), invalid type for value: {'registry': "),
        ([_fact("y" * 5000)], f"{REG}, assert: 'abs(@) > `1`'",
         "assertion failed to evaluate: In function abs(), invalid type for value: yyy"),
    ],
)  # fmt: skip
def test_an_error_names_its_cause_in_at_most_300_characters(
    facts: list[Fact], check: str, reason: str
) -> None:
    """JMESPath quotes the value it met: for sort(@) the whole device document, which went
    into every result's reason on every device."""
    (result,) = evaluate([_benchmark(check)], build_target("dev", [Source("s", "t", tuple(facts))]))
    assert result.status is Status.ERROR
    assert result.reason is not None and result.reason.startswith(reason)
    assert len(result.reason) <= 300


def test_a_type_failure_says_which_type() -> None:
    target = build_target("dev", [Source("s", "test", (_fact(2, type="REG_DWORD"),))])
    (result,) = evaluate([_benchmark(f"{REG}, type: REG_SZ, expect: {{equals: '2'}}")], target)
    assert (result.reason, result.actual_type) == (
        "REG_DWORD, not the REG_SZ required",
        "REG_DWORD",
    )
    assert (result.check.expected, result.check.value_type) == ('== "2" (REG_SZ)', "REG_SZ")
