"""Write fixtures/intune/: small Intune exports in each layout and encoding the loader reads.

Run ``python -m tools.make_intune_fixtures``; the files are rewritten byte for byte.
"""

from __future__ import annotations

import codecs
import json
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
        {
            "enabled": True,
            "definition": {"id": "d1", "displayName": "Turn off Autoplay", "classType": "machine"},
            "presentationValues": [
                {"presentation": {"label": "Turn off Autoplay on:"}, "value": "255"},
            ],
        }
    ]


def write(
    path: Path, data: Any, encoding: str = "utf-8", bom: bytes = b"", crlf: bool = False
) -> None:
    text = json.dumps(data, indent=2) + "\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bom + text.encode(encoding))


def main() -> int:
    policy, sidecar = intent()
    write(
        OUT / "intunemanagement" / "settings_catalog.json",
        settings_catalog(),
        "utf-16-le",
        codecs.BOM_UTF16_LE,
        crlf=True,
    )
    write(OUT / "intunemanagement" / "bitlocker_intent.json", policy, bom=codecs.BOM_UTF8)
    write(OUT / "intunemanagement" / "bitlocker_intent_Settings.json", sidecar, bom=codecs.BOM_UTF8)
    write(OUT / "graph_response.json", graph_response())
    write(OUT / "array.json", endpoint_protection_array(), bom=codecs.BOM_UTF8)
    backup = OUT / "backupandrestore"
    write(backup / "Settings Catalog" / "Fixture - Settings Catalog.json", settings_catalog())
    write(
        backup / "Administrative Templates" / "Fixture - Autoplay.json", administrative_template()
    )
    write(OUT / "not_a_policy.json", {"name": "package.json look-alike", "version": "1.0.0"})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
