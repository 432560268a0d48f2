"""Write fixtures/intune/: small Intune exports in each layout and encoding the loader reads.

Run ``python -m tools.make_intune_fixtures``; the files are rewritten byte for byte
(``--check``: exit 1 when the committed files differ).  Besides one file per layout:

* ``tenant/``: an IntuneCD whole-tenant backup (objects without ``@odata.type`` or ids):
  Windows settings catalog policies writing user rights by name in several spellings, a
  setting and its child, a check box turned off; Administrative Templates with their
  definitions expanded (two policies of one name told apart by category, one not in the
  ADMX index, one ingested); a custom profile whose file name ends in ``_Settings.json``; and
  one object of each kind a tenant holds that sets no Windows device setting.
* ``import-body/``: Administrative Templates as a Graph import body (definitions by id).
* ``powershell/``: a UTF-16 export written by PowerShell (OData annotations, ``\u0027``
  escapes), an endpoint-security intent whose settings file is a JSON-encoded string.
* ``conflicts/``: Intune policies that agree, and three that do not.
"""

from __future__ import annotations

import argparse
import codecs
import filecmp
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "fixtures" / "intune"
G = "#microsoft.graph."
OMA = "./Device/Vendor/MSFT/Policy/Config"
DEFENDER = "device_vendor_msft_policy_config_defender_"
ASR = f"{DEFENDER}attacksurfacereductionrules"


def choice(ident: str, option: str, children: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "@odata.type": f"{G}deviceManagementConfigurationChoiceSettingInstance",
        "settingDefinitionId": ident,
        "choiceSettingValue": {"value": f"{ident}_{option}", "children": children or []},
    }


def simple(ident: str, value: int | str) -> dict[str, Any]:
    kind = "Integer" if isinstance(value, int) else "String"
    return {
        "@odata.type": f"{G}deviceManagementConfigurationSimpleSettingInstance",
        "settingDefinitionId": ident,
        "simpleSettingValue": {
            "@odata.type": f"{G}deviceManagementConfiguration{kind}SettingValue",
            "value": value,
        },
    }


def settings_catalog() -> dict[str, Any]:
    admx = "device_vendor_msft_policy_config_admx_windowsexplorer_enablesmartscreen"
    instances = [
        choice(f"{DEFENDER}allowrealtimemonitoring", "1"),
        simple(f"{DEFENDER}avgcpuloadfactor", 50),
        simple(
            "device_vendor_msft_policy_config_authentication_preferredaadtenantdomainname",
            "contoso.com",
        ),
        {
            "@odata.type": f"{G}deviceManagementConfigurationSimpleSettingCollectionInstance",
            "settingDefinitionId": "device_vendor_msft_policy_config_userrights_denylocallogon",
            "simpleSettingCollectionValue": [{"value": "*S-1-5-32-546"}, {"value": "*S-1-5-113"}],
        },
        {
            "@odata.type": f"{G}deviceManagementConfigurationGroupSettingCollectionInstance",
            "settingDefinitionId": ASR,
            "groupSettingCollectionValue": [
                {"children": [choice(f"{ASR}_blockwin32apicallsfromofficemacros", "block")]}
            ],
        },
        choice(admx, "1", [choice(f"{admx}_enablesmartscreendropdown", "block")]),
    ]
    return {
        "@odata.type": f"{G}deviceManagementConfigurationPolicy",
        "name": "Fixture - Settings Catalog",
        "platforms": "windows10",
        "technologies": "mdm",
        "templateReference": {"templateId": "", "templateFamily": "none"},
        "settings": [{"id": str(i), "settingInstance": s} for i, s in enumerate(instances)],
    }


