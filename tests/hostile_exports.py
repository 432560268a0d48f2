"""Hostile exports that more than one test module writes."""

from __future__ import annotations

import json


def escaped_names_policy(settings: int) -> str:
    """A settings catalog policy of ``settings`` settings whose property names are written
    with escapes, as PowerShell writes ``'`` (``\\u0027``): each lookup of such a name once
    searched to the end of the file."""
    items = [
        {
            "id": str(number),
            "settingInstance": {
                "@odata.type": "#microsoft.graph."
                "deviceManagementConfigurationSimpleSettingInstance",
                "settingDefinitionId": f"vendor_msft_policy_config_contoso_it's_{number}",
                "simpleSettingValue": {"value": number},
            },
        }
        for number in range(settings)
    ]
    policy = {
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy",
        "name": "Contoso's policy",
        "platforms": "windows10",
        "technologies": "mdm",
        "settings": items,
    }
    return json.dumps(policy, indent=1).replace("'", "\\u0027")
