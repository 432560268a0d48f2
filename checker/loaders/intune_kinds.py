"""What an object of an Intune export is, told by its content (``@odata.type``, its keys, its
platform), never by its file name: a Windows policy baseliner reads, and with which reader,
or an object it passes over, with its kind and why.

Tenant backups (IntuneCD, IntuneManagement, Graph exports) hold far more than Windows device
settings: scripts, assignments, filters, roles, scope tags, enrollment, Conditional Access,
app protection, other platforms, firmware (DFCI) profiles, notification templates, Windows
Update deployment profiles.  IntuneCD drops ``@odata.type`` from some objects (settings
catalog policies, scripts, scope tags), so objects are also known by the keys their kind has.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.core.values import JSON

GRAPH = "#microsoft.graph."


@dataclass(frozen=True, slots=True)
class Classified:
    """An object's kind: ``reader`` names the reader of a Windows policy (checker/loaders/
    intune_read.py ``READERS``), or is None for an object passed over for ``reason``."""

    kind: str
    reader: str | None = None
    reason: str = ""


NOT_DEVICE = "sets no Windows device setting"
SCRIPT = "a script: what it changes is not known until it runs"
OTHER_PLATFORM = "a policy for another platform"
SERVICE = "applied by an Intune or Windows Update service, not a device policy"

_BY_KEYS: tuple[tuple[frozenset[str], str, str], ...] = (
    (frozenset({"scriptContent", "enforceSignatureCheck"}), "PowerShell script", SCRIPT),
    (frozenset({"detectionScriptContent"}), "remediation script", SCRIPT),
    (frozenset({"customAttributeName"}), "custom attribute script (macOS)", SCRIPT),
    (frozenset({"scriptContent", "executionFrequency"}), "shell script (macOS)", SCRIPT),
    (frozenset({"scriptContent"}), "script", SCRIPT),
    (frozenset({"conditions", "grantControls"}), "Conditional Access policy", NOT_DEVICE),
    (frozenset({"assignedTo", "groupName"}), "assignment report", NOT_DEVICE),
    (frozenset({"localizedNotificationMessages"}), "notification message template", NOT_DEVICE),
    (frozenset({"rolePermissions"}), "role definition", NOT_DEVICE),
    (frozenset({"isBuiltIn", "displayName"}), "scope tag", NOT_DEVICE),
    (frozenset({"featureUpdateVersion"}), "feature update profile", SERVICE),
    (frozenset({"approvalType", "deviceReporting"}), "driver update profile", SERVICE),
    (frozenset({"deviceComplianceCheckinThresholdDays"}), "tenant settings", NOT_DEVICE),
    (frozenset({"secureByDefault"}), "tenant settings", NOT_DEVICE),
    (frozenset({"bindStatus"}), "managed Google Play settings", OTHER_PLATFORM),
    (
        frozenset({"rule", "platform", "assignmentFilterManagementType"}),
        "assignment filter",
        NOT_DEVICE,
    ),
)
"""Objects without a telling ``@odata.type`` (IntuneCD drops it), by the keys of their kind."""

MARKERS = (
    GRAPH,
    "@odata.",
    "settingDefinitionId",
    "deviceManagement",
    "omaSettings",
    "definitionValues",
    "roleScopeTagIds",
    *sorted({key for keys, _, _ in _BY_KEYS for key in keys} - {"displayName", "rule", "platform"}),
)
"""Strings whose presence in a JSON file's head says it is an Intune/Graph export (the
loader's sniff): Graph's own markers and the keys of every kind above."""

_BY_ODATA: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("windowsFeatureUpdateProfile",), "feature update profile", SERVICE),
    (("windowsDriverUpdateProfile",), "driver update profile", SERVICE),
    (
        ("windowsQualityUpdateProfile", "windowsQualityUpdatePolicy"),
        "quality update profile",
        SERVICE,
    ),
    (
        ("windows10DeviceFirmwareConfigurationInterface",),
        "firmware (DFCI) profile",
        "UEFI settings, not Windows policy",
    ),
    (
        ("ManagedAppProtection", "AppProtection", "ManagedAppConfiguration"),
        "app protection policy",
        NOT_DEVICE,
    ),
    (("Enrollment", "Autopilot", "ComanagementAuthority"), "enrollment configuration", SERVICE),
    (("RoleDefinition", "RoleAssignment"), "role", NOT_DEVICE),
    (("roleScopeTag",), "scope tag", NOT_DEVICE),
    (("AssignmentFilter",), "assignment filter", NOT_DEVICE),
    (("conditionalAccessPolicy",), "Conditional Access policy", NOT_DEVICE),
    (("notificationMessageTemplate",), "notification message template", NOT_DEVICE),
    (
        (
            "deviceManagementScript",
            "deviceShellScript",
            "deviceHealthScript",
            "deviceCustomAttributeShellScript",
        ),
        "script",
        SCRIPT,
    ),
)
"""Objects passed over, by a part of their ``@odata.type`` (matched in this order)."""

_PLATFORMS = (
    ("windows", "windows"),
    ("win32", "windows"),
    ("macos", "macOS"),
    ("ios", "iOS"),
    ("android", "Android"),
    ("aosp", "Android"),
    ("linux", "Linux"),
)
_WINDOWS_SETTINGS = ("device_vendor_msft_", "user_vendor_msft_", "vendor_msft_")


def odata_type(item: dict[str, JSON]) -> str:
    """``#microsoft.graph.windows10GeneralConfiguration`` -> ``windows10GeneralConfiguration``."""
    return str(item.get("@odata.type") or "").removeprefix("#").removeprefix("microsoft.graph.")


