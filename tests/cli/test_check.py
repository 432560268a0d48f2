"""``baseliner check`` end to end on the project's fixtures: statuses, gates, exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli.run import baseliner
from tests.conftest import FIXTURES

POLICY = "msft-windows11-24h2"
GPO = FIXTURES / "gpo"


def _json(out: str) -> dict:
    return json.loads(out)


def test_compliant_fixture_scores_100_and_exits_0() -> None:
    done = baseliner("check", GPO / "compliant", "--policy", POLICY, "-o", "json")
    assert done.code == 0, done.err
    target = _json(done.out)["targets"][0]
    assert target["score"]["percent"] == 100.0
    assert {r["status"] for r in target["results"]} == {"pass"}
    assert len(target["results"]) >= 200


def test_misconfigured_fixture_fails_exactly_its_deviations_and_exits_1() -> None:
    done = baseliner("check", GPO / "misconfigured", "--policy", POLICY, "-o", "json")
    assert done.code == 1
    assert "gate failed: 10 result(s) fail/not_configured" in done.err
    results = _json(done.out)["targets"][0]["results"]
    failing = {r["check"]: r["actual"] for r in results if r["status"] == "fail"}
    assert failing["msft-w11-24h2-defender-disablerealtimemonitoring"] == 1
    assert failing["msft-w11-24h2-password-minimumpasswordlength"] == 7
    assert failing["msft-w11-24h2-audit-credential-validation"] == "No Auditing"
    assert len(failing) == 10


def test_missing_fixture_reports_not_configured_apart() -> None:
    done = baseliner("check", GPO / "missing", "--policy", POLICY, "-o", "json")
    statuses = [r["status"] for r in _json(done.out)["targets"][0]["results"]]
    assert (done.code, statuses.count("not_configured"), statuses.count("fail")) == (1, 10, 0)


def test_result_records_origin_with_byte_offset_and_line() -> None:
    done = baseliner("check", GPO / "misconfigured", "--policy", POLICY, "-o", "json")
    results = {r["check"]: r for r in _json(done.out)["targets"][0]["results"]}
    pol = results["msft-w11-24h2-defender-disablerealtimemonitoring"]["origin"][0]
    assert pol["path"].endswith("registry.pol") and pol["offset"] > 0 and pol["line"] is None
    inf = results["msft-w11-24h2-password-minimumpasswordlength"]["origin"][0]
    assert inf["path"].endswith("GptTmpl.inf") and inf["line"] > 0


def test_console_prints_category_scores() -> None:
    done = baseliner("check", GPO / "misconfigured", "--policy", POLICY)
    lines = done.out.splitlines()
    assert lines[0].startswith("misconfigured")
    for category in ("overall", "accounts", "application", "network", "os", "security_controls"):
        assert any(line.strip().startswith(category) for line in lines)
    assert "top recommendations" in done.out


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--soft-fail"], 0),
        (["--fail-on", "none"], 0),
        (["--fail-on", "none", "--fail-under", "99.9"], 1),
        (["--fail-on", "none", "--fail-under", "90"], 0),
        (["--fail-on", "none", "--fail-under-category", "accounts=99"], 1),
        (["--fail-on", "none", "--fail-under-category", "application=99"], 0),
        (["--category", "application"], 0),
        (["--check", "msft-w11-24h2-password-*"], 1),
    ],
)
def test_gates(args: list[str], code: int) -> None:
    done = baseliner("check", GPO / "misconfigured", "--policy", POLICY, *args)
    assert done.code == code, done.err


@pytest.mark.parametrize(
    ("args", "error"),
    [
        # Each of these passed the gate with 0 of 0 points (or could never fail it).
        (["--skip", "*"], "Invalid value for --check/--category/--skip: the selection leaves "
         "no check to run"),
        (["--check", "msft-w11-24h2-password-*", "--check", "msft-w11-24h2-pasword-*"],
         "Invalid value for --check: 'msft-w11-24h2-pasword-*' matches no check of "
         "msft-windows11-24h2"),
        (["--check", "msft-w11-24h2-smb-*", "--category", "accounts"],
         "the selection leaves no check to run"),
        (["--fail-under", "nan"], "Invalid value for '--fail-under': 'nan' is not a number "
         "from 0 to 100"),
        (["--fail-under-category", "os=500"], "'os=500': PERCENT is from 0 to 100"),
        (["--fail-under-category", "os=nan"], "'os=nan': PERCENT is from 0 to 100"),
    ],
)  # fmt: skip
def test_a_selection_or_threshold_that_cannot_gate_is_a_usage_error(
    args: list[str], error: str
) -> None:
    done = baseliner("check", GPO / "misconfigured", "--policy", POLICY, *args)
    assert (done.code, done.out) == (2, "")
    assert error in done.err


def test_corrupt_input_exits_2_and_keeps_other_targets(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    bad = FIXTURES / "bad" / "pol-truncated"
    done = baseliner("check", GPO / "compliant", bad, "--policy", POLICY, "-o", f"json={out}")
    assert done.code == 2
    assert "registry.pol: byte " in done.err
    assert "Traceback" not in done.err
    document = json.loads(out.read_text())
    assert [t["name"] for t in document["targets"]] == ["compliant"]
    assert document["errors"][0]["position"].startswith("byte ")


@pytest.mark.parametrize("name", sorted(p.name for p in (FIXTURES / "bad").iterdir()))
def test_every_bad_fixture_is_a_clean_input_error(name: str) -> None:
    done = baseliner("check", FIXTURES / "bad" / name, "--policy", POLICY)
    assert done.code == 2
    assert done.err.startswith("input error: ")
    assert str(FIXTURES / "bad" / name) in done.err
    assert "Traceback" not in done.err


HTML_HINT = "this is an HTML report: export XML instead (gpresult /x, or Get-GPOReport"


@pytest.mark.parametrize(
    ("data", "hint"),
    [
        (b"hello", False),
        (b"<!DOCTYPE html>\r\n<html><body>Group Policy Results</body></html>", True),
        # gpresult /h writes UTF-16 with a BOM
        (b"\xff\xfe" + "<html dir='ltr'><head></head></html>".encode("utf-16-le"), True),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "ZIP"),
    ],
    ids=["text", "html", "html-utf16", "zip"],
)
def test_unknown_format_is_an_input_error(tmp_path: Path, data: bytes, hint: object) -> None:
    (tmp_path / "report.htm").write_bytes(data)
    done = baseliner("check", tmp_path / "report.htm", "--policy", POLICY)
    assert (done.code, "unknown format" in done.err) == (2, True)
    assert (HTML_HINT in done.err) is (hint is True)
    zip_hint = "this is a ZIP archive: extract it and check the folder"
    assert (zip_hint in done.err) is (hint == "ZIP")


def test_unknown_policy_is_exit_2() -> None:
    done = baseliner("check", GPO / "compliant", "--policy", "no-such-benchmark")
    assert done.code == 2
    assert "no benchmark file, folder or shipped name 'no-such-benchmark'" in done.err


def test_several_outputs_in_one_run(tmp_path: Path) -> None:
    done = baseliner(
        "check",
        GPO / "misconfigured",
        "--policy",
        POLICY,
        "--soft-fail",
        "-o",
        f"junit={tmp_path / 'r' / 'junit.xml'}",
        "-o",
        f"sarif={tmp_path / 'r.sarif'}",
        "-o",
        "markdown=-",
        "-o",
        f"csv={tmp_path / 'r.csv'}",
        "-o",
        f"json={tmp_path / 'r.json'}",
    )
    assert done.code == 0, done.err
    assert done.out.startswith("> [!WARNING]\n> **Gate failed (--soft-fail: the run exits 0)**")
    for name in ("r/junit.xml", "r.sarif", "r.csv", "r.json"):
        assert (tmp_path / name).stat().st_size > 0


def test_output_is_deterministic(tmp_path: Path) -> None:
    outputs = []
    for run in ("a", "b"):
        baseliner(
            "check",
            GPO,
            "--policy",
            POLICY,
            "--soft-fail",
            "--jobs",
            "2",
            "-o",
            f"json={tmp_path / run}.json",
            "-o",
            f"sarif={tmp_path / run}.sarif",
        )
        outputs.append(
            ((tmp_path / f"{run}.json").read_bytes(), (tmp_path / f"{run}.sarif").read_bytes())
        )
    assert outputs[0] == outputs[1]


def test_two_stdout_outputs_is_a_usage_error() -> None:
    done = baseliner("check", GPO / "compliant", "--policy", POLICY, "-o", "json", "-o", "csv")
    assert done.code == 2
    assert "only one output can go to stdout" in done.err


def test_registry_reference_matches_any_case_of_the_stored_key(tmp_path: Path) -> None:
    from checker.loaders.registry_pol import make_entry, write

    pol = tmp_path / "Machine" / "registry.pol"
    pol.parent.mkdir()
    pol.write_bytes(write([make_entry("Software\\Policies\\Contoso", "requireSIGNING", 1)]))
    bench = tmp_path / "bench.yaml"
    bench.write_text(
        "id: case\ntitle: Case\nchecks:\n"
        "  - {id: c, title: C, category: os, impact: 1, severity: low,\n"
        "     registry: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\POLICIES\\contoso!RequireSigning',\n"
        "     expect: {equals: 1}}\n"
    )
    done = baseliner("check", pol, "--policy", bench, "-o", "json")
    (result,) = json.loads(done.out)["targets"][0]["results"]
    assert (done.code, result["status"], result["origin"][0]["offset"]) == (0, "pass", 8)


@pytest.mark.parametrize("fixture", ["gpreport/small-gpreport.xml", "gpresult/small-rsop.xml"])
def test_formats_are_sniffed_by_content_not_name(fixture: str, tmp_path: Path) -> None:
    renamed = tmp_path / "export.bin"
    renamed.write_bytes((FIXTURES / fixture).read_bytes())
    original = baseliner("normalize", FIXTURES / fixture)
    sniffed = baseliner("normalize", renamed)
    assert sniffed.code == original.code == 0, sniffed.err
    documents = [json.loads(done.out)["targets"][0]["document"] for done in (original, sniffed)]
    strip = json.dumps(documents[0]).replace(str(FIXTURES / fixture), "")
    assert strip == json.dumps(documents[1]).replace(str(renamed), "")


def test_two_targets_with_one_name_are_both_reported_with_a_warning(tmp_path: Path) -> None:
    """Two gpresult exports of one computer (before and after, say): both are checked and
    reported; diff, which matches targets by name, would see one, so the run says so."""
    export = (FIXTURES / "gpresult" / "small-rsop.xml").read_bytes()
    for name in ("before.xml", "after.xml"):
        (tmp_path / name).write_bytes(export)
    done = baseliner("check", tmp_path, "--policy", POLICY, "-o", "json", "--soft-fail")
    assert done.code == 0, done.err
    report = _json(done.out)
    assert [target["name"] for target in report["targets"]] == ["WS01", "WS01"]
    message = (
        f"2 targets have the name 'ws01' (in any case: {tmp_path / 'after.xml'}, "
        f"{tmp_path / 'before.xml'}); diff matches targets by name and will see one"
    )
    assert report["warnings"] == [
        {"path": str(tmp_path / "after.xml"), "position": None, "message": message}
    ]
    assert f"warning: {tmp_path / 'after.xml'}: {message}" in done.err


def test_a_manifest_target_with_a_missing_source_is_an_error_not_an_empty_device(
    tmp_path: Path,
) -> None:
    """Built without the source (a typo, an unexpanded glob) the target was scored as a
    device with nothing set, which lowered the fleet's score; it is now left out, as a
    target with an unreadable source is."""
    manifest = tmp_path / "targets.yaml"
    manifest.write_text(
        f"targets:\n  - name: good\n    sources: [{GPO / 'compliant'}]\n"
        "  - name: typo\n    sources: ['exports/ws-*']\n"
    )
    done = baseliner(
        "check", "--targets", manifest, "--policy", POLICY, "-o", "json",
        "--allow-outside", FIXTURES,
    )  # fmt: skip
    assert done.code == 2
    assert [target["name"] for target in _json(done.out)["targets"]] == ["good"]
    assert (
        f"input error: {manifest}: line 4: source 'exports/ws-*' of the manifest does not exist"
        in done.err
    )


def test_a_manifest_without_targets_is_an_error(tmp_path: Path) -> None:
    """It checked nothing and passed ('no targets', exit 0)."""
    manifest = tmp_path / "targets.yaml"
    manifest.write_text("targets: []\n")
    done = baseliner("check", "--targets", manifest, "--policy", POLICY)
    assert (done.code, done.out) == (2, "")
    assert done.err == f"policy error: {manifest}:1:10: [] should be non-empty at targets\n"


def test_unmapped_policies_are_reported_in_the_console_and_json() -> None:
    report = FIXTURES / "gpreport" / "small-gpreport.xml"
    console = baseliner("check", report, "--policy", POLICY, "--soft-fail")
    assert (
        "  1 policies not mapped to the settings checks read: "
        "Custom/Somewhere/A policy no ADMX defines (no ADMX policy of this name is known)\n"
    ) in console.out
    done = baseliner("check", report, "--policy", POLICY, "--soft-fail", "-o", "json")
    (target,) = _json(done.out)["targets"]
    assert target["unmapped"] == [
        {
            "path": str(report),
            "line": 112,
            "what": "Custom/Somewhere/A policy no ADMX defines",
            "name": None,
            "reason": "no ADMX policy of this name is known",
            "count": 1,
        }
    ]
    assert (target["skipped"], target["repaired"]) == ([], [])


def test_an_all_report_is_checked_as_a_target_per_gpo() -> None:
    report = FIXTURES / "gpreport" / "all-gpos.xml"
    done = baseliner("check", report, "--policy", POLICY, "--soft-fail", "-o", "json")
    names = [target["name"] for target in _json(done.out)["targets"]]
    assert names == [
        "Servers",
        "Workstations {16000000-0000-4000-8000-00000000000a}",
        "Workstations {16000000-0000-4000-8000-00000000000b}",
    ]
    assert "have the name" not in done.err


def test_a_planned_result_is_marked_in_the_console_and_json() -> None:
    rsop = FIXTURES / "gpresult" / "planned-rsop.xml"
    console = baseliner("check", rsop, "--policy", POLICY, "--soft-fail")
    assert console.out.startswith(
        "planned-rsop  (1 source; planned by GPMC modelling, not a device's logged result)\n"
    )
    done = baseliner("check", rsop, "--policy", POLICY, "--soft-fail", "-o", "json")
    (target,) = _json(done.out)["targets"]
    assert target["planned"] is True


def test_a_repaired_report_is_a_warning_naming_the_file() -> None:
    report = FIXTURES / "gpreport" / "repairs" / "bare-ampersand.xml"
    done = baseliner("check", report, "--policy", POLICY, "--soft-fail", "-o", "json")
    assert done.code == 0
    assert f"warning: {report}: line 7: repaired: a bare '&' read as literal '&'\n" in done.err
    (target,) = _json(done.out)["targets"]
    assert [note["what"] for note in target["repaired"]] == ["a bare '&' read as literal '&'"]


FIREWALL_POLICY = """\
id: firewall
title: Firewall
version: "1"
checks:
  - id: fw.domain
    title: Domain profile on
    category: network
    impact: 5
    severity: high
    firewall: Domain/EnableFirewall
    expect: {equals: 1}
  - id: fw.public-log
    title: Public profile log size
    category: network
    impact: 5
    severity: low
    firewall: Public/LogFileSize
    expect: {gte: 16384}