def intent() -> tuple[dict[str, Any], dict[str, Any]]:
    policy = {
        "@odata.type": f"{G}deviceManagementIntent",
        "displayName": "Fixture - BitLocker intent",
        "templateId": "d1174162-1dd2-4976-affc-6667049ab0ae",
        "settings": [],
    }
    drive = {
        "encryptionMethod": "xtsAes256",
        "startupAuthenticationTpmUsage": "required",
        "minimumPinLength": None,
    }
    prefix = "deviceConfiguration--windows10EndpointProtectionConfiguration_"
    sidecar = {
        "settings": [
            {
                "@odata.type": f"{G}deviceManagementBooleanSettingInstance",
                "definitionId": f"{prefix}bitLockerEncryptDevice",
                "valueJson": "true",
            },
            {
                "@odata.type": f"{G}deviceManagementComplexSettingInstance",
                "definitionId": f"{prefix}bitLockerSystemDrivePolicy",
                "valueJson": json.dumps(drive),
            },
            {
                "@odata.type": f"{G}deviceManagementBooleanSettingInstance",
                "definitionId": f"{prefix}bitLockerDisableWarningForOtherDiskEncryption",
                "valueJson": "null",
            },
        ]
    }
    return policy, sidecar


def graph_response() -> dict[str, Any]:
    return {
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceManagement/deviceConfigurations",
        "value": [
            {
                "@odata.type": f"{G}windows10GeneralConfiguration",
                "displayName": "Fixture - Device restrictions",
                "passwordMinimumLength": 14,
                "defenderScanArchiveFiles": True,
                "defenderBlockEndUserAccess": False,
                "edgeHomepageUrls": None,
            },
            {
                "@odata.type": f"{G}windows10CustomConfiguration",
                "displayName": "Fixture - Custom OMA-URI",
                "omaSettings": [
                    {
                        "@odata.type": f"{G}omaSettingInteger",
                        "omaUri": f"{OMA}/Defender/AllowArchiveScanning",
                        "value": 1,
                    },
                    {
                        "@odata.type": f"{G}omaSettingString",
                        "omaUri": f"{OMA}/ADMX_WindowsExplorer/EnableSmartScreen",
                        "value": '<enabled/><data id="EnableSmartScreenDropdown" value="Warn"/>',
                    },
                ],
            },
            {
                "@odata.type": f"{G}windows10CompliancePolicy",
                "displayName": "Fixture - Compliance",
                "bitLockerEnabled": True,
                "passwordMinimumLength": 8,
            },
            {
                "@odata.type": f"{G}iosGeneralDeviceConfiguration",
                "displayName": "Fixture - iOS restrictions",
                "passcodeRequired": True,
            },
        ],
    }


def endpoint_protection_array() -> list[dict[str, Any]]:
    return [
        {
            "@odata.type": f"{G}windows10EndpointProtectionConfiguration",
            "displayName": "Fixture - Endpoint protection",
            "firewallProfileDomain": {
                "firewallEnabled": "allowed",
                "inboundConnectionsBlocked": True,
            },
            "localSecurityOptionsMachineInactivityLimit": 15,
        }
    ]


def administrative_template() -> list[dict[str, Any]]:
    return [
        definition_value(
            "Turn off Autoplay",
            "\\Windows Components\\AutoPlay Policies",
            True,
            [dropdown("Turn off Autoplay on:", "255", AUTOPLAY)],
        )
    ]


AUTOPLAY = [("CD-ROM and removable media drives", "181"), ("All drives", "255")]


def definition_value(
    name: str,
    category: str,
    enabled: bool,
    presentations: list[dict[str, Any]] | None = None,
    policy_type: str = "admxBacked",
    class_type: str = "machine",
) -> dict[str, Any]:
    """An Administrative Template setting with its definition expanded, as Graph gives it."""
    return {
        "enabled": enabled,
        "configurationType": "policy",
        "definition": {
            "id": f"def-{len(name)}-{len(category)}",
            "displayName": name,
            "categoryPath": category,
            "classType": class_type,
            "policyType": policy_type,
        },
        "presentationValues": presentations or [],
    }


def dropdown(label: str, value: str, items: list[tuple[str, str]] | None) -> dict[str, Any]:
    """A drop-down's value: Intune gives the item's value, and (expanded) the items."""
    presentation: dict[str, Any] = {
        "@odata.type": f"{G}groupPolicyPresentationDropdownList",
        "label": label,
    }
    if items is not None:
        presentation["items"] = [{"displayName": n, "value": v} for n, v in items]
    return {
        "@odata.type": f"{G}groupPolicyPresentationValueText",
        "value": value,
        "presentation": presentation,
    }


def check_box(label: str, value: bool) -> dict[str, Any]:
    return {
        "@odata.type": f"{G}groupPolicyPresentationValueBoolean",
        "value": value,
        "presentation": {"@odata.type": f"{G}groupPolicyPresentationCheckBox", "label": label},
    }


