"""JUnit: golden files, Jenkins' schema, junitparser's reading, CI size limits."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import xmlschema
from junitparser import Error, Failure, JUnitXml, Skipped

from checker.core.results import Report
from checker.core.statuses import Status
from checker.reporters import junit
from tests.conftest import SHARED
from tests.reporters import factory
from tests.reporters.conftest import CASES, Golden

GITLAB_MAX_BYTES = 30 * 1024 * 1024


@pytest.fixture(scope="module")
def xsd(shared: Path) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SHARED / "schemas" / "junit-10.xsd"))


def parse(text: str) -> JUnitXml:
    return JUnitXml.fromstring(text.encode("utf-8"))


def outcomes(text: str) -> Counter[str]:
    """How many test cases junitparser reads as each outcome."""
    counts: Counter[str] = Counter()
    for suite in parse(text):
        for case in suite:
            kinds = {type(item) for item in case.result}
            counts[next((k.__name__ for k in (Failure, Error, Skipped) if k in kinds), "pass")] += 1
    return counts


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case: str, golden: Golden) -> None:
    golden(f"{case}.xml", junit.render(CASES[case]()))


@pytest.mark.parametrize("case", sorted(CASES))
def test_valid_against_jenkins_schema(case: str, xsd: xmlschema.XMLSchema) -> None:
    xsd.validate(junit.render(CASES[case]()))


def test_generated_fleet_is_valid(fleet_1k: Report, xsd: xmlschema.XMLSchema) -> None:
    xsd.validate(junit.render(fleet_1k))


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("single_device", {"Failure": 4, "pass": 2}),
        ("fleet_of_three", {"Failure": 6}),
        ("edge_cases", {"Failure": 1, "Error": 3, "Skipped": 3, "pass": 1}),
    ],
)
def test_outcomes_as_junitparser_reads_them(case: str, expected: dict[str, int]) -> None:
    assert outcomes(junit.render(CASES[case]())) == expected


@pytest.mark.parametrize("case", sorted(CASES))
def test_test_identities_are_unique(case: str) -> None:
    assert_unique(junit.render(CASES[case]()))


def assert_unique(text: str) -> None:
    identities = Counter((case.classname, case.name) for suite in parse(text) for case in suite)
    assert [key for key, count in identities.items() if count > 1] == []


@pytest.mark.parametrize(
    ("case", "suites"),
    [
        ("single_device", ["WS-0001"]),
        ("fleet_of_three", ["msft-win11-24h2"]),
        ("edge_cases", ["LAPTOP-ÉTÉ", "baseliner input errors"]),
    ],
)
def test_layout(case: str, suites: list[str]) -> None:
    assert [suite.name for suite in parse(junit.render(CASES[case]()))] == suites


def test_suite_properties_carry_scores() -> None:
    suite = next(iter(parse(junit.render(factory.single_device()))))
    properties = {prop.name: prop.value for prop in suite.properties()}  # type: ignore[no-untyped-call]
    assert properties["score"] == "23.08"
    assert properties["score.network"] == "0.00"
    assert properties["target"] == "WS-0001"


def test_characters_xml_cannot_carry_are_dropped() -> None:
    text = junit.render(factory.edge_cases())
    assert "\x01" not in text
    assert "Expecting ',' delimiter" in text


def test_fleet_failure_lists_a_capped_number_of_devices(fleet_1k: Report) -> None:
    text = junit.render(fleet_1k)
    case = next(
        case
        for suite in parse(text)
        for case in suite
        if any(isinstance(item, Failure) for item in case.result)
    )
    failure = next(item for item in case.result if isinstance(item, Failure))
    devices = [line for line in failure.text.splitlines() if line.startswith("  WS-")]
    assert len(devices) == junit.DEVICES_LISTED
    assert failure.text.splitlines()[-1].startswith("  ... and ")


def test_fleet_of_5000_stays_small_and_unique(fleet_5k: Report, xsd: xmlschema.XMLSchema) -> None:
    text = junit.render(fleet_5k)
    assert len(text.encode("utf-8")) < GITLAB_MAX_BYTES
    assert_unique(text)
    assert sum(1 for suite in parse(text) for _ in suite) == 250


@pytest.mark.parametrize(
    ("first", "second", "outcome"),
    [
        (Status.PASS, Status.PASS, "pass"),
        (Status.PASS, Status.NOT_APPLICABLE, "pass"),
        (Status.PASS, Status.UNCERTAIN, "Skipped"),
        (Status.NOT_APPLICABLE, Status.EXEMPT, "Skipped"),
        (Status.ERROR, Status.UNCERTAIN, "Error"),
        (Status.ERROR, Status.NOT_CONFIGURED, "Failure"),
        (Status.FAIL, Status.PASS, "Failure"),
    ],
)
def test_fleet_outcome_is_the_worst_across_devices(
    first: Status, second: Status, outcome: str
) -> None:
    fleet = factory.report(
        [
            factory.target("A", [factory.result("MS-ACC-001", first, 8, reason="r")]),
            factory.target("B", [factory.result("MS-ACC-001", second, 8, reason="r")]),
        ]
    )
    assert outcomes(junit.render(fleet)) == {outcome: 1}


@pytest.mark.parametrize("case", ["single_device", "fleet_of_three", "edge_cases"])
def test_every_test_case_has_a_time_and_junit2html_matrix_works(case: str, tmp_path: Path) -> None:
    """junit2html's --report-matrix divides by the total time: all-zero times crashed it."""
    pytest.importorskip("junit2htmlreport")
    text = junit.render(CASES[case]())
    assert all(float(t) > 0 for t in re.findall(r'<testcase [^>]*time="([^"]+)"', text))
    report = tmp_path / "junit.xml"
    report.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "junit2htmlreport",
            "--report-matrix",
            str(tmp_path / "m.html"),
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "msft-win11-24h2" in (tmp_path / "m.html").read_text(encoding="utf-8")