"""


def test_firewall_checks_say_the_same_of_raw_files_and_report(tmp_path: Path) -> None:
    policy = tmp_path / "firewall.yaml"
    policy.write_text(FIREWALL_POLICY)
    backup = FIXTURES / "gpo-with-report" / "{16161616-0000-4000-8000-000000000016}"
    for path in (backup, backup / "gpreport.xml"):
        done = baseliner("check", path, "--policy", policy, "-o", "json")
        (target,) = _json(done.out)["targets"]
        assert [(r["check"], r["status"]) for r in target["results"]] == [
            ("fw.domain", "pass"),
            ("fw.public-log", "pass"),
        ], path


def test_a_manifest_naming_a_path_out_of_its_repository_is_refused(tmp_path: Path) -> None:
    """A manifest from a pull request must not make the runner read its home folder."""
    manifest = tmp_path / "targets.yaml"
    manifest.write_text(f"targets:\n  - name: outside\n    sources: [{GPO / 'compliant'}]\n")
    done = baseliner("check", "--targets", manifest, "--policy", POLICY, "-o", "json")
    assert done.code == 2
    assert _json(done.out)["targets"] == []
    assert "of the manifest leads out of its repository (--allow-outside PATH" in done.err


SCOPED = """\
id: scoped
title: A computer setting and a user's
version: "1"
checks:
  - id: scoped-password-length
    title: Minimum password length of 14
    category: accounts
    impact: 5
    severity: medium
    security: 'System Access/MinimumPasswordLength'
    expect: {{gte: 14}}
  - id: scoped-toast
    title: No toast notifications on the lock screen
    category: os
    impact: 3
    severity: low
    registry: '{toast}'
    expect: {{equals: 1}}