R = "device_vendor_msft_policy_config_userrights_"
POWERSHELL = "device_vendor_msft_policy_config_windowspowershell_turnonpowershellscriptblocklogging"
DRIVERS = "device_vendor_msft_policy_config_system_bootstartdriverinitialization"


def rights(ident: str, *principals: str) -> dict[str, Any]:
    return {
        "@odata.type": f"{G}deviceManagementConfigurationSimpleSettingCollectionInstance",
        "settingDefinitionId": f"{R}{ident}",
        "simpleSettingCollectionValue": [
            {"@odata.type": f"{G}deviceManagementConfigurationStringSettingValue", "value": p}
            for p in principals
        ],
    }


def intunecd_catalog(
    name: str, instances: list[dict[str, Any]], platforms: str = "windows10"
) -> dict[str, Any]:
    """A settings catalog policy as IntuneCD writes it: no ``@odata.type``, no ids."""
    return {
        "creationSource": None,
        "description": "",
        "name": name,
        "platforms": platforms,
        "roleScopeTagIds": ["Default"],
        "settingCount": len(instances),
        "technologies": "appleRemoteManagement" if platforms == "macOS" else "mdm",
        "templateReference": {"templateId": "", "templateFamily": "none"},
        "settings": [{"id": str(i), "settingInstance": s} for i, s in enumerate(instances)],
    }


