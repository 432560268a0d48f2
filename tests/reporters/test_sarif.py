"""SARIF: golden files, the OASIS schema, sarif-tools' reading, GitHub code-scanning limits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from sarif.loader import load_sarif_file  # type: ignore[import-untyped]

from checker.core.results import Report
from checker.core.statuses import Category, Severity, Status
from checker.core.values import Origin
from checker.reporters import sarif
from tests.conftest import SHARED
from tests.reporters import factory
from tests.reporters.conftest import CASES, Golden


@pytest.fixture(scope="module")
def validator(shared: Path) -> Any:
    schema = json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text())
    return jsonschema.Draft4Validator(schema)


def log(report: Report, **options: Any) -> Any:
    return json.loads(sarif.render(report, **options))


def results(report: Report) -> list[Any]:
    return [result for run in log(report)["runs"] for result in run["results"]]


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case: str, golden: Golden) -> None:
    golden(f"{case}.sarif", sarif.render(CASES[case]()))


@pytest.mark.parametrize("case", sorted(CASES))
def test_valid_against_schema(case: str, validator: Any) -> None:
    validator.validate(log(CASES[case]()))


def test_generated_fleet_is_valid(fleet_1k: Report, validator: Any) -> None:
    validator.validate(log(fleet_1k))


@pytest.mark.parametrize(
    ("case", "counts"),
    [
        ("single_device", {"error": 3, "warning": 0, "note": 1, "none": 0}),
        ("fleet_of_three", {"error": 6, "warning": 3, "note": 1, "none": 0}),
        ("edge_cases", {"error": 1, "warning": 0, "note": 0, "none": 1}),
    ],
)
def test_sarif_tools_reads_it(case: str, counts: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / f"{case}.sarif"
    path.write_text(sarif.render(CASES[case]()), encoding="utf-8")
    report = load_sarif_file(str(path)).get_report()
    assert {level: report.get_issue_count_for_severity(level) for level in counts} == counts


@pytest.mark.parametrize("fleet", ["fleet_1k", "fleet_5k"])
def test_fleets_stay_within_github_limits(fleet: str, request: pytest.FixtureRequest) -> None:
    runs = log(request.getfixturevalue(fleet))["runs"]
    assert len(runs) <= sarif.MAX_RUNS
    assert max(len(run["results"]) for run in runs) <= sarif.MAX_RESULTS_PER_RUN
    assert [run["automationDetails"]["id"] for run in runs] == ["baseliner/fleet/"]
    rules = runs[0]["tool"]["driver"]["rules"]
    assert len(rules) == 250
    assert all(len(rule["properties"]["tags"]) <= sarif.MAX_TAGS for rule in rules)


@pytest.mark.parametrize(("devices", "runs"), [(1, 1), (20, 20), (21, 1)])
def test_one_run_per_target_until_the_run_limit(devices: int, runs: int) -> None:
    ids = [
        run["automationDetails"]["id"] for run in log(factory.generated_fleet(devices, 10))["runs"]
    ]
    assert len(ids) == runs
    assert len(set(ids)) == runs


@pytest.mark.parametrize(
    ("severity", "impact", "expected"),
    [
        (Severity.LOW, 1, "0.1"),
        (Severity.LOW, 10, "3.9"),
        (Severity.MEDIUM, 1, "4.0"),
        (Severity.MEDIUM, 5, "5.3"),
        (Severity.HIGH, 10, "8.9"),
        (Severity.CRITICAL, 1, "9.0"),
        (Severity.CRITICAL, 10, "10.0"),
    ],
)
def test_security_severity_stays_in_the_severity_band(
    severity: Severity, impact: int, expected: str
) -> None:
    info = factory.check("X", "x", Category.OS, impact, severity, "s", "e", line=1)
    assert sarif.security_severity(info) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("exports/a b/{GUID}/registry.pol", "exports/a%20b/%7BGUID%7D/registry.pol"),
        ("exports\\gpo\\GptTmpl.inf", "exports/gpo/GptTmpl.inf"),
        ("<root>/policies/x.yaml", "policies/x.yaml"),
        ("./policies/../policies/ü.yaml", "policies/%C3%BC.yaml"),
    ],
)
def test_paths_under_the_root_are_relative_uris(
    path: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    location = sarif.artifact_uri(path.replace("<root>", str(tmp_path)), str(tmp_path))
    assert location == {"uri": expected, "uriBaseId": "%SRCROOT%"}


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/elsewhere/50%.json", "file:///elsewhere/50%25.json"), ("<root>", "file://<root>")],
)
def test_paths_outside_the_root_are_absolute_uris(path: str, expected: str, tmp_path: Path) -> None:
    location = sarif.artifact_uri(path.replace("<root>", str(tmp_path)), str(tmp_path))
    assert location == {"uri": expected.replace("<root>", str(tmp_path))}


def test_root_makes_absolute_origins_relative(tmp_path: Path) -> None:
    origin = Origin(str(tmp_path / "exports" / "registry.pol"), offset=12)
    report = factory.report(
        [factory.target("WS", [factory.result("MS-NET-002", Status.FAIL, 0, origin)])]
    )
    location = results_of(log(report, root=tmp_path))[0]["locations"][0]["physicalLocation"]
    assert location == {
        "artifactLocation": {"uri": "exports/registry.pol", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 1},
        "properties": {"byteOffset": 12},
    }


def results_of(document: Any) -> list[Any]:
    return [result for run in document["runs"] for result in run["results"]]


@pytest.mark.parametrize(
    ("check", "region"),
    [
        ("MS-ACC-001", {"startLine": 7}),
        ("MS-NET-002", {"startLine": 1}),
        ("MS-SC-004", {"startLine": 63}),
    ],
)
def test_locations_point_at_the_setting_or_the_check(check: str, region: dict[str, int]) -> None:
    found = {r["ruleId"]: r for r in results(factory.single_device())}[check]
    assert found["locations"][0]["physicalLocation"]["region"] == region


def test_binary_origin_keeps_its_byte_offset() -> None:
    found = {r["ruleId"]: r for r in results(factory.single_device())}["MS-NET-002"]
    assert found["locations"][0]["physicalLocation"]["properties"] == {"byteOffset": 1024}


def test_absent_setting_points_at_the_benchmark_file() -> None:
    found = {r["ruleId"]: r for r in results(factory.single_device())}["MS-SC-004"]
    uri = found["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == factory.BENCHMARK_PATH


def test_uncertain_is_a_review() -> None:
    found = {r["ruleId"]: r for r in results(factory.edge_cases())}["MS-OS-003"]
    assert (found["kind"], found["level"]) == ("review", "none")


def test_fingerprints_are_stable_and_distinct() -> None:
    first = [r["partialFingerprints"] for r in results(factory.fleet_of_three())]
    assert first == [r["partialFingerprints"] for r in results(factory.fleet_of_three())]
    assert len({json.dumps(f) for f in first}) == len(first)


def test_errors_become_notifications() -> None:
    invocation = log(factory.edge_cases())["runs"][0]["invocations"][0]
    texts = [note["message"]["text"] for note in invocation["toolExecutionNotifications"]]
    assert invocation["executionSuccessful"] is False
    assert texts == [
        "exports/broken dir/registry.pol: byte 0: bad PReg signature",
        "exports/intune/bad.json: line 3, column 7: Expecting ',' delimiter\x01",
        "MS-NET-002: error: expression failed: `a` & <b> on null (LAPTOP-ÉTÉ)",
    ]


def test_fleet_result_lists_devices(fleet_1k: Report) -> None:
    result = next(r for r in results(fleet_1k) if r.get("kind") == "fail")
    assert result["properties"]["count"] == len(result["properties"]["devices"]) or (
        len(result["properties"]["devices"]) == sarif.DEVICES_IN_PROPERTIES
    )
    assert " more" in result["message"]["text"]
