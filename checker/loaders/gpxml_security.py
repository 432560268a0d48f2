"""Security, advanced audit, Windows Firewall and Preferences registry items in Group Policy
settings XML:

- Security: account policies (``System Access/...``, ``Kerberos Policy/...``), user rights
  (SIDs), security options (registry values or ``System Access/...``), restricted groups
  (``Group Membership/*SID__Members``), services, legacy ``Event Audit``, event log sizes and
  retention (``Security Log/MaximumLogSize``).
- Advanced audit: ``Kind.AUDIT`` by subcategory.
- Windows Firewall: the registry values the profiles write (``Kind.FIREWALL`` facts are
  derived from them for every source, in checker/targets/firewall.py).
- Group Policy Preferences registry items: registry facts, read by
  :mod:`checker.loaders.gpp_registry` as in a backup's Registry.xml.
"""

from __future__ import annotations

from collections.abc import Callable

from checker.core.principals import principal_list
from checker.core.values import JSON, Fact
from checker.kinds import Kind
from checker.loaders import gpp_registry
from checker.loaders.gpttmpl import binary_hex
from checker.loaders.gpxml import Collected, Fields, Scope, child_text, fields, number, unquote
from checker.loaders.xmlsafe import Element, first, kids, local, text

_AUDIT_VALUES = ("No Auditing", "Success", "Failure", "Success and Failure")


_START_MODES = {"boot": 0, "system": 1, "automatic": 2, "manual": 3, "disabled": 4}


_ACCOUNT_SECTIONS = {"kerberos": "Kerberos Policy"}


_FIREWALL_PROFILES = {"DomainProfile", "PrivateProfile", "PublicProfile"}


_FIREWALL_LOGGING = {"LogFilePath", "LogFileSize", "LogDroppedPackets", "LogSuccessfulConnections"}


_BINARY_OPTIONS = frozenset(
    {"machine\\system\\currentcontrolset\\control\\lsa\\fullprivilegeauditing"}
)
"""Security options stored as REG_BINARY, which a report shows as a number or a boolean
(the only one: "Audit: Audit the use of Backup and Restore privilege", ``3,1``/``3,0`` in
../shared/corpus/mapping/SecurityOptionData.psd1)."""


def security_settings(extension: Element, scope: Scope, into: Collected) -> None:
    for element in extension:
        reader = _SECURITY_READERS.get(local(element))
        if reader is not None:
            into.facts += reader(element, scope)


def _setting_value(found: Fields) -> tuple[str | None, JSON]:
    """``SettingNumber``/``Boolean``/``String``/``Strings`` as (REG_* type, value)."""
    digits = child_text(found, "SettingNumber")
    if digits is not None:
        return "REG_DWORD", number(digits)
    boolean = child_text(found, "SettingBoolean")
    if boolean is not None:
        return "REG_DWORD", int(boolean.strip().casefold() == "true")
    string = child_text(found, "SettingString")
    if string is not None:
        return "REG_SZ", unquote(string)
    strings = found.get("SettingStrings")
    if strings is not None:
        return "REG_MULTI_SZ", [item.text or "" for item in strings]
    return None, None


def _account(element: Element, scope: Scope) -> list[Fact]:
    found = fields(element)
    section = _ACCOUNT_SECTIONS.get((child_text(found, "Type") or "").casefold(), "System Access")
    _, value = _setting_value(found)
    return [scope.fact(element, Kind.SECURITY, f"{section}/{child_text(found, 'Name')}", value)]


def _security_option(element: Element, scope: Scope) -> list[Fact]:
    found = fields(element)
    rtype, value = _setting_value(found)
    key_name = child_text(found, "KeyName")
    if key_name is not None:
        key, _, name = key_name.rpartition("\\")
        if key_name.strip().casefold() in _BINARY_OPTIONS and isinstance(value, int):
            rtype, value = "REG_BINARY", binary_hex([f"{value:x}"])
        return [scope.registry(element, key, name, rtype, value)]
    policy = child_text(found, "SystemAccessPolicyName")
    return [scope.fact(element, Kind.SECURITY, f"System Access/{policy}", value)] if policy else []


def _principals(element: Element) -> list[str]:
    """Members by SID, or by name when the report has no SID (RSoP of built-in groups)."""
    members = []
    for member in kids(element, "Member"):
        shown = fields(member)  # one pass over a member's children
        members.append(child_text(shown, "SID") or child_text(shown, "Name") or "")
    return principal_list(members)


def _user_right(element: Element, scope: Scope) -> list[Fact]:
    return [scope.fact(element, Kind.PRIVILEGE, text(element, "Name") or "", _principals(element))]


