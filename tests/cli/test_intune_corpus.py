"""Intune exports the project did not write (../shared/corpus/intune; skipped without it):
every JSON file is read or listed as skipped with its kind, whole tenant folders check
cleanly, and the acceptance lines of issue 17 on OpenIntuneBaseline and an IntuneCD backup."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from checker.core.errors import InputFormatError
from checker.loaders import FORMATS
from checker.targets.load import plan
from tests.cli.run import baseliner
from tests.conftest import CORPUS

POLICY = "msft-windows11-24h2"
INTUNE = CORPUS / "intune"


def _sets() -> list[str]:
    """Every folder of exports two levels down (a baseline version, a tenant backup)."""
    if not INTUNE.is_dir():
        return []
    return sorted(
        folder.relative_to(INTUNE).as_posix()
        for folder in INTUNE.glob("*/*")
        if folder.is_dir() and any(folder.rglob("*.json"))
    )


def test_every_json_file_is_read_or_listed_as_skipped_with_its_kind(corpus: Path) -> None:
    planned = plan([corpus / "intune"])
    assert planned.errors == []
    accounted: set[str] = set()
    errors: list[str] = []
    for target in planned.targets:
        for item in target.sources:
            try:
                sources = FORMATS[item.format].load(item.path)
            except InputFormatError as exc:
                errors.append(str(exc.error))
                continue
            for source in sources:
                accounted |= {source.path} | {fact.origin.path for fact in source.facts}
                accounted |= {note.path for note in source.notes}
                assert all(note.what and note.reason for note in source.notes)
    assert errors == []
    files = {str(path) for path in (corpus / "intune").rglob("*.json")}
    assert sorted(files - accounted) == []


def _check(path: Path) -> tuple[int, dict[str, Any], str]:
    done = baseliner("check", path, "--policy", POLICY, "-o", "json")
    return done.code, json.loads(done.out), done.err


@pytest.mark.parametrize("folder", [*_sets(), "."])
def test_a_whole_folder_exits_0_or_1_never_2(corpus: Path, folder: str) -> None:
    code, document, err = _check(corpus / "intune" / folder)
    assert code in (0, 1), err
    assert document["errors"] == [] and "input error" not in err
    (target,) = document["targets"]
    assert target["results"]


@pytest.fixture(scope="module")
def reports(corpus: Path) -> dict[str, dict[str, Any]]:
    return {
        name: _check(corpus / "intune" / name)[1]["targets"][0]
        for name in ("openintunebaseline/WINDOWS", "more-shapes/ennnbeee-CES2026-IntuneCD")
    }


SETS = ["openintunebaseline/WINDOWS", "more-shapes/ennnbeee-CES2026-IntuneCD"]


@pytest.mark.parametrize("name", SETS)
def test_no_user_right_fails_on_a_name_against_a_sid(
    reports: dict[str, dict[str, Any]], name: str
) -> None:
    failing = [
        r
        for r in reports[name]["results"]
        if r["setting"].startswith("privilege:") and r["status"] == "fail"
    ]
    assert all(item.startswith("S-1-") for r in failing for item in r["actual"]), failing


@pytest.mark.parametrize("name", SETS)
def test_no_conflict_between_instances_of_one_policy(
    reports: dict[str, dict[str, Any]], name: str
) -> None:
    within = [
        c
        for c in reports[name]["conflicts"]
        if (c["winner"]["origin"]["path"], c["winner"]["origin"]["source"])
        == (c["loser"]["origin"]["path"], c["loser"]["origin"]["source"])
    ]
    assert within == []


@pytest.mark.parametrize("name", SETS)
def test_no_uncertain_result_rests_on_an_assumption(
    reports: dict[str, dict[str, Any]], name: str
) -> None:
    uncertain = [r for r in reports[name]["results"] if r["status"] == "uncertain"]
    assert [r["reason"] for r in uncertain if "assum" in r["reason"]] == []


ASR = "asr-"
FAILING_AND_UNCERTAIN = {
    # genuine: OIB enables automatic restart sign-on, adds a SID to SeImpersonatePrivilege,
    # asks standard users for credentials, and sends samples; no CSP value gives
    # SpynetReporting 2.  The uncertain ones: its Audit Mode ASR policy disagrees with L2.
    "openintunebaseline/WINDOWS": (
        {
            "defender-spynetreporting",
            "defender-submitsamplesconsent",
            "logon-disableautomaticrestartsignon",
            "uac-consentpromptbehavioruser",
            "user-rights-seimpersonateprivilege",
        },
        14,
        {ASR},
    ),
    # three baselines in one tenant (MSZT, CIS, NCSC) that disagree with each other
    "more-shapes/ennnbeee-CES2026-IntuneCD": (
        {"defender-spynetreporting"},
        6,
        {
            "audit-sensitive-privilege-use",
            "defender-submitsamplesconsent",
            "uac-consentpromptbehavioradmin",
            "user-rights-sedenynetworklogonright",
            "user-rights-sedenyremoteinteractivelogonright",
            "user-rights-seimpersonateprivilege",
        },
    ),
}


@pytest.mark.parametrize("name", SETS)
def test_what_fails_and_what_is_uncertain(reports: dict[str, dict[str, Any]], name: str) -> None:
    fails, uncertain_count, uncertain_prefixes = FAILING_AND_UNCERTAIN[name]
    results = {r["check"].removeprefix("msft-w11-24h2-"): r for r in reports[name]["results"]}
    assert {c for c, r in results.items() if r["status"] == "fail"} == fails
    uncertain = [c for c, r in results.items() if r["status"] == "uncertain"]
    assert len(uncertain) == uncertain_count
    assert all(any(c.startswith(p) for p in uncertain_prefixes) for c in uncertain)
    assert all(
        results[c]["reason"].startswith(f"depends on Intune setting {results[c]['via']}: Intune")
        for c in uncertain
    )