def platform(odata: str, item: dict[str, JSON]) -> str:
    """The platform an object is for: its ``platforms``, its ``@odata.type``, a settings
    catalog policy's technologies or setting ids; ``unknown`` when nothing tells."""
    for hint in (item.get("platforms"), odata):
        text = str(hint or "").casefold()
        found = next((name for prefix, name in _PLATFORMS if text.startswith(prefix)), None)
        if found:
            return found
    if "applere" in str(item.get("technologies") or "").casefold():
        return "macOS"
    ids = [_setting_id(setting) for setting in _list(item.get("settings"))]
    if ids and all(ident.startswith(_WINDOWS_SETTINGS) for ident in ids if ident):
        return "windows"
    return "unknown"


def _setting_id(setting: JSON) -> str:
    instance = setting.get("settingInstance") if isinstance(setting, dict) else None
    found = instance.get("settingDefinitionId") if isinstance(instance, dict) else None
    return str(found or "").casefold()


def classify(item: dict[str, JSON]) -> Classified | None:
    """What ``item`` is (see module docstring); None when nothing says it is an Intune object."""
    odata = odata_type(item)
    catalog = _is_catalog(odata, item)
    if catalog or odata == "deviceManagementIntent" or "settingsDelta" in item:
        kind = "settings catalog policy" if catalog else "endpoint security policy"
        return _windows_only(kind, "settings_catalog" if catalog else "intent", odata, item)
    if "definitionValues" in item or odata == "groupPolicyConfiguration":
        return Classified("administrative template policy", "administrative_template")
    for parts, kind, reason in _BY_ODATA:
        if any(part in odata for part in parts):
            return Classified(_named(kind, odata, item), reason=reason)
    if odata.endswith("App"):
        return Classified(
            _named("app", odata, item), reason="an app to install, not a device setting"
        )
    if odata.endswith("CompliancePolicy"):
        return _windows_only("compliance policy", "compliance", odata, item)
    if "omaSettings" in item or odata.endswith("CustomConfiguration"):
        return _windows_only("custom profile", "custom", odata, item)
    if odata.endswith(("Configuration", "Profile")) and odata[:1].islower():
        return _windows_only("device configuration profile", "device_configuration", odata, item)
    keys = set(item)
    for wanted, kind, reason in _BY_KEYS:
        if wanted <= keys:
            return Classified(kind, reason=reason)
    if odata:
        return Classified(odata, reason="not an object baseliner reads")
    return None


def _is_catalog(odata: str, item: dict[str, JSON]) -> bool:
    if odata == "deviceManagementConfigurationPolicy":
        return True
    settings = _list(item.get("settings"))
    return any(isinstance(s, dict) and "settingInstance" in s for s in settings)


def _windows_only(kind: str, reader: str, odata: str, item: dict[str, JSON]) -> Classified:
    """Read a Windows object (or one whose platform nothing tells); pass over the others."""
    found = platform(odata, item)
    if found in ("windows", "unknown"):
        return Classified(kind, reader)
    return Classified(f"{kind} ({found})", reason=OTHER_PLATFORM)


def _named(kind: str, odata: str, item: dict[str, JSON]) -> str:
    """A kind with its platform when the object is for one other than Windows."""
    found = platform(odata, item)
    return kind if found in ("windows", "unknown") else f"{kind} ({found})"


def _list(value: JSON) -> list[JSON]:
    return value if isinstance(value, list) else []
