"""The issue's acceptance lines on the real corpus (skipped without ../shared/corpus)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.run import baseliner

POLICY = "msft-windows11-24h2"


def _check(*args: str | Path) -> tuple[int, dict, str]:
    done = baseliner("check", *args, "--policy", POLICY, "-o", "json")
    return done.code, json.loads(done.out), done.err


def test_official_w11_baseline_scores_100_everywhere(corpus: Path) -> None:
    code, document, err = _check(corpus / "gpo" / "msft-windows11-24h2")
    assert code == 0, err
    (target,) = document["targets"]
    assert target["score"]["percent"] == 100.0
    assert all(c["percent"] == 100.0 for c in target["categories"].values())
    assert len(target["results"]) >= 200
    assert not [r for r in target["results"] if r["status"] == "error"]


def test_disable_windows_defender_fails_realtime_checks(corpus: Path) -> None:
    code, document, _ = _check(corpus / "gpo" / "detectionlab" / "disable_windows_defender")
    assert code == 1
    results = {r["check"]: r for r in document["targets"][0]["results"]}
    realtime = results["msft-w11-24h2-defender-disablerealtimemonitoring"]
    assert (realtime["status"], realtime["actual"]) == ("fail", 1)


def test_rsop_target_is_named_after_the_computer_with_lines(corpus: Path) -> None:
    code, document, err = _check(corpus / "rsop" / "dc-computer-rsop.xml")
    assert code in (0, 1), err
    (target,) = document["targets"]
    assert target["name"] == "CHILDDC"
    read = [r for r in target["results"] if r["origin"]]
    assert read and all(r["origin"][0]["line"] for r in read)


def test_intune_baseline_gives_every_status_with_reasons(corpus: Path) -> None:
    code, document, _ = _check(corpus / "intune" / "openintunebaseline" / "WINDOWS")
    assert code == 1
    results = document["targets"][0]["results"]
    statuses = {r["status"] for r in results}
    assert {"pass", "fail", "not_configured", "uncertain"} <= statuses
    reasons = ("partial mapping", "Intune policies disagree")
    for result in results:
        if result["status"] == "uncertain":
            assert result["via"]
            assert result["reason"].startswith(f"depends on Intune setting {result['via']}: ")
            assert any(reason in result["reason"] for reason in reasons)


def test_same_statuses_from_backup_and_gpreport(corpus: Path, tmp_path: Path) -> None:
    backups = corpus / "gpo" / "msft-windows11-24h2"
    reports = tmp_path / "reports"
    reports.mkdir()
    for index, report in enumerate(sorted(backups.rglob("gpreport.xml"))):
        (reports / f"{index}-{report.parent.parent.name}.xml").write_bytes(report.read_bytes())
    _, from_raw, _ = _check(backups)
    _, from_xml, _ = _check(reports)
    raw = {r["check"]: r["status"] for r in from_raw["targets"][0]["results"]}
    xml = {r["check"]: r["status"] for r in from_xml["targets"][0]["results"]}
    assert xml == raw


@pytest.mark.parametrize("path", ["intune/openintunebaseline/WINDOWS"])
def test_mapping_coverage_reports_counts(corpus: Path, path: str) -> None:
    done = baseliner("mapping", "--coverage", corpus / path, "--json")
    coverage = json.loads(done.out)["coverage"]
    assert coverage["exact"] and coverage["partial"] and coverage["unmapped"]
    assert coverage["mapped_percent_of_gp_equivalent"] >= 80