def tenant() -> dict[str, Any]:
    """An IntuneCD backup: relative path -> object (see the module docstring)."""
    hardening = [
        rights("backupfilesanddirectories", "Administrators"),
        rights("restorefilesanddirectories", "BUILTIN\\Administrators"),
        rights("allowlocallogon", "administrators", "BUILTIN\\Users"),
        rights("createpermanentsharedobjects", "*S-1-0-0"),
        rights("denyaccessfromnetwork", "Local account", "BUILTIN\\Guests"),
        rights(
            "impersonateclient",
            "Administrators",
            "NT AUTHORITY\\LOCAL SERVICE",
            "NT AUTHORITY\\Network Service",
            "SERVICE",
        ),
        choice(DRIVERS, "1", [choice(f"{DRIVERS}_selectdriverloadpolicy", "3")]),
        choice(POWERSHELL, "1", [choice(f"{POWERSHELL}_enablescriptblockinvocationlogging", "0")]),
        choice(f"{DEFENDER}allowfullscanremovabledrivescanning", "1"),
    ]
    second = [
        rights("backupfilesanddirectories", "*S-1-5-32-544", "builtin\\administrators"),
        rights("denyaccessfromnetwork", "*S-1-5-113", "*S-1-5-32-546"),
    ]
    mac = [choice("com.apple.mcx.filevault2_enable", "0")]
    templates = {
        "displayName": "Win - Templates",
        "description": "",
        "roleScopeTagIds": ["Default"],
        "definitionValues": [
            definition_value(
                "Turn off Autoplay",
                "\\Windows Components\\AutoPlay Policies",
                True,
                [dropdown("Turn off Autoplay on:", "255", AUTOPLAY)],
            ),
            definition_value("Allow Basic authentication", WINRM + "Client", False),
            definition_value("Allow Basic authentication", WINRM + "Service", False),
            definition_value(
                "Configure Windows Defender SmartScreen",
                "\\Windows Components\\File Explorer",
                True,
                [dropdown("Pick one of the following settings:", "Block", None)],
            ),
            definition_value(
                "Configure Windows Defender SmartScreen",
                "\\Windows Components\\Microsoft Edge",
                False,
            ),
            definition_value(
                "Turn on PowerShell Script Block Logging",
                "\\Windows Components\\Windows PowerShell",
                True,
                [check_box("Log script block invocation start / stop events:", False)],
            ),
            definition_value("Password Settings", "\\LAPS", True),
            definition_value(
                "Configure allowed app/extension types",
                "\\Google\\Google Chrome\\Extensions",
                True,
                policy_type="admxIngested",
            ),
        ],
    }
    custom = {
        "@odata.type": f"{G}windows10CustomConfiguration",
        "displayName": "NCSC - Custom",
        "roleScopeTagIds": ["Default"],
        "omaSettings": [
            {
                "@odata.type": f"{G}omaSettingString",
                "displayName": "Deny log on through Remote Desktop Services",
                "omaUri": f"{OMA}/UserRights/DenyRemoteDesktopServicesLogOn",
                "value": "<![CDATA[Local account\uf000BUILTIN\\Guests]]>",
            }
        ],
    }
    script = {"displayName": "Win - Setup", "fileName": "setup.ps1", "runAsAccount": "system"}
    return {
        "Settings Catalog/Win - Hardening_mdm.json": intunecd_catalog("Win - Hardening", hardening),
        "Settings Catalog/Win - Second baseline_mdm.json": intunecd_catalog(
            "Win - Second baseline", second
        ),
        "Settings Catalog/Mac - FileVault_appleRemoteManagement.json": intunecd_catalog(
            "Mac - FileVault", mac, "macOS"
        ),
        "Administrative Templates/Win - Templates.json": templates,
        "Device Configurations/NCSC_-_Custom_Settings.json": custom,
        "Device Configurations/Surface - DFCI_windows10DeviceFirmwareConfigurationInterface.json": {
            "@odata.type": f"{G}windows10DeviceFirmwareConfigurationInterface",
            "displayName": "Surface - DFCI",
            "cameras": "disabled",
        },
        "Compliance Policies/Policies/Win - Compliance_windows10CompliancePolicy.json": {
            "@odata.type": f"{G}windows10CompliancePolicy",
            "displayName": "Win - Compliance",
            "bitLockerEnabled": True,
        },
        "Compliance Policies/Policies/iOS - Compliance_iosCompliancePolicy.json": {
            "@odata.type": f"{G}iosCompliancePolicy",
            "displayName": "iOS - Compliance",
            "passcodeRequired": True,
        },
        "Compliance Policies/Message Templates/Alert.json": {
            "displayName": "Alert",
            "defaultLocale": "en-us",
            "brandingOptions": "includeCompanyLogo",
            "localizedNotificationMessages": [{"locale": "en-us", "subject": "Not compliant"}],
        },
        "App Protection/iOS - Protect_iosManagedAppProtection.json": {
            "@odata.type": f"{G}iosManagedAppProtection",
            "displayName": "iOS - Protect",
            "pinRequired": True,
        },
        "Scripts/Powershell/Win - Setup.json": {
            **script,
            "scriptContent": "V3JpdGUtSG9zdA==",
            "enforceSignatureCheck": False,
            "runAs32Bit": False,
        },
        "Scripts/Shell/Mac - Dock.json": {
            "displayName": "Mac - Dock",
            "scriptContent": "IyEvYmluL3No",
            "executionFrequency": "PT0S",
            "retryCount": 3,
            "runAsAccount": "user",
        },
        "Assignment Report/report.json": [
            {"assignedTo": {"Win - Hardening": "Settings Catalog"}, "groupName": "All devices"},
            {"assignedTo": {"Mac - Dock": "Shell Scripts"}, "groupName": "Macs"},
        ],
        "Scope Tags/Default.json": {"displayName": "Default", "description": "", "isBuiltIn": True},
        "Roles/Helpdesk_deviceAndAppManagementRoleDefinition.json": {
            "@odata.type": f"{G}deviceAndAppManagementRoleDefinition",
            "displayName": "Helpdesk",
            "rolePermissions": [],
        },
        "Conditional Access/Require compliant device.json": {
            "displayName": "Require compliant device",
            "state": "enabled",
            "conditions": {"applications": {"includeApplications": ["All"]}},
            "grantControls": {"builtInControls": ["compliantDevice"]},
        },
        "Feature Updates/Windows 11 24H2.json": {
            "displayName": "Windows 11 24H2",
            "featureUpdateVersion": "Windows 11, version 24H2",
        },
        "Filters/Corporate devices.json": {
            "@odata.type": f"{G}deviceAndAppManagementAssignmentFilter",
            "displayName": "Corporate devices",
            "platform": "windows10AndLater",
            "rule": '(device.deviceOwnershipType -eq "Corporate")',
        },
        "Enrollment Configurations/ESP_windows10EnrollmentCompletionPageConfiguration.json": {
            "@odata.type": f"{G}windows10EnrollmentCompletionPageConfiguration",
            "displayName": "ESP",
            "showInstallationProgress": True,
        },
        "Device Management Settings/settings.json": {
            "deviceComplianceCheckinThresholdDays": 30,
            "secureByDefault": False,
        },
        # Archived by IntuneCD: it would contradict the current hardening if it were read.
        "__archive__/2024-01-05_10-00-00/Settings Catalog/Win - Hardening_mdm.json": (
            intunecd_catalog(
                "Win - Hardening", [choice(f"{DEFENDER}allowfullscanremovabledrivescanning", "0")]
            )
        ),
    }


