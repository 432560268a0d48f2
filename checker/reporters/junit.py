"""JUnit XML for CI test reports, read alike by Jenkins, GitLab and Azure DevOps.

Test identity is the same in both layouts: ``classname`` is ``<benchmark>.<category>`` (GitLab
shows it as the suite) and ``name`` is ``<check id>: <title>``, unique in the file, so a check
keeps its history when a single-device pipeline grows into a fleet.

Outcomes: ``fail`` and ``not_configured`` are a ``<failure>`` (message: actual vs expected;
body: actual value, expected condition, origin, remediation); ``error`` is an ``<error>``;
``uncertain``, ``exempt`` and ``not_applicable`` are ``<skipped>`` with the reason; ``pass``
is an empty test case.  Each test case has at most one of these elements.

Layouts, chosen by the number of targets (``DEVICE_LAYOUT_MAX_TARGETS``):

* device layout (one target): one ``<testsuite>`` per target, one test case per result,
  suite properties with the target's overall and per-category scores;
* fleet layout (more targets): one ``<testsuite>`` per benchmark, one test case per check.
  The outcome is the worst across devices (failure, then error, then uncertain; all-skipped
  when no device passed); the failure lists the first ``DEVICES_LISTED`` failing devices
  with their value and origin, then how many more.  Size grows with checks, not devices:
  250 checks stay under 0.5 MB at 5,000 devices, far below GitLab's 30 MB cap.  Suite
  properties carry the fleet scores.

Input errors (``report.errors``) form a last suite, one test case with an ``<error>`` each.

Times: every test case has a ``time``, nominal, not measured: ``NOMINAL_SECONDS`` per target
the check was evaluated on (a fleet test case: that many times the devices).  Reports stay
byte-identical from run to run and executor to executor, and views that divide by the total
time (junit2html's ``--report-matrix``, time breakdowns) work, showing each suite's share of
the evaluations.

The output validates against Jenkins' junit-10.xsd, which has no ``disabled`` attribute:
junit-xml writes one, so it is dropped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from junit_xml import TestCase, TestSuite  # type: ignore[import-untyped]

from checker.core.errors import InputError
from checker.core.results import CheckInfo, FleetScore, Report, Result, TargetReport, TargetScore
from checker.core.statuses import FAILING, Status
from checker.reporters import findings
from checker.scoring.digest import CheckDigest, fleet_digest

DEVICE_LAYOUT_MAX_TARGETS = 1
"""Reports with more targets than this use the fleet layout (one test case per check)."""

DEVICES_LISTED = 20
"""Failing devices detailed in a fleet failure; the rest are counted."""

INPUT_CLASSNAME = "baseliner.input"

NOMINAL_SECONDS = 0.001
"""A test case's time per target it was evaluated on (see the module's doc)."""

_SKIPPED = frozenset({Status.UNCERTAIN, Status.EXEMPT, Status.NOT_APPLICABLE})
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot carry even escaped; export data may contain them."""


def render(report: Report) -> str:
    """The JUnit XML document for ``report``."""
    if len(report.targets) <= DEVICE_LAYOUT_MAX_TARGETS:
        suites = [_target_suite(target) for target in report.targets]
    else:
        suites = _fleet_suites(report)
    if report.errors:
        suites.append(_input_suite(report.errors))
    return serialize(suites)


def classname(check: CheckInfo) -> str:
    return f"{check.benchmark}.{check.category.value}"


def test_name(check: CheckInfo) -> str:
    return f"{check.id}: {check.title}"


def _target_suite(target: TargetReport) -> Any:
    cases = [_result_case(result) for result in _ordered(target.results)]
    properties = {"target": target.name, "sources": "; ".join(target.sources)}
    properties.update(_score_properties(target.score))
    return TestSuite(target.name, cases, properties=properties)


def _ordered(results: Iterable[Result]) -> list[Result]:
    return sorted(results, key=lambda result: (classname(result.check), result.check.id))


def _result_case(result: Result) -> Any:
    case = TestCase(
        test_name(result.check), classname=classname(result.check), elapsed_sec=NOMINAL_SECONDS
    )
    if result.status in FAILING:
        case.add_failure_info(
            message=findings.verdict(result),
            output=_failure_body(result),
            failure_type=result.status.value,
        )
    elif result.status is Status.ERROR:
        case.add_error_info(
            message=findings.why(result), output=_failure_body(result), error_type="error"
        )
    elif result.status in _SKIPPED:
        case.add_skipped_info(message=findings.why(result))
    return case


def _failure_body(result: Result) -> str:
    check = result.check
    lines = [
        f"Actual:      {findings.actual(result)}",
        f"Expected:    {check.expected}",
        f"Setting:     {check.setting}",
        f"Origin:      {findings.origins(result)}",
        f"Severity:    {check.severity.value} (impact {check.impact})",
    ]
    if check.remediation:
        lines.append(f"Remediation: {check.remediation}")
    return "\n".join(lines)


