"""SARIF: golden files, the OASIS schema, sarif-tools' reading, GitHub code-scanning limits."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from sarif.loader import load_sarif_file  # type: ignore[import-untyped]

from checker.core.results import Report
from checker.core.statuses import Category, Severity, Status
from checker.core.values import Origin
from checker.reporters import sarif
from tests.conftest import ROOT, SHARED
from tests.reporters import factory
from tests.reporters.conftest import CASES, Golden
from tests.test_lint import baseliner


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
    document = log(request.getfixturevalue(fleet))
    runs = document["runs"]
    assert len(runs) == 1
    assert len(runs[0]["results"]) <= sarif.MAX_RESULTS_PER_RUN
    assert "automationDetails" not in runs[0]
    rules = runs[0]["tool"]["driver"]["rules"]
    notes = runs[0]["invocations"][0].get("toolExecutionNotifications", [])
    named = {r["ruleId"] for r in runs[0]["results"]}
    named |= {note["associatedRule"]["id"] for note in notes if "associatedRule" in note}
    assert [rule["id"] for rule in rules] == sorted(named)
    assert all(len(rule["properties"]["tags"]) <= sarif.MAX_TAGS for rule in rules)
    assert sarif.oversize(sarif.render(request.getfixturevalue(fleet))) is None


@pytest.mark.parametrize(("devices", "scopes"), [(1, 1), (20, 20), (21, 1)])
def test_one_run_with_a_result_per_device_until_twenty(devices: int, scopes: int) -> None:
    """Always one run (one analysis, whatever the fleet); results per device and finding up
    to 20 devices, then per check across the fleet."""
    runs = log(factory.generated_fleet(devices, 10))["runs"]
    assert len(runs) == 1
    targets = {r["properties"].get("target", "fleet") for r in runs[0]["results"]}
    assert len(targets) == scopes


def test_category_only_when_asked() -> None:
    report = factory.fleet_of_three()
    assert "automationDetails" not in log(report)["runs"][0]
    for category, expected in (("win11", "win11/"), ("fleet/eu/", "fleet/eu/")):
        run = log(replace(report, category=category))["runs"][0]
        assert run["automationDetails"] == {"id": expected}


def test_rule_indexes_point_into_the_rules_used() -> None:
    run = log(factory.fleet_of_three())["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])
    assert run["tool"]["driver"]["informationUri"].startswith("https://")
    assert run["tool"]["driver"]["fullName"] == f"baseliner {run['tool']['driver']['version']}"


def test_absent_setting_of_an_installed_benchmark_points_at_the_export(tmp_path: Path) -> None:
    """A benchmark outside the source root (a shipped one, in site-packages) is never a
    location: the result points at the target's export instead."""
    export = Origin(str(tmp_path / "exports" / "gpresult.xml"), line=40)
    results_ = [
        factory.result("MS-ACC-001", Status.FAIL, 3, export),
        factory.result("MS-SC-004", Status.NOT_CONFIGURED),
    ]
    report = factory.report([factory.target("WS", results_)])
    found = {r["ruleId"]: r for r in results_of(log(report, root=tmp_path))}
    assert found["MS-SC-004"]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "exports/gpresult.xml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 1},
    }


def test_oversize_says_how_to_split() -> None:
    assert sarif.oversize(sarif.log([{"results": []}])) is None
    too_many = sarif.oversize(sarif.log([{"results": []}] * 21))
    assert too_many is not None and too_many.startswith(
        "the SARIF log is 21 runs, over GitHub's 20"
    )
    noise = [{"text": hashlib.sha256(str(i).encode()).hexdigest()} for i in range(400_000)]
    too_big = sarif.oversize(sarif.log([{"results": noise}]))
    assert too_big is not None and "MB gzipped, over GitHub's 10 MB: split the upload" in too_big
    assert "--sarif-category" in too_big and "per benchmark (--policy)" in too_big


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


def test_check_refuses_an_oversized_log_and_writes_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over the limit, the SARIF file is not written (exit 2, saying how to split); the
    other reports are."""
    monkeypatch.setattr(sarif, "MAX_GZIPPED_BYTES", 1024)
    monkeypatch.chdir(ROOT)
    done = baseliner(
        "check", "fixtures/gpo/misconfigured", "--policy", "msft-windows11-24h2",
        "-o", f"sarif={tmp_path / 'out.sarif'}", "-o", f"json={tmp_path / 'out.json'}",
    )  # fmt: skip
    assert done.code == 2
    assert "output error: sarif: the SARIF log is" in done.err
    assert "split the upload" in done.err
    assert not (tmp_path / "out.sarif").exists() and (tmp_path / "out.json").is_file()