WINRM = "\\Windows Components\\Windows Remote Management (WinRM)\\WinRM "


def import_body() -> list[dict[str, Any]]:
    """Administrative Template settings as a Graph import body: definitions by id only."""
    bind = "https://graph.microsoft.com/beta/deviceManagement/groupPolicyDefinitions"
    return [
        {
            "definition@odata.bind": f"{bind}('8a1a7d8e-5e5e-4c4c-9f9f-000000000001')",
            "enabled": "true",
        },
        {
            "definition@odata.bind": f"{bind}('8a1a7d8e-5e5e-4c4c-9f9f-000000000002')",
            "enabled": "false",
        },
        {
            "definition@odata.bind": f"{bind}('8a1a7d8e-5e5e-4c4c-9f9f-000000000003')",
            "enabled": "true",
            "presentationValues": [
                {
                    "@odata.type": f"{G}groupPolicyPresentationValueText",
                    "value": "2",
                    "presentation@odata.bind": f"{bind}('8a1a7d8e-5e5e-4c4c-9f9f-000000000003')"
                    "/presentations('00000000-0000-0000-0000-000000000004')",
                }
            ],
        },
    ]


def powershell_intent() -> tuple[dict[str, Any], str]:
    """An endpoint-security intent as PowerShell's ConvertTo-Json writes a Graph response, and
    its settings file: the same settings as a JSON-encoded string."""
    ident = "7dd3380f-d043-418b-9297-1ed0cba581dd"
    link = f"deviceManagement/intents('{ident}')"
    setting = {
        "@odata.type": f"{G}deviceManagementIntegerSettingInstance",
        "@odata.id": f"{link}/settings('a1')",
        "id": "a1",
        "definitionId": "deviceConfiguration--windows10EndpointProtectionConfiguration_"
        "localSecurityOptionsMachineInactivityLimit",
        "valueJson": "15",
        "value": 15,
    }
    intent = {
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceManagement/intents/$entity",
        "@odata.type": f"{G}deviceManagementIntent",
        "@odata.id": link,
        "id": ident,
        "displayName": "Contoso's Account Protection",
        "lastModifiedDateTime@odata.type": "#DateTimeOffset",
        "lastModifiedDateTime": "2025-02-06T13:42:18.3457654Z",
        "templateId": "0f2b5d70-d4e9-4156-8c16-1397eb6c54a5",
        "roleScopeTagIds@odata.type": "#Collection(String)",
        "roleScopeTagIds": ["0"],
        "#microsoft.graph.assign": {"title": "assign", "target": f"{link}/assign"},
        "settings@odata.context": f"{link}/settings",
        "settings": [setting],
    }
    return intent, powershell_json({"settings": [setting]})


def powershell_catalog() -> dict[str, Any]:
    return {
        "@odata.type": f"{G}deviceManagementConfigurationPolicy",
        "@odata.id": "deviceManagement/configurationPolicies('c1')",
        "createdDateTime@odata.type": "#DateTimeOffset",
        "createdDateTime": "2025-02-06T13:42:18Z",
        "name": "Contoso's Defender",
        "platforms@odata.type": "#microsoft.graph.deviceManagementConfigurationPlatforms",
        "platforms": "windows10",
        "settings": [
            {"id": "0", "settingInstance": choice(f"{DEFENDER}allowrealtimemonitoring", "1")}
        ],
    }


def powershell_json(data: Any) -> str:
    """JSON as Windows PowerShell's ConvertTo-Json writes it: four-space indents, two spaces
    after a colon, ``'`` escaped as ``\\u0027``."""
    text = json.dumps(data, indent=4, ensure_ascii=False).replace('": ', '":  ')
    return text.replace("'", "\\u0027")


