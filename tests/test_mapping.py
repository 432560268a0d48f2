"""checker.targets.mapping: translations, confidence, coverage and the OSConfig cross-check."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from checker.core.errors import InputError
from checker.core.values import Confidence, Fact, Origin, Source
from checker.kinds import Kind
from checker.loaders import intune
from checker.targets.load import read_targets, with_translations
from checker.targets.mapping import (
    UNTRANSLATED,
    load_mapping,
    setting_id,
    translate,
    untranslated,
)
from checker.targets.mapping_audit import coverage, crosscheck_osconfig
from tests.conftest import ROOT

C = "device_vendor_msft_policy_config_"
ORIGIN = Origin("policy.json", line=7, source="Policy")
SCAN = "HKLM\\Software\\Policies\\Microsoft\\Windows Defender\\Scan!DisableArchiveScanning"
SYSTEM = "HKLM\\Software\\Policies\\Microsoft\\Windows\\System"


def gp(key: str, value: object) -> list[tuple[str, str, object, str | None, str]]:
    facts = translate(Fact(Kind.INTUNE, key, value, ORIGIN))
    assert all(f.origin == ORIGIN and f.via == key for f in facts)
    return [(f.kind.value, f.key, f.value, f.type, f.confidence.value) for f in facts]


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        # choice, native CSP with an inverted ADMX value
        (
            f"{C}defender_allowarchivescanning",
            f"{C}defender_allowarchivescanning_1",
            [("registry", SCAN, 0, "REG_DWORD", "exact")],
        ),
        (
            f"{C}defender_allowarchivescanning",
            f"{C}defender_allowarchivescanning_0",
            [("registry", SCAN, 1, "REG_DWORD", "exact")],
        ),
        # choice, security option with an enum
        (
            f"{C}localpoliciessecurityoptions_networksecurity_lanmanagerauthenticationlevel",
            f"{C}localpoliciessecurityoptions_networksecurity_lanmanagerauthenticationlevel_5",
            [
                (
                    "registry",
                    "HKLM\\System\\CurrentControlSet\\Control\\Lsa!LmCompatibilityLevel",
                    5,
                    "REG_DWORD",
                    "exact",
                )
            ],
        ),
        # simple integer
        (
            f"{C}defender_avgcpuloadfactor",
            50,
            [
                (
                    "registry",
                    "HKLM\\Software\\Policies\\Microsoft\\Windows Defender\\Scan!AvgCPULoadFactor",
                    50,
                    "REG_DWORD",
                    "exact",
                )
            ],
        ),
        # ADMX-backed choice and its enum child (string data)
        (
            f"{C}admx_windowsexplorer_enablesmartscreen",
            f"{C}admx_windowsexplorer_enablesmartscreen_1",
            [("registry", f"{SYSTEM}!EnableSmartScreen", 1, "REG_DWORD", "exact")],
        ),
        (
            f"{C}admx_windowsexplorer_enablesmartscreen_enablesmartscreendropdown",
            f"{C}admx_windowsexplorer_enablesmartscreen_enablesmartscreendropdown_block",
            [("registry", f"{SYSTEM}!ShellSmartScreenLevel", "Block", "REG_SZ", "exact")],
        ),
        # simple collection -> privilege principals, two spellings of one principal
        (
            f"{C}userrights_denylocallogon",
            ["*S-1-5-32-546", "Guests"],
            [
                (
                    "privilege",
                    "SeDenyInteractiveLogonRight",
                    ["S-1-5-32-546"],
                    None,
                    "exact",
                )
            ],
        ),
        # audit choice
        (
            f"{C}audit_accountlogon_auditcredentialvalidation",
            f"{C}audit_accountlogon_auditcredentialvalidation_3",
            [("audit", "Credential Validation", "Success and Failure", None, "exact")],
        ),
        # OMA-URI integer and ADMX payload
        (
            "./Device/Vendor/MSFT/Policy/Config/Defender/AllowArchiveScanning",
            1,
            [("registry", SCAN, 0, "REG_DWORD", "exact")],
        ),
        (
            "./Device/Vendor/MSFT/Policy/Config/ADMX_WindowsExplorer/EnableSmartScreen",
            '<enabled/><data id="EnableSmartScreenDropdown" value="Warn"/>',
            [
                ("registry", f"{SYSTEM}!EnableSmartScreen", 1, "REG_DWORD", "exact"),
                ("registry", f"{SYSTEM}!ShellSmartScreenLevel", "Warn", "REG_SZ", "exact"),
            ],
        ),
        # a key holding payload text (a hostile or damaged export): its parts are never read
        # as payloads again (this recursed until the stack ran out, found by fuzzing)
        ("<enabled/>", "<enabled/>", []),
        (
            "./Device/Vendor/MSFT/Policy/Config/ADMX_WindowsExplorer/<disabled/>",
            '<enabled/><data id="<enabled" value="x"/>',
            [],
        ),
        # curated legacy properties
        (
            "windows10EndpointProtectionConfiguration.firewallProfileDomain.firewallEnabled",
            "allowed",
            [("firewall", "Domain/EnableFirewall", 1, None, "exact")],
        ),
        (
            "windows10EndpointProtectionConfiguration.localSecurityOptionsMachineInactivityLimit",
            15,
            [
                (
                    "registry",
                    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System!InactivityTimeoutSecs",
                    900,
                    "REG_DWORD",
                    "exact",
                )
            ],
        ),
        ("windows10GeneralConfiguration.defenderScanArchiveFiles", False, []),
    ],
)
def test_exact_translations(
    key: str, value: object, expected: list[tuple[str, str, object, str | None, str]]
) -> None:
    assert gp(key, value) == expected


@pytest.mark.parametrize(
    ("key", "value", "gp_key", "reason"),
    [
        (
            "windows10GeneralConfiguration.passwordMinimumLength",
            14,
            "System Access/MinimumPasswordLength",
            "the DeviceLock CSP enforces the length for local and Microsoft accounts,"
            " not through the domain password policy",
        ),
    ],
)
def test_partial_translations_carry_a_reason(
    key: str, value: object, gp_key: str, reason: str
) -> None:
    (fact,) = translate(Fact(Kind.INTUNE, key, value, ORIGIN))
    assert (fact.key, fact.value, fact.confidence, fact.reason) == (
        gp_key,
        value,
        Confidence.PARTIAL,
        f"partial mapping: {reason}",
    )


def test_every_partial_entry_has_a_reason() -> None:
    entries = load_mapping().entries.values()
    assert all(e.reason for e in entries if e.confidence is Confidence.PARTIAL)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("device_vendor_msft_defender_configuration_meteredconnectionupdates", "x_1"),
        ("compliance/bitLockerEnabled", True),
        ("iosGeneralDeviceConfiguration.passcodeRequired", True),
    ],
)
def test_unmapped_settings_translate_to_nothing(key: str, value: object) -> None:
    assert load_mapping().lookup(key) is None
    assert translate(Fact(Kind.INTUNE, key, value, ORIGIN)) == []


def test_non_intune_facts_are_not_translated() -> None:
    assert translate(Fact(Kind.REGISTRY, SCAN, 1, ORIGIN)) == []


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (
            "./Device/Vendor/MSFT/Policy/Config/Defender/AllowArchiveScanning",
            f"{C}defender_allowarchivescanning",
        ),
        ("./User/Vendor/MSFT/Policy/Config/A/B", "user_vendor_msft_policy_config_a_b"),
        (f"{C}x_name#2", f"{C}x_name"),
    ],
)
def test_setting_id(key: str, expected: str) -> None:
    assert setting_id(key) == expected


def test_fixture_coverage() -> None:
    sources = intune.load(
        ROOT / "fixtures" / "intune" / "intunemanagement" / "settings_catalog.json"
    )
    figures = coverage(sources)
    assert (figures.exact, figures.partial, figures.unmapped) == (6, 0, 1)
    assert (figures.with_gp_equivalent, figures.mapped_with_gp_equivalent) == (6, 6)


def test_osconfig_agrees_on_every_setting_it_maps(corpus: Path) -> None:
    """Issue 17: the agreement with Microsoft's OSConfig mapping stays at 100% (51 of 51
    settings compared when the translations were derived from the DDF and ADMX)."""
    check = crosscheck_osconfig(corpus / "mapping" / "osconfig")
    assert check.compared >= 50
    assert check.disagreements == ()
    assert check.agreement == 1.0


def test_windows_settings_catalog_coverage_at_least_80_percent(corpus: Path) -> None:
    errors: list[InputError] = []
    (target,) = read_targets([corpus / "intune" / "openintunebaseline" / "WINDOWS"], errors)
    assert errors == []
    sources = [s for s in target.sources if dict(s.meta).get("kind") == "settings_catalog"]
    figures = coverage(sources)
    assert figures.with_gp_equivalent >= 500
    assert figures.equivalent_ratio >= 0.8


def test_generator_is_current_and_deterministic(corpus: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tools.gen_mapping", "--check", "--corpus", str(corpus)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


SCRIPT_BLOCK = (
    "./Device/Vendor/MSFT/Policy/Config/WindowsPowerShell/TurnOnPowerShellScriptBlockLogging"
)
POWERSHELL_KEY = "HKLM\\Software\\Policies\\Microsoft\\Windows\\PowerShell\\ScriptBlockLogging!"


@pytest.mark.parametrize(
    ("setting", "keys"),
    [
        # an ADMX-backed policy: its elements are set too, to values nobody can tell
        (SCRIPT_BLOCK, ["EnableScriptBlockLogging", "EnableScriptBlockInvocationLogging"]),
        (
            "device_vendor_msft_policy_config_defender_allowbehaviormonitoring",
            ["HKLM\\Software\\Policies\\Microsoft\\Windows Defender\\Real-Time Protection!"
             "DisableBehaviorMonitoring"],
        ),
    ],
)  # fmt: skip
def test_a_value_the_export_does_not_show_sets_its_targets_to_unknown(
    setting: str, keys: list[str]
) -> None:
    origin = Origin("p.json", line=3, source="Custom")
    why = "the export holds this OMA-URI value encrypted"
    fact = Fact(Kind.INTUNE, setting, None, origin, confidence=Confidence.PARTIAL, reason=why)
    found = translate(fact)
    expected = [key if "!" in key else POWERSHELL_KEY + key for key in keys]
    assert [f.key for f in found] == expected
    assert {(f.kind, f.value, f.deleted, f.confidence, f.reason, f.via) for f in found} == {
        (Kind.REGISTRY, None, False, Confidence.PARTIAL, why, setting)
    }
    assert {f.origin for f in found} == {origin}


DEFENDER = "device_vendor_msft_policy_config_defender_"


@pytest.mark.parametrize(
    ("key", "noted"),
    [
        # an item of an ADMX policy's list (hardened UNC paths) the table has no entry for,
        # though the DDF names the policy's Group Policy equivalent
        (f"{C}connectivity_hardeneduncpaths_pol_hardenedpaths_key", True),
        (f"{DEFENDER}allowbehaviormonitoring", False),  # mapped
        ("device_vendor_msft_dmclient_provider_x_configrefresh_enabled", False),  # no GP one
    ],
)
def test_a_setting_with_a_gp_equivalent_the_table_lacks_is_noted(key: str, noted: bool) -> None:
    fact = Fact(Kind.INTUNE, key, f"{key}_1", Origin("p.json", line=4, source="AV"))
    assert untranslated(fact) is noted
    source = with_translations(Source("p.json", "intune", (fact,), "AV"))
    assert [(n.kind.value, n.what, n.line, n.name, n.reason) for n in source.notes] == (
        [("unmapped", key, 4, "AV", UNTRANSLATED)] if noted else []
    )


@pytest.mark.parametrize(
    ("severity", "value_name"),
    [("lowseveritythreats", "1"), ("moderateseveritythreats", "2"),
     ("highseveritythreats", "4"), ("severethreats", "5")],
)  # fmt: skip
@pytest.mark.parametrize(
    ("action", "data"), [("quarantine", "2"), ("remove", "3"), ("block", "10")]
)
def test_threat_severity_default_actions_write_the_admx_list(
    severity: str, value_name: str, action: str, data: str
) -> None:
    """The catalog's element per severity is the DDF's 'threat level=action' pair, which
    the ADMX list writes as one REG_SZ per severity id (four STIG Defender checks read it)."""
    key = f"{DEFENDER}threatseveritydefaultaction_{severity}"
    threats = "HKLM\\Software\\Policies\\Microsoft\\Windows Defender\\Threats"
    assert gp(key, f"{key}_{action}") == [
        ("registry", f"{threats}\\ThreatSeverityDefaultAction!{value_name}", data, "REG_SZ",
         "exact")
    ]  # fmt: skip
