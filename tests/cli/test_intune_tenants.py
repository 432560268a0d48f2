"""Intune exports as tenants export them, through the real CLI, on the project's own fixtures
(tools/make_intune_fixtures.py): whole-tenant backups check cleanly, what sets no Windows
device setting is listed as skipped with its kind, conflicts are real or absent, and an input
error is printed once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.run import baseliner
from tests.conftest import FIXTURES

POLICY = "msft-windows11-24h2"
INTUNE = FIXTURES / "intune"
TENANT = INTUNE / "tenant"
SET_BY_THE_TENANT = [
    "*user-rights-sebackupprivilege",
    "*user-rights-serestoreprivilege",
    "*user-rights-seinteractivelogonright",
    "*user-rights-secreatepermanentprivilege",
    "*user-rights-sedenynetworklogonright",
    "*user-rights-sedenyremoteinteractivelogonright",
    "*user-rights-seimpersonateprivilege",
    "*exploit-driverloadpolicy",
    "*powershell-enablescriptblock*logging",
    "*defender-disableremovabledrivescanning",
    "*autoplay-nodrivetypeautorun",
    "*winrm-*-allowbasic",
    "*smartscreen-enablesmartscreen",
    "*smartscreen-shellsmartscreenlevel",
]


def _check(*args: str | Path) -> tuple[int, dict[str, Any], str]:
    done = baseliner("check", *args, "--policy", POLICY, "-o", "json", "--jobs", "1")
    return done.code, json.loads(done.out), done.err


def _selected(checks: list[str]) -> list[str]:
    return [arg for pattern in checks for arg in ("--check", pattern)]


def test_a_tenant_backup_checks_cleanly_and_its_verdicts_decide_the_exit_code() -> None:
    code, document, err = _check(TENANT, *_selected(SET_BY_THE_TENANT))
    assert (code, err, document["errors"]) == (0, "", [])
    (target,) = document["targets"]
    statuses = {r["check"].removeprefix("msft-w11-24h2-"): r["status"] for r in target["results"]}
    assert set(statuses.values()) == {"pass"}, statuses
    assert len(statuses) == 16
    assert target["conflicts"] == []
    code, _, err = _check(TENANT)
    assert (code, err) == (1, "gate failed: 251 result(s) fail/not_configured\n")


def test_user_rights_by_name_are_compared_by_sid() -> None:
    _, document, _ = _check(TENANT, "--check", "*user-rights-*")
    actual = {r["setting"]: r["actual"] for r in document["targets"][0]["results"] if r["actual"]}
    assert actual == {
        "privilege:SeBackupPrivilege": ["S-1-5-32-544"],
        "privilege:SeRestorePrivilege": ["S-1-5-32-544"],
        "privilege:SeInteractiveLogonRight": ["S-1-5-32-544", "S-1-5-32-545"],
        "privilege:SeDenyNetworkLogonRight": ["S-1-5-113", "S-1-5-32-546"],
        "privilege:SeDenyRemoteInteractiveLogonRight": ["S-1-5-113", "S-1-5-32-546"],
        "privilege:SeImpersonatePrivilege": ["S-1-5-19", "S-1-5-20", "S-1-5-32-544", "S-1-5-6"],
    }


NOTES = (
    "  16 export objects skipped (they set no Windows device setting): settings catalog policy"
    " (archived); app protection policy (iOS); assignment report; notification message template;"
    " compliance policy (iOS); Conditional Access policy; firmware (DFCI) profile; tenant"
    " settings; enrollment configuration; feature update profile; assignment filter; role; scope"
    " tag; PowerShell script; shell script (macOS); settings catalog policy (macOS)\n"
    "  2 policies not mapped to the settings checks read: LAPS/Password Settings (no ADMX policy"
    " of this name under this category in the ADMX index); Google/Google Chrome/Extensions/"
    "Configure allowed app/extension types (an ingested (third-party) ADMX policy: its registry"
    " values are not known)\n"
)


def test_the_console_lists_what_was_skipped_or_not_mapped() -> None:
    done = baseliner("check", TENANT, "--policy", POLICY, "--check", "*user-rights-*")
    assert done.out.endswith(NOTES), done.out


def test_json_lists_every_skipped_object_with_its_kind_and_where_it_is() -> None:
    _, document, _ = _check(TENANT, "--check", "*user-rights-*")
    (target,) = document["targets"]
    assert (len(target["skipped"]), len(target["unmapped"])) == (16, 2)
    by_file = {
        Path(note["path"]).relative_to(TENANT / "Backup").as_posix(): note
        for note in target["skipped"]
    }
    assert by_file["Scripts/Shell/Mac - Dock.json"] == {
        "path": str(TENANT / "Backup" / "Scripts" / "Shell" / "Mac - Dock.json"),
        "line": 2,
        "what": "shell script (macOS)",
        "name": "Mac - Dock",
        "reason": "a script: what it changes is not known until it runs",
        "count": 1,
    }


def test_an_import_body_is_reported_as_not_evaluated_with_its_count() -> None:
    done = baseliner("check", INTUNE / "import-body", "--policy", POLICY, "--check", "*winrm-*")
    assert done.code == 1
    assert done.out.endswith(
        "  3 policies not mapped to the settings checks read: 3 × Administrative Template"
        " setting (not evaluated: definition given by id only)\n"
    )


def test_a_powershell_export_and_an_intent_whose_settings_are_a_json_string() -> None:
    code, document, err = _check(INTUNE / "powershell", "--check", "*inactivitytimeoutsecs")
    assert (code, err) == (0, "")
    (result,) = document["targets"][0]["results"]
    assert (result["status"], result["actual"], result["via"]) == (
        "pass",
        900,
        "windows10EndpointProtectionConfiguration.localSecurityOptionsMachineInactivityLimit",
    )
    (origin,) = result["origin"]
    assert Path(origin["path"]).name == "Account Protection_Settings.json"
    assert (origin["line"], origin["source"]) == (1, "Contoso's Account Protection")


CONFLICTS = INTUNE / "conflicts"
MONITORING = "msft-w11-24h2-defender-disablebehaviormonitoring"
INTUNE_RULE = "Intune policies disagree: Intune applies neither"


def test_intune_policies_conflict_only_where_their_values_differ() -> None:
    _, document, _ = _check(
        CONFLICTS, "--check", "*disablebehaviormonitoring", "--check", "*enablesmartscreen",
        "--check", "*sebackupprivilege",
    )  # fmt: skip
    (target,) = document["targets"]
    assert {r["check"]: r["status"] for r in target["results"]} == {
        MONITORING: "uncertain",
        "msft-w11-24h2-smartscreen-enablesmartscreen": "pass",
        "msft-w11-24h2-user-rights-sebackupprivilege": "pass",
    }
    (conflict,) = target["conflicts"]
    assert conflict["rule"] == INTUNE_RULE and conflict["applied"] is False
    sides = [conflict[side] for side in ("loser", "winner")]
    assert [(s["value"], s["origin"]["source"], s["origin"]["line"]) for s in sides] == [
        (0, "A - Baseline", 11),
        (1, "B - Hardening", 11),
    ]


def test_the_console_names_both_values_origins_and_the_rule() -> None:
    done = baseliner("check", CONFLICTS, "--policy", POLICY, "--check", "*behaviormonitoring")
    (line,) = [line for line in done.out.splitlines() if line.startswith("  conflict")]
    a, b = CONFLICTS / "A - Baseline.json", CONFLICTS / "B - Hardening.json"
    assert line == (
        "  conflict registry:HKLM\\Software\\Policies\\Microsoft\\Windows Defender\\"
        f"Real-Time Protection!DisableBehaviorMonitoring: {INTUNE_RULE}: 0 at {a}:11 "
        f"('A - Baseline') against 1 at {b}:11 ('B - Hardening')"
    )


def test_an_input_error_is_printed_once_and_the_rest_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"@odata.type": "#microsoft.graph.windows10GeneralConfiguration", "a": ')
    done = baseliner("check", broken, TENANT, "--policy", POLICY, "--check", "*sebackup*")
    assert done.code == 2
    assert done.err == f"input error: {broken}: line 1, column 72: invalid JSON: Expecting value\n"
    assert str(broken) not in done.out
    assert "pass" in done.out and "tenant" in done.out


def test_a_value_the_export_holds_encrypted_is_uncertain_never_a_verdict(tmp_path: Path) -> None:
    """Graph returns custom profiles' string OMA-URI values as '****' unless asked for each in
    clear: the setting is configured, to a value the export does not show."""
    oma = "./Device/Vendor/MSFT/Policy/Config/WindowsPowerShell/TurnOnPowerShellScriptBlockLogging"
    setting = {
        "@odata.type": "#microsoft.graph.omaSettingString",
        "displayName": "Script block logging",
        "omaUri": oma,
        "secretReferenceValueId": "1a2b3c4d_5e6f_7a8b",
        "isEncrypted": True,
        "value": "****",
    }
    policy = {
        "@odata.type": "#microsoft.graph.windows10CustomConfiguration",
        "displayName": "Custom - PowerShell",
        "omaSettings": [setting],
    }
    statuses = {}
    for name, value in (("encrypted", "****"), ("in-clear", "<enabled/>")):
        export = tmp_path / f"{name}.json"
        text = json.dumps(policy | {"omaSettings": [setting | {"value": value}]}, indent=1)
        export.write_text(text, encoding="utf-8")
        line = next(n for n, row in enumerate(text.splitlines(), 1) if oma in row)
        done = baseliner("check", export, "--policy", POLICY, "-o", "json", "--soft-fail")
        assert done.code == 0, done.err
        (target,) = json.loads(done.out)["targets"]
        results = {r["check"]: r for r in target["results"] if "scriptblock" in r["check"]}
        statuses[name] = {check: r["status"] for check, r in results.items()}
        if name == "encrypted":
            for result in results.values():
                assert result["actual"] is None
                assert result["reason"].startswith(f"depends on Intune setting {oma}: ")
                assert "holds this OMA-URI value encrypted ('****')" in result["reason"]
                assert result["origin"][0]["line"] == line
    assert statuses == {
        "encrypted": {
            "msft-w11-24h2-powershell-enablescriptblocklogging": "uncertain",
            "msft-w11-24h2-powershell-enablescriptblockinvocationlogging": "uncertain",
        },
        "in-clear": {
            "msft-w11-24h2-powershell-enablescriptblocklogging": "pass",
            "msft-w11-24h2-powershell-enablescriptblockinvocationlogging": "pass",
        },
    }