def conflicts() -> dict[str, dict[str, Any]]:
    """Three policies: they agree on the backup right (two spellings) and on SmartScreen, and
    disagree on behaviour monitoring, whatever the third says."""
    monitoring = f"{DEFENDER}allowbehaviormonitoring"
    shell = "device_vendor_msft_policy_config_smartscreen_enablesmartscreeninshell"

    def policy(name: str, *instances: dict[str, Any]) -> dict[str, Any]:
        return {
            "@odata.type": f"{G}deviceManagementConfigurationPolicy",
            "name": name,
            "platforms": "windows10",
            "technologies": "mdm",
            "settings": [{"id": str(i), "settingInstance": s} for i, s in enumerate(instances)],
        }

    return {
        "A - Baseline.json": policy(
            "A - Baseline",
            choice(monitoring, "1"),
            choice(shell, "1"),
            rights("backupfilesanddirectories", "Administrators"),
        ),
        "B - Hardening.json": policy(
            "B - Hardening",
            choice(monitoring, "0"),
            choice(shell, "1"),
            rights("backupfilesanddirectories", "*S-1-5-32-544"),
        ),
        "C - Extra.json": policy("C - Extra", choice(monitoring, "0")),
    }


def write(
    path: Path, data: Any, encoding: str = "utf-8", bom: bytes = b"", crlf: bool = False
) -> None:
    write_text(path, json.dumps(data, indent=2), encoding, bom, crlf)


def write_text(
    path: Path, text: str, encoding: str = "utf-8", bom: bytes = b"", crlf: bool = False
) -> None:
    text += "\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bom + text.encode(encoding))


def write_all(out: Path) -> None:
    """Every fixture under ``out`` (fixtures/intune)."""
    policy, sidecar = intent()
    write(
        out / "intunemanagement" / "settings_catalog.json",
        settings_catalog(),
        "utf-16-le",
        codecs.BOM_UTF16_LE,
        crlf=True,
    )
    write(out / "intunemanagement" / "bitlocker_intent.json", policy, bom=codecs.BOM_UTF8)
    write(out / "intunemanagement" / "bitlocker_intent_Settings.json", sidecar, bom=codecs.BOM_UTF8)
    write(out / "graph_response.json", graph_response())
    write(out / "array.json", endpoint_protection_array(), bom=codecs.BOM_UTF8)
    backup = out / "backupandrestore"
    write(backup / "Settings Catalog" / "Fixture - Settings Catalog.json", settings_catalog())
    write(
        backup / "Administrative Templates" / "Fixture - Autoplay.json", administrative_template()
    )
    write(out / "not_a_policy.json", {"name": "package.json look-alike", "version": "1.0.0"})
    for name, data in tenant().items():
        write(out / "tenant" / "Backup" / name, data)
    write(out / "import-body" / "Edge Version 85 - Computer.json", import_body())
    shell, settings = powershell_intent()
    utf16 = {"encoding": "utf-16-le", "bom": codecs.BOM_UTF16_LE, "crlf": True}
    write_text(out / "powershell" / "Account Protection.json", powershell_json(shell), **utf16)
    write_text(
        out / "powershell" / "Account Protection_Settings.json", json.dumps(settings), **utf16
    )
    write_text(out / "powershell" / "Defender.json", powershell_json(powershell_catalog()), **utf16)
    for name, data in conflicts().items():
        write(out / "conflicts" / name, data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the fixtures differ")
    args = parser.parse_args(argv)
    if not args.check:
        shutil.rmtree(OUT, ignore_errors=True)
        write_all(OUT)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        write_all(Path(folder))
        different = _differences(filecmp.dircmp(folder, OUT))
    if different:
        print(f"fixtures/intune differs: {', '.join(different)}", file=sys.stderr)
    return 1 if different else 0


def _differences(compared: filecmp.dircmp[str]) -> list[str]:
    found = [*compared.left_only, *compared.right_only, *compared.diff_files, *compared.funny_files]
    for sub in compared.subdirs.values():
        found += _differences(sub)
    return found


if __name__ == "__main__":
    raise SystemExit(main())