""".format(
    toast="HKCU\\SOFTWARE\\Policies\\Microsoft\\Windows\\CurrentVersion\\PushNotifications"
    "!NoToastApplicationNotificationOnLockScreen"
)


@pytest.mark.parametrize(
    ("scopes", "code", "statuses"),
    [
        (("Computer", "User"), 0, {"scoped-password-length": "pass", "scoped-toast": "pass"}),
        # gpresult /scope user, or gpresult run without elevation: no computer settings
        (("User",), 1, {"scoped-password-length": "error", "scoped-toast": "pass"}),
        # gpresult /scope computer, or run as an account without user results: no user's
        (("Computer",), 1, {"scoped-password-length": "pass", "scoped-toast": "error"}),
    ],
    ids=["both-scopes", "user-only", "computer-only"],
)
def test_a_report_of_one_scope_alone_cannot_judge_the_others(
    tmp_path: Path, scopes: tuple[str, ...], code: int, statuses: dict[str, str]
) -> None:
    text = (FIXTURES / "gpresult" / "small-rsop.xml").read_bytes().decode("utf-16")
    for scope in {"Computer", "User"} - set(scopes):
        text = re.sub(rf"<{scope}Results>.*?</{scope}Results>", "", text, flags=re.S)
    export = tmp_path / "rsop.xml"
    export.write_text(text, encoding="utf-16")
    policy = tmp_path / "scoped.yaml"
    policy.write_text(SCOPED, encoding="utf-8")
    done = baseliner("check", export, "--policy", policy, "-o", "json")
    assert done.code == code, done.err
    results = json.loads(done.out)["targets"][0]["results"]
    assert {r["check"]: r["status"] for r in results} == statuses
    errors = [r["reason"] for r in results if r["status"] == "error"]
    held = {("User",): "a user's settings only", ("Computer",): "the computer's settings only"}
    assert bool(errors) == (code == 1)
    assert all(r.startswith(f"cannot be judged: the export holds {held[scopes]}") for r in errors)
