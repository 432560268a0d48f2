"""``baseliner test -o junit=...``: policy test cases as a JUnit report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from junit_xml import TestCase, TestSuite  # type: ignore[import-untyped]

from checker.repo.casetest import CaseResult
from checker.reporters.junit import serialize


def junit(results: Sequence[CaseResult]) -> str:
    """JUnit XML: one suite per cases file, one test case per case (classname: benchmark)."""
    by_file: dict[str, list[CaseResult]] = {}
    for result in results:
        by_file.setdefault(result.path, []).append(result)
    suites = [
        TestSuite(path, [_junit_case(result) for result in group], file=path)
        for path, group in by_file.items()
    ]
    return serialize(suites)


def _junit_case(result: CaseResult) -> Any:
    case = TestCase(result.case, classname=result.benchmark)
    if result.errors:
        body = "\n".join(str(error) for error in result.errors)
        case.add_error_info(message="the case's export could not be read", output=body)
    elif result.mismatches:
        body = "\n".join(f"line {m.line}: {m}" for m in result.mismatches)
        case.add_failure_info(message=f"{len(result.mismatches)} check(s) differ", output=body)
    return case
