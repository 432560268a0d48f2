"""checker.loaders.intune: layouts, encodings, nested settings, errors, and the real corpus."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.core.errors import InputFormatError
from checker.core.values import Source
from checker.kinds import Kind
from checker.loaders import intune
from tests.conftest import FIXTURES, ROOT, first_set

INTUNE = FIXTURES / "intune"
CATALOG = "device_vendor_msft_policy_config_"
ASR = f"{CATALOG}defender_attacksurfacereductionrules"
SMARTSCREEN = f"{CATALOG}admx_windowsexplorer_enablesmartscreen"


def facts(sources: list[Source], name: str) -> dict[str, object]:
    (source,) = [s for s in sources if s.name == name]
    return {f.key: f.value for f in source.facts}


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("intunemanagement/settings_catalog.json", ["Fixture - Settings Catalog"]),
        ("intunemanagement/bitlocker_intent.json", ["Fixture - BitLocker intent"]),
        (
            "graph_response.json",
            ["Fixture - Device restrictions", "Fixture - Custom OMA-URI", "Fixture - Compliance"],
        ),
        ("array.json", ["Fixture - Endpoint protection"]),
        (
            "backupandrestore/Administrative Templates/Fixture - Autoplay.json",
            ["Fixture - Autoplay"],
        ),
        ("tenant/Backup/Settings Catalog/Win - Hardening_mdm.json", ["Win - Hardening"]),
        # a real Windows policy whose file name ends like an intent's settings file
        ("tenant/Backup/Device Configurations/NCSC_-_Custom_Settings.json", ["NCSC - Custom"]),
        ("powershell/Defender.json", ["Contoso's Defender"]),
        ("powershell/Account Protection.json", ["Contoso's Account Protection"]),
    ],
)
def test_layouts_give_one_source_per_policy(path: str, names: list[str]) -> None:
    sources = [s for s in intune.load(INTUNE / path) if s.facts]
    assert [s.name for s in sources] == names
    assert {s.format for s in sources} == {"intune"}
    assert all(f.kind is Kind.INTUNE or f.via for s in sources for f in s.facts)


@pytest.mark.parametrize(
    ("path", "name", "key", "value"),
    [
        (
            "intunemanagement/settings_catalog.json",
            "Fixture - Settings Catalog",
            f"{CATALOG}defender_allowrealtimemonitoring",
            f"{CATALOG}defender_allowrealtimemonitoring_1",
        ),
        (
            "intunemanagement/settings_catalog.json",
            "Fixture - Settings Catalog",
            f"{CATALOG}defender_avgcpuloadfactor",
            50,
        ),
        (
            "intunemanagement/settings_catalog.json",
            "Fixture - Settings Catalog",
            f"{CATALOG}authentication_preferredaadtenantdomainname",
            "contoso.com",
        ),
        (
            "intunemanagement/settings_catalog.json",
            "Fixture - Settings Catalog",
            f"{CATALOG}userrights_denylocallogon",
            ["*S-1-5-32-546", "*S-1-5-113"],
        ),
        (
            "intunemanagement/settings_catalog.json",
            "Fixture - Settings Catalog",
            f"{ASR}_blockwin32apicallsfromofficemacros",
            f"{ASR}_blockwin32apicallsfromofficemacros_block",
        ),
        (
            "intunemanagement/settings_catalog.json",
            "Fixture - Settings Catalog",
            f"{SMARTSCREEN}_enablesmartscreendropdown",
            f"{SMARTSCREEN}_enablesmartscreendropdown_block",
        ),
        (
            "intunemanagement/bitlocker_intent.json",
            "Fixture - BitLocker intent",
            "windows10EndpointProtectionConfiguration.bitLockerSystemDrivePolicy.encryptionMethod",
            "xtsAes256",
        ),
        (
            "intunemanagement/bitlocker_intent.json",
            "Fixture - BitLocker intent",
            "windows10EndpointProtectionConfiguration.bitLockerEncryptDevice",
            True,
        ),
        (
            "graph_response.json",
            "Fixture - Device restrictions",
            "windows10GeneralConfiguration.passwordMinimumLength",
            14,
        ),
        (
            "graph_response.json",
            "Fixture - Custom OMA-URI",
            "./Device/Vendor/MSFT/Policy/Config/Defender/AllowArchiveScanning",
            1,
        ),
        ("graph_response.json", "Fixture - Compliance", "compliance/bitLockerEnabled", True),
        (
            "array.json",
            "Fixture - Endpoint protection",
            "windows10EndpointProtectionConfiguration.firewallProfileDomain.firewallEnabled",
            "allowed",
        ),
        (
            "backupandrestore/Administrative Templates/Fixture - Autoplay.json",
            "Fixture - Autoplay",
            "groupPolicyConfiguration/Windows Components/AutoPlay Policies/Turn off Autoplay",
            "enabled",
        ),
        (
            "tenant/Backup/Settings Catalog/Win - Hardening_mdm.json",
            "Win - Hardening",
            "device_vendor_msft_policy_config_userrights_impersonateclient",
            [
                "Administrators",
                "NT AUTHORITY\\LOCAL SERVICE",
                "NT AUTHORITY\\Network Service",
                "SERVICE",
            ],
        ),
        (
            "tenant/Backup/Device Configurations/NCSC_-_Custom_Settings.json",
            "NCSC - Custom",
            "./Device/Vendor/MSFT/Policy/Config/UserRights/DenyRemoteDesktopServicesLogOn",
            "<![CDATA[Local account\uf000BUILTIN\\Guests]]>",
        ),
        (
            "powershell/Account Protection.json",
            "Contoso's Account Protection",
            "windows10EndpointProtectionConfiguration.localSecurityOptionsMachineInactivityLimit",
            15,
        ),
    ],
)
def test_fact_values(path: str, name: str, key: str, value: object) -> None:
    assert facts(intune.load(INTUNE / path), name)[key] == value


def test_nulls_are_not_configured() -> None:
    intent = facts(
        intune.load(INTUNE / "intunemanagement/bitlocker_intent.json"), "Fixture - BitLocker intent"
    )
    restrictions = facts(
        intune.load(INTUNE / "graph_response.json"), "Fixture - Device restrictions"
    )
    assert (
        "windows10EndpointProtectionConfiguration.bitLockerDisableWarningForOtherDiskEncryption"
        not in intent
    )
    assert (
        "windows10EndpointProtectionConfiguration.bitLockerSystemDrivePolicy.minimumPinLength"
        not in intent
    )
    assert "windows10GeneralConfiguration.edgeHomepageUrls" not in restrictions


def test_nested_children_keep_their_path_and_line() -> None:
    (source,) = intune.load(INTUNE / "intunemanagement/settings_catalog.json")
    child = next(f for f in source.facts if f.key == f"{ASR}_blockwin32apicallsfromofficemacros")
    assert child.extra == (("path", ASR),)
    assert child.origin.line == 69
    assert child.origin.source == "Fixture - Settings Catalog"


def test_intent_facts_point_into_the_sidecar() -> None:
    (source,) = intune.load(INTUNE / "intunemanagement/bitlocker_intent.json")
    assert {Path(f.origin.path).name for f in source.facts} == {"bitlocker_intent_Settings.json"}


def test_platform_meta() -> None:
    sources = intune.load(INTUNE / "graph_response.json")
    assert [dict(s.meta).get("platform") for s in sources] == ["windows"] * 3 + [None]


def test_repeated_ids_in_group_collections_get_markers(tmp_path: Path) -> None:
    child = {
        "settingDefinitionId": "x_name",
        "simpleSettingValue": {"value": "a"},
    }
    group = {
        "settingDefinitionId": "x",
        "groupSettingCollectionValue": [{"children": [child]}, {"children": [child]}],
    }
    text = '{"@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy", "name": "p",'
    text += ' "settings": [{"settingInstance": ' + json.dumps(group) + "}]}"
    (tmp_path / "p.json").write_text(text, encoding="utf-8")
    (source,) = intune.load(tmp_path / "p.json")
    assert [f.key for f in source.facts] == ["x_name", "x_name#2"]


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ('{\n  "a": 1,\n  "b": }', "invalid JSON: Expecting value", 3, 8),
        # Python's parser takes these; JSON has no such values, and reports could not hold them.
        (
            '{"a": "NaN Infinity",\n "b": [1, -Infinity]}',
            "invalid JSON: -Infinity is not a JSON value",
            2,
            11,
        ),
        ('{"a": "x\\" NaN",\n "b": NaN}', "invalid JSON: NaN is not a JSON value", 2, 7),
        ('{"a": [1.5e300, "1e999",\n 1e999]}', "invalid JSON: 1e999 is not a JSON value", 2, 2),
        # The parser hands the number over before it looks past it: garbage glued to a
        # number too large is refused at the number (found by fuzzing a corpus export).
        ('{"a": 1,\n "b":  1e999false}', "invalid JSON: 1e999 is not a JSON value", 2, 8),
        ('{"a": -Infinityx}', "invalid JSON: -Infinity is not a JSON value", 1, 7),
        ('{"name": "package"}', "not an Intune policy export", None, None),
        ("[1, 2]", "not an Intune policy export", None, None),
    ],
)
def test_errors(
    tmp_path: Path, text: str, message: str, line: int | None, column: int | None
) -> None:
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFormatError) as caught:
        intune.load(path)
    assert caught.value.error.message == message
    assert (caught.value.error.line, caught.value.error.column) == (line, column)


def test_sidecar_alone_is_not_a_policy() -> None:
    with pytest.raises(
        InputFormatError, match=r"the settings of the intent bitlocker_intent\.json"
    ):
        intune.load(INTUNE / "intunemanagement/bitlocker_intent_Settings.json")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("intunemanagement/settings_catalog.json", True),
        ("graph_response.json", True),
        ("array.json", True),
        ("intunemanagement/bitlocker_intent_Settings.json", False),
        ("powershell/Account Protection_Settings.json", False),
        ("tenant/Backup/Device Configurations/NCSC_-_Custom_Settings.json", True),
        ("tenant/Backup/Scope Tags/Default.json", True),
        ("tenant/Backup/Assignment Report/report.json", True),
        ("tenant/Backup/Device Management Settings/settings.json", True),
        ("import-body/Edge Version 85 - Computer.json", True),
        ("not_a_policy.json", False),
    ],
)
def test_sniff(path: str, expected: bool) -> None:
    target = INTUNE / path
    assert intune.sniff(target, target.read_bytes()[:4096]) is expected


Noted = tuple[str, str, str | None, str | None, int | None, int]


def _notes(path: str) -> list[Noted]:
    return [
        (note.kind.value, note.what, note.reason, note.name, note.line, note.count)
        for source in intune.load(INTUNE / path)
        for note in source.notes
    ]


SCRIPT = "a script: what it changes is not known until it runs"
NOT_DEVICE = "sets no Windows device setting"
OTHER = "a policy for another platform"
SERVICE = "applied by an Intune or Windows Update service, not a device policy"
B = "tenant/Backup/"


BY_ID = "not evaluated: definition given by id only"
NOT_INDEXED = "no ADMX policy of this name under this category in the ADMX index"
INGESTED = "an ingested (third-party) ADMX policy: its registry values are not known"
CHROME = "Google/Google Chrome/Extensions"
EXTENSIONS = "Configure allowed app/extension types"


ARCHIVED = "IntuneCD keeps here what is no longer in the tenant"
DFCI = "Device Configurations/Surface - DFCI_windows10DeviceFirmwareConfigurationInterface.json"
ESP = "Enrollment Configurations/ESP_windows10EnrollmentCompletionPageConfiguration.json"
TEMPLATES = "Administrative Templates/Win - Templates.json"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("Scripts/Powershell/Win - Setup.json", ("PowerShell script", SCRIPT, "Win - Setup", 2)),
        ("Scripts/Shell/Mac - Dock.json", ("shell script (macOS)", SCRIPT, "Mac - Dock", 2)),
        ("Assignment Report/report.json", ("assignment report", NOT_DEVICE, None, None)),
        ("Scope Tags/Default.json", ("scope tag", NOT_DEVICE, "Default", 2)),
        (
            "Roles/Helpdesk_deviceAndAppManagementRoleDefinition.json",
            ("role", NOT_DEVICE, "Helpdesk", 3),
        ),
        (
            "Conditional Access/Require compliant device.json",
            ("Conditional Access policy", NOT_DEVICE, "Require compliant device", 2),
        ),
        (
            "App Protection/iOS - Protect_iosManagedAppProtection.json",
            ("app protection policy (iOS)", NOT_DEVICE, "iOS - Protect", 3),
        ),
        (
            "Compliance Policies/Message Templates/Alert.json",
            ("notification message template", NOT_DEVICE, "Alert", 2),
        ),
        (
            "Compliance Policies/Policies/iOS - Compliance_iosCompliancePolicy.json",
            ("compliance policy (iOS)", OTHER, "iOS - Compliance", 3),
        ),
        (
            "Settings Catalog/Mac - FileVault_appleRemoteManagement.json",
            ("settings catalog policy (macOS)", OTHER, "Mac - FileVault", 4),
        ),
        (
            DFCI,
            ("firmware (DFCI) profile", "UEFI settings, not Windows policy", "Surface - DFCI", 3),
        ),
        (
            "Feature Updates/Windows 11 24H2.json",
            ("feature update profile", SERVICE, "Windows 11 24H2", 2),
        ),
        (
            "Filters/Corporate devices.json",
            ("assignment filter", NOT_DEVICE, "Corporate devices", 3),
        ),
        (ESP, ("enrollment configuration", SERVICE, "ESP", 3)),
        ("Device Management Settings/settings.json", ("tenant settings", NOT_DEVICE, None, None)),
        (
            "__archive__/2024-01-05_10-00-00/Settings Catalog/Win - Hardening_mdm.json",
            ("settings catalog policy (archived)", ARCHIVED, "Win - Hardening", 4),
        ),
    ],
)
def test_objects_that_set_no_windows_setting_are_skipped_with_their_kind(
    path: str, expected: tuple[str, str, str | None, int | None]
) -> None:
    what, reason, name, line = expected
    assert _notes(f"{B}{path}") == [("skipped", what, reason, name, line, 1)]
    assert [source.facts for source in intune.load(INTUNE / B / path)] == [()]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "graph_response.json",
            [
                (
                    "skipped",
                    "device configuration profile (iOS)",
                    OTHER,
                    "Fixture - iOS restrictions",
                    36,
                    1,
                )
            ],
        ),
        (
            "import-body/Edge Version 85 - Computer.json",
            [("unmapped", "Administrative Template setting", BY_ID, None, 3, 3)],
        ),
        (
            f"{B}{TEMPLATES}",
            [
                ("unmapped", "LAPS/Password Settings", NOT_INDEXED, None, 122, 1),
                ("unmapped", f"{CHROME}/{EXTENSIONS}", INGESTED, None, 134, 1),
            ],
        ),
    ],
)
def test_what_a_policy_file_holds_besides_its_policies(path: str, expected: list[Noted]) -> None:
    assert _notes(path) == expected


def _registry(path: str) -> dict[str, tuple[object, bool, int | None]]:
    (source,) = [s for s in intune.load(INTUNE / path) if s.facts]
    return {
        f.key.rpartition("\\")[2]: (f.value, f.deleted, f.origin.line)
        for f in source.facts
        if f.kind is Kind.REGISTRY
    }


def test_administrative_templates_are_replayed_through_the_admx_index() -> None:
    # one display name, two policies: the category tells them apart (WinRM Client and
    # Service; File Explorer and legacy Edge SmartScreen); a drop-down's value is the item's
    assert _registry(f"{B}{TEMPLATES}") == {
        "Explorer!NoDriveTypeAutoRun": (255, False, 13),
        "Client!AllowBasic": (0, False, 44),
        "Service!AllowBasic": (0, False, 56),
        "System!EnableSmartScreen": (1, False, 68),
        "System!ShellSmartScreenLevel": ("Block", False, 68),
        "PhishingFilter!EnabledV9": (0, False, 89),
        "ScriptBlockLogging!EnableScriptBlockLogging": (1, False, 101),
        "ScriptBlockLogging!EnableScriptBlockInvocationLogging": (None, True, 101),
    }


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ('{"@odata.type": "#microsoft.graph.x",\n "a": 1,\n "a": 2}', 3, 2),
        ('[{"settingDefinitionId": "x"}, {"b": {"c": 1, "d": [{"c": 2}], "c": 3}}]', 1, 64),
        # a key in a nested object is another key; two spellings of one key are one
        ('{"omaSettings": [], "x": {"a\\u0027": 1, "a\'": 2}}', 1, 41),
    ],
)
def test_duplicate_keys_are_refused_with_their_position(
    tmp_path: Path, text: str, line: int, column: int
) -> None:
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFormatError) as caught:
        intune.load(path)
    assert caught.value.error.message.startswith("duplicate key")
    assert (caught.value.error.line, caught.value.error.column) == (line, column)


def test_escaped_and_non_ascii_names_get_their_lines(tmp_path: Path) -> None:
    """Names written with escapes (PowerShell's \\u0027) or in any script are found on
    their own line, each after the one before."""
    text = """{
  "@odata.type": "#microsoft.graph.windows10GeneralConfiguration",
  "it\\u0027s": 0,
  "caf\\u00e9": 1,
  "日本": 2,
  "x": "it's",
  "y": 3
}"""
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    (source,) = intune.load(path)
    found = {f.key.rpartition(".")[2]: f.origin.line for f in source.facts}
    assert found == {"it's": 3, "café": 4, "日本": 5, "x": 6, "y": 7}


def test_the_fixtures_are_what_their_generator_writes() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tools.make_intune_fixtures", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def corpus_results(corpus: Path) -> list[tuple[Path, list[Source] | InputFormatError]]:
    results: list[tuple[Path, list[Source] | InputFormatError]] = []
    for path in first_set(sorted((corpus / "intune").rglob("*.json"))):
        try:
            results.append((path, intune.load(path)))
        except InputFormatError as exc:
            results.append((path, exc))
    return results


def test_every_first_set_corpus_json_loads_or_is_an_intent_settings_file(
    corpus_results: list[tuple[Path, list[Source] | InputFormatError]],
) -> None:
    errors = [(p, r) for p, r in corpus_results if isinstance(r, InputFormatError)]
    assert all("the settings of the intent" in str(r.error.message) for _, r in errors)
    assert all(p.name.endswith("_Settings.json") for p, _ in errors)
    assert len(corpus_results) - len(errors) == 112


def test_corpus_settings_catalog_facts(
    corpus_results: list[tuple[Path, list[Source] | InputFormatError]],
) -> None:
    sources = [s for _, r in corpus_results if isinstance(r, list) for s in r if s.facts]
    kinds = sorted({dict(s.meta)["kind"] for s in sources})
    assert kinds == ["compliance", "custom", "device_configuration", "intent", "settings_catalog"]
    assert all(
        f.origin.line
        for s in sources
        for f in s.facts
        if dict(s.meta)["kind"] == "settings_catalog"
    )


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=512))
def test_arbitrary_bytes_give_sources_or_input_errors(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "x.json"
    path.write_bytes(data)
    with contextlib.suppress(InputFormatError):
        assert isinstance(intune.load(path), list)


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=8)
        | st.sampled_from(["NaN", "1e999", "[1, 2]", '{"a": 1}', "-Infinity"]),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "settings",
                        "settingInstance",
                        "settingDefinitionId",
                        "choiceSettingValue",
                        "value",
                        "children",
                        "@odata.type",
                        "omaSettings",
                        "settingsDelta",
                        "definitionValues",
                        "groupSettingCollectionValue",
                        "simpleSettingValue",
                        "valueJson",
                    ]
                ),
                inner,
                max_size=4,
            )
        ),
        max_leaves=20,
    )
)
def test_arbitrary_json_shapes(tmp_path_factory: pytest.TempPathFactory, document: object) -> None:
    path = tmp_path_factory.mktemp("shape") / "x.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with contextlib.suppress(InputFormatError):
        sources = intune.load(path)
        # Every value read can go into a JSON report as it is.
        json.dumps([fact.value for source in sources for fact in source.facts], allow_nan=False)


# --- values the export holds encrypted -------------------------------------------------------

SCRIPT_BLOCK_OMA = (
    "./Device/Vendor/MSFT/Policy/Config/WindowsPowerShell/TurnOnPowerShellScriptBlockLogging"
)


def _one_fact(tmp_path: Path, policy: dict[str, object]) -> tuple[object, str | None]:
    (tmp_path / "p.json").write_text(json.dumps(policy, indent=1), encoding="utf-8")
    (source,) = intune.load(tmp_path / "p.json")
    (fact,) = source.facts
    assert (fact.reason is not None) == (fact.confidence.value == "partial")
    return fact.value, fact.reason


@pytest.mark.parametrize(
    ("setting", "value", "unknown"),
    [
        ({"isEncrypted": True, "value": "****"}, None, True),
        ({"isEncrypted": True}, None, True),
        # an exporter that fetched the value in clear and left the flag set
        ({"isEncrypted": True, "value": "<enabled/>"}, "<enabled/>", False),
        ({"isEncrypted": False, "value": "****"}, "****", False),
        ({"value": "<enabled/>"}, "<enabled/>", False),
    ],
    ids=["masked", "no-value", "fetched-in-clear", "stars-in-clear", "no-flag"],
)
def test_an_oma_value_the_export_holds_encrypted_is_unknown(
    tmp_path: Path, setting: dict[str, object], value: object, unknown: bool
) -> None:
    oma = {"@odata.type": "#microsoft.graph.omaSettingString", "omaUri": SCRIPT_BLOCK_OMA}
    policy = {
        "@odata.type": "#microsoft.graph.windows10CustomConfiguration",
        "displayName": "Custom",
        "omaSettings": [{**oma, "secretReferenceValueId": "a_b_c", **setting}],
    }
    found, reason = _one_fact(tmp_path, policy)
    assert found == value
    assert (reason is not None and "encrypted ('****')" in reason) is unknown


@pytest.mark.parametrize(
    ("state", "value", "unknown"),
    [("encryptedValueToken", None, True), ("notEncrypted", "s3cret", False)],
)
def test_a_catalog_secret_held_as_a_token_is_unknown(
    tmp_path: Path, state: str, value: object, unknown: bool
) -> None:
    instance = {
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance",
        "settingDefinitionId": "device_vendor_msft_laps_policies_administratorpassword",
        "simpleSettingValue": {
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationSecretSettingValue",
            "value": "s3cret" if state == "notEncrypted" else "9f3e-token",
            "valueState": state,
        },
    }
    policy = {
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy",
        "name": "Secret",
        "settings": [{"settingInstance": instance}],
    }
    found, reason = _one_fact(tmp_path, policy)
    assert found == value
    assert (reason is not None and "encrypted token" in reason) is unknown


@pytest.mark.parametrize(
    ("policy", "noted"),
    [
        (
            {"@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy",
             "name": "AV", "settingCount": 12},
            [("settings catalog setting", "settings", 12)],
        ),
        (
            {"@odata.type": "#microsoft.graph.groupPolicyConfiguration", "displayName": "ADM"},
            [("Administrative Template setting", "definitionValues", 1)],
        ),
        (
            {"@odata.type": "#microsoft.graph.deviceManagementIntent", "displayName": "ASR",
             "templateId": "0e237410-1367-4844-bd7f-15fb0f08943b"},
            [("endpoint security setting", "settings", 1)],
        ),
        # empty, and said so: nothing left out
        (
            {"@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy",
             "name": "Empty", "settingCount": 0},
            [],
        ),
        ({"@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy",
          "name": "Empty", "settings": []}, []),
    ],
    ids=["catalog", "administrative-template", "intent", "count-0", "settings-empty"],
)  # fmt: skip
def test_a_policy_exported_without_its_settings_is_said_not_evaluated(
    tmp_path: Path, policy: dict[str, object], noted: list[tuple[str, str, int]]
) -> None:
    """Graph leaves a policy's settings out unless asked with $expand: an export made so
    sets nothing a check could judge, which is said, not read as 'not configured'."""
    (tmp_path / "p.json").write_text(json.dumps(policy, indent=1), encoding="utf-8")
    (source,) = intune.load(tmp_path / "p.json")
    assert source.facts == ()
    found = [(n.kind.value, n.what, n.reason, n.line, n.count) for n in source.notes]
    assert found == [
        ("unmapped", what, f"not evaluated: the export holds the policy without its {part} "
         f"($expand={part})", 2, count)
        for what, part, count in noted
    ]  # fmt: skip


@pytest.mark.parametrize("paged", [True, False])
def test_one_page_of_a_graph_list_says_the_rest_is_missing(tmp_path: Path, paged: bool) -> None:
    """A Graph list response saved without following @odata.nextLink holds the first page
    of the tenant's policies only: the checks of the others would read 'not configured'."""
    policy = {
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy",
        "name": "P1",
        "settings": [],
    }
    response: dict[str, object] = {"value": [policy]}
    if paged:
        response["@odata.nextLink"] = (
            "https://graph.microsoft.com/beta/deviceManagement/configurationPolicies?$skiptoken=x"
        )
    text = json.dumps(response, indent=1)
    (tmp_path / "page.json").write_text(text, encoding="utf-8")
    sources = intune.load(tmp_path / "page.json")
    assert [s.name for s in sources if s.format == "intune" and not s.notes] == ["P1"]
    notes = [(n.kind.value, n.what, n.line, n.reason) for s in sources for n in s.notes]
    lines = [n for n, row in enumerate(text.splitlines(), 1) if "nextLink" in row]
    assert notes == [("unmapped", "Graph list page", line, intune.PAGED) for line in lines]
    assert len(lines) == paged
