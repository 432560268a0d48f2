"""The shipped STIG benchmarks' policy tests cover each typed corner of each check that has it
(issue 18): REG_SZ against REG_DWORD, hex against its digits read as decimal, each
alternative, bounds, hardened UNC flags, service SIDs by name, site parameters unset and
set.  The corners are found here from the checks themselves, not from the generator that
wrote the cases (tools/case_corners.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from checker.core.principals import service_sid
from checker.core.statuses import Status
from checker.kinds import TEXT_TYPES, Kind
from checker.policy.compile import Check
from checker.policy.expect import operands
from checker.repo import casetest
from tests.conftest import ROOT
from tools.case_corners import KNOWN_SERVICES

STIGS = sorted(p.stem for p in (ROOT / "policies").glob("stig-*.yaml"))
SERVICE_SIDS = {service_sid(name) for name in KNOWN_SERVICES}


def wanted(check: Check) -> Iterator[tuple[str, Status]]:
    """(case label, status) pairs the check's corners ask for."""
    expect = check.expect or {}
    numbers = [n for n in operands(expect) if isinstance(n, int) and not isinstance(n, bool)]
    if check.unset:
        yield "compliant", Status.NOT_APPLICABLE
        yield "site parameters set", Status.PASS
        yield "another domain's groups", Status.FAIL
        return
    if check.value_type in TEXT_TYPES and any(str(n).isdigit() for n in operands(expect)):
        yield "REG_DWORD where REG_SZ is required", Status.FAIL
    if check.value_type == "REG_DWORD" and numbers:
        yield "REG_SZ where REG_DWORD is required", Status.FAIL
    hexed = [n for n in numbers if n >= 10 and f"{n:x}".isdigit() and int(f"{n:x}") != n]
    exact = "equals" in expect or "in" in expect  # a bound may hold the misread number too
    if check.kind is Kind.REGISTRY and check.value_type not in TEXT_TYPES and hexed and exact:
        yield "hex read as decimal", Status.FAIL
    if len(expect.get("in", [])) > 1 or "any_of" in expect:
        yield "each alternative", Status.PASS
    if "gte" in expect or "lte" in expect:
        yield "at the bounds", Status.PASS
        yield "past the bounds", Status.FAIL
    if isinstance(expect.get("flags"), dict) and len(expect["flags"]) > 1:
        yield "flags reordered", Status.PASS
        yield "a flag missing", Status.FAIL
    principals = {str(i) for o in operands(expect) if isinstance(o, list) for i in o}
    if check.kind is Kind.PRIVILEGE and SERVICE_SIDS & principals and "subset_of" in expect:
        yield "services by name", Status.PASS
        yield "another service", Status.FAIL


@pytest.mark.parametrize("name", STIGS)
def test_every_corner_of_every_check_has_its_case(name: str) -> None:
    cases = casetest.load_cases(ROOT / "policies" / "tests" / f"{name}.cases.yaml")
    seen: set[tuple[str, str, Status]] = set()
    for case in cases.cases:
        label = case.name.removeprefix(casetest.GENERATED_PREFIX).strip().rstrip("0123456789 ")
        seen |= {(label, want.check, want.status) for want in case.expect}
    missing = [
        (check.info.id, label, status.value)
        for check in cases.benchmark.checks
        for label, status in wanted(check)
        if (label, check.info.id, status) not in seen
    ]
    assert missing == []


def test_the_corners_are_there_to_cover() -> None:
    """Each corner occurs in the shipped STIG benchmarks (the test above is not empty)."""
    found: set[str] = set()
    for name in STIGS:
        cases = casetest.load_cases(ROOT / "policies" / "tests" / f"{name}.cases.yaml")
        found |= {label for check in cases.benchmark.checks for label, _ in wanted(check)}
    assert found == {
        "compliant", "site parameters set", "another domain's groups",
        "REG_DWORD where REG_SZ is required", "REG_SZ where REG_DWORD is required",
        "hex read as decimal", "each alternative", "at the bounds", "past the bounds",
        "flags reordered", "a flag missing", "services by name", "another service",
    }  # fmt: skip