def _score_properties(score: TargetScore | FleetScore) -> dict[str, str]:
    low, high = score.uncertain_range
    properties = {
        "score": f"{score.overall.percent:.2f}",
        "score.points": findings.points(score.overall.points),
        "score.max_points": findings.points(score.overall.max_points),
        "score.uncertain_range": f"{low:.2f}-{high:.2f}",
    }
    for category, category_score in score.categories:
        properties[f"score.{category.value}"] = f"{category_score.percent:.2f}"
    return properties


def _fleet_suites(report: Report) -> list[Any]:
    digests = fleet_digest(report.targets)
    versions = {benchmark.id: benchmark.version for benchmark in report.benchmarks}
    by_benchmark: dict[str, list[CheckDigest]] = {}
    for entry in digests.values():
        by_benchmark.setdefault(entry.check.benchmark, []).append(entry)
    suites = []
    for benchmark in sorted(by_benchmark):
        entries = sorted(by_benchmark[benchmark], key=lambda e: (classname(e.check), e.check.id))
        properties = {
            "benchmark": benchmark,
            "benchmark.version": versions.get(benchmark, ""),
            "targets": str(len(report.targets)),
        }
        properties.update(_score_properties(report.fleet))
        cases = [_fleet_case(entry) for entry in entries]
        suites.append(TestSuite(benchmark, cases, properties=properties))
    return suites


def _fleet_case(entry: CheckDigest) -> Any:
    """One test case for a check across the fleet, with the worst outcome."""
    check = entry.check
    seconds = round(NOMINAL_SECONDS * entry.evaluated, 6)
    case = TestCase(test_name(check), classname=classname(check), elapsed_sec=seconds)
    of = f"of {entry.evaluated:,} devices"
    if entry.count("failure"):
        case.add_failure_info(
            message=f"fails on {entry.count('failure'):,} {of}; expected {check.expected}",
            output=_fleet_body(entry, "failure"),
            failure_type=Status.FAIL.value,
        )
    elif entry.count("error"):
        case.add_error_info(
            message=f"evaluation error on {entry.count('error'):,} {of}: "
            f"{findings.why(entry.sample('error')[0][1])}",
            output=_fleet_body(entry, "error"),
            error_type="error",
        )
    elif entry.count("uncertain") or (entry.count("other") and not entry.count("pass")):
        case.add_skipped_info(message=_skip_message(entry))
    return case


def _skip_message(entry: CheckDigest) -> str:
    """The status counts, then the first uncertain (else exempt or inapplicable) device's reason."""
    summary = ", ".join(
        f"{status.value.replace('_', ' ')} on {entry.statuses[status]:,}"
        for status in Status
        if entry.statuses[status]
    )
    name, result = (entry.sample("uncertain") or entry.sample("other"))[0]
    return f"{summary} of {entry.evaluated:,} devices; {name}: {findings.why(result)}"


def _fleet_body(entry: CheckDigest, group: str) -> str:
    check = entry.check
    lines = [
        f"Expected:    {check.expected}",
        f"Setting:     {check.setting}",
        f"Severity:    {check.severity.value} (impact {check.impact})",
    ]
    if check.remediation:
        lines.append(f"Remediation: {check.remediation}")
    total = entry.count(group)
    lines.append(f"Devices ({total:,}):")
    for name, result in entry.sample(group):
        detail = findings.why(result) if group == "error" else findings.actual(result)
        lines.append(f"  {name}: {detail} ({findings.origins(result)})")
    if total > DEVICES_LISTED:
        lines.append(f"  ... and {total - DEVICES_LISTED:,} more")
    return "\n".join(lines)


def _input_suite(errors: Sequence[InputError]) -> Any:
    names = _unique(
        [f"{error.path}: {error.position}" if error.position else error.path for error in errors]
    )
    cases = []
    for name, error in zip(names, errors, strict=True):
        case = TestCase(name, classname=INPUT_CLASSNAME, elapsed_sec=NOMINAL_SECONDS)
        case.add_error_info(message=error.message, output=str(error), error_type="input")
        cases.append(case)
    return TestSuite("baseliner input errors", cases)


def _unique(names: Sequence[str]) -> list[str]:
    """``names`` with repeats numbered (``name (2)``), so no two test cases share one."""
    seen: Counter[str] = Counter()
    out = []
    for name in names:
        seen[name] += 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def serialize(suites: Sequence[Any]) -> str:
    root = ET.Element("testsuites", {"name": "baseliner"})
    totals = Counter[str]()
    for suite in suites:
        element: ET.Element = suite.build_xml_doc()
        del element.attrib["disabled"]
        element.set("time", f"{float(element.get('time') or 0):.3f}")  # a sum of floats
        for key in ("tests", "failures", "errors"):
            totals[key] += int(element.attrib[key])
        root.append(element)
    for key in ("tests", "failures", "errors"):
        root.set(key, str(totals[key]))
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + _NOT_XML.sub("", body) + "\n"