def _restricted_group(element: Element, scope: Scope) -> list[Fact]:
    group = first(element, "GroupName")
    if group is None:
        return []
    sid = text(group, "SID")
    name = sid.strip() if sid else (text(group, "Name") or "").strip()
    member_of = sorted(
        (text(m, "SID") or text(m, "Name") or "").strip() for m in kids(element, "Memberof")
    )
    return [
        scope.fact(
            element, Kind.SECURITY, f"Group Membership/{name}__Members", _principals(element)
        ),
        scope.fact(element, Kind.SECURITY, f"Group Membership/{name}__Memberof", member_of),
    ]


def _service(element: Element, scope: Scope) -> list[Fact]:
    mode = (text(element, "StartupMode") or "").strip().casefold()
    descriptor = first(element, "SecurityDescriptor")
    sddl = text(descriptor, "SDDL") if descriptor is not None else None
    extra: tuple[tuple[str, JSON], ...] = (("sddl", sddl),) if sddl else ()
    return [
        scope.fact(
            element,
            Kind.SERVICE,
            text(element, "Name") or "",
            _START_MODES.get(mode, mode),
            extra=extra,
        )
    ]


def _event_audit(element: Element, scope: Scope) -> list[Fact]:
    """Legacy audit policy: GptTmpl writes 1 for success, 2 for failure, 3 for both."""
    success = (text(element, "SuccessAttempts") or "").strip() == "true"
    failure = (text(element, "FailureAttempts") or "").strip() == "true"
    return [
        scope.fact(
            element, Kind.SECURITY, f"Event Audit/{text(element, 'Name')}", success + 2 * failure
        )
    ]


def _event_log(element: Element, scope: Scope) -> list[Fact]:
    """Event log settings, as GptTmpl's ``[Security Log]`` (``System``, ``Application``)."""
    found = fields(element)
    _, value = _setting_value(found)
    log, name = (child_text(found, tag) or "" for tag in ("Log", "Name"))
    return [scope.fact(element, Kind.SECURITY, f"{log.strip()} Log/{name.strip()}", value)]


_SECURITY_READERS: dict[str, Callable[[Element, Scope], list[Fact]]] = {
    "Account": _account,
    "SecurityOptions": _security_option,
    "UserRightsAssignment": _user_right,
    "RestrictedGroups": _restricted_group,
    "SystemServices": _service,
    "Audit": _event_audit,
    "EventLog": _event_log,
}


def audit_settings(extension: Element, scope: Scope, into: Collected) -> None:
    for element in kids(extension, "AuditSetting"):
        found = fields(element)
        name = (child_text(found, "SubcategoryName") or "").strip()
        name = name[6:] if name.casefold().startswith("audit ") else name
        setting = number(child_text(found, "SettingValue") or "")
        value = _AUDIT_VALUES[setting] if isinstance(setting, int) and 0 <= setting < 4 else setting
        guid = (child_text(found, "SubcategoryGuid") or "").strip()
        into.facts.append(scope.fact(element, Kind.AUDIT, name, value, extra=(("guid", guid),)))


def firewall_settings(extension: Element, scope: Scope, into: Collected) -> None:
    """Profile and global settings as the registry values they are stored in (the firewall
    facts checks read are made from those, for every source: checker/targets/firewall.py)."""
    base = "Software\\Policies\\Microsoft\\WindowsFirewall"
    for section in extension:
        tag = local(section)
        if tag == "GlobalSettings":
            for setting in section:
                _firewall_value(setting, scope, into, base)
        elif tag in _FIREWALL_PROFILES:
            for setting in section:
                logging = "\\Logging" if local(setting) in _FIREWALL_LOGGING else ""
                _firewall_value(setting, scope, into, f"{base}\\{tag}{logging}")


def _firewall_value(setting: Element, scope: Scope, into: Collected, key: str) -> None:
    raw = text(setting, "Value")
    if not raw:
        return
    lowered = raw.strip().casefold()
    value: JSON = int(lowered == "true") if lowered in ("true", "false") else number(raw)
    rtype = "REG_DWORD" if isinstance(value, int) else "REG_SZ"
    into.facts.append(scope.registry(setting, key, local(setting), rtype, value))


def preference_registry(extension: Element, scope: Scope, into: Collected) -> None:
    """GPP registry items, read as a GPO backup's Registry.xml is (one reader for both)."""
    for item in gpp_registry.items(extension, scope.path):
        origin, extra = scope.origin(item.element)
        into.facts += gpp_registry.item_facts(item, scope.hive, origin, extra)
        if item.unmapped is not None:
            into.unmapped.append(scope.unmapped(item.element, item.unmapped))
