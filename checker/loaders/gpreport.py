"""gpreport.xml (``Get-GPOReport -ReportType Xml``): the settings of one or more GPOs.

The report shows, per GPO, Computer and User configuration as ``ExtensionData/Extension``
elements, one per client-side extension, each in its own namespace under
``http://www.microsoft.com/GroupPolicy/Settings``.  Computer settings become HKLM facts, user
settings HKCU facts, keyed as the raw files of the same backup key them, so that a report and
its GPO backup normalize to the same device state:

- Administrative Templates (``Registry`` ``Policy``): replayed through the ADMX index
  (:mod:`checker.loaders.admx`) to the registry values they write; a policy missing from the
  index becomes a ``Kind.SETTING`` fact named ``Category/Display name`` and is listed in
  ``Source.meta["unresolved"]``.  ``RegistrySetting`` (extra registry settings) are direct.
- Security: account policies (``System Access/...``, ``Kerberos Policy/...``), user rights
  (SIDs), security options (registry values or ``System Access/...``), restricted groups
  (``Group Membership/*SID__Members``), services, legacy ``Event Audit``.
- Advanced audit: ``Kind.AUDIT`` by subcategory.
- Windows Firewall: ``Kind.FIREWALL`` facts and the registry values the profiles write.
- Group Policy Preferences registry items: registry facts, read by
  :mod:`checker.loaders.gpp_registry` as in a backup's Registry.xml.

:func:`extension_facts` is shared with gpresult /x, whose extensions use the same namespaces.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from checker.core.errors import input_error
from checker.core.files import detect_encoding
from checker.core.principals import principal
from checker.core.values import JSON, Fact, Origin, Source
from checker.kinds import Kind, registry_path
from checker.loaders import admx, gpp_registry
from checker.loaders.xmlsafe import Element, first, kids, local, read_xml, text

FORMAT = "gpreport"
DESCRIPTION = "gpreport.xml (Get-GPOReport)"
FOLDER = False
"""Reads a folder (else a file)."""
DEVICE = False
"""Each export is one device, named by its content."""
NS = "http://www.microsoft.com/GroupPolicy/Settings"
_ROOT = re.compile(r"<(?:GPO|report)\b[^>]*\bxmlns=\"" + re.escape(NS) + '"')

SCOPES = (("Computer", "HKLM", "Machine"), ("User", "HKCU", "User"))
"""Report section, registry hive, ADMX class."""

_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
_AUDIT_VALUES = ("No Auditing", "Success", "Failure", "Success and Failure")
_START_MODES = {"boot": 0, "system": 1, "automatic": 2, "manual": 3, "disabled": 4}
_ACCOUNT_SECTIONS = {"kerberos": "Kerberos Policy"}
_FIREWALL_PROFILES = {
    "DomainProfile": "Domain",
    "PrivateProfile": "Private",
    "PublicProfile": "Public",
}
_FIREWALL_LOGGING = {"LogFilePath", "LogFileSize", "LogDroppedPackets", "LogSuccessfulConnections"}

Attribution = Callable[[Element], tuple[str | None, tuple[tuple[str, JSON], ...]]]
"""For a setting element: the GPO it comes from and extra fields (gpresult: precedence)."""


@dataclass(slots=True)
class Collected:
    """Facts read from extensions, and the policies that could not be resolved."""

    facts: list[Fact] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a section's settings go: file, hive, ADMX class, and who set each one."""

    path: str
    hive: str
    admx_class: str
    attribution: Attribution

    def origin(self, element: Element) -> tuple[Origin, tuple[tuple[str, JSON], ...]]:
        """Where ``element`` is and who set it: the origin and extra fields of its facts."""
        source, extra = self.attribution(element)
        return Origin(self.path, line=element.sourceline, source=source), extra

    def fact(self, element: Element, kind: Kind, key: str, value: JSON, **more: JSON) -> Fact:
        origin, extra = self.origin(element)
        return Fact(kind, key, value, origin, extra=extra + tuple(more.pop("extra", ())), **more)

    def registry(
        self,
        element: Element,
        key: str,
        name: str,
        rtype: str | None,
        value: JSON,
        deleted: bool = False,
    ) -> Fact:
        path = registry_path(key, name, self.hive)
        return self.fact(element, Kind.REGISTRY, path, value, type=rtype, deleted=deleted)


Fields = dict[str, Element]
"""A setting element's children by local name, the first of each (see :func:`fields`)."""


def fields(element: Element) -> Fields:
    """The children of ``element`` by local name, the first of each, in one pass: a reader
    that wants several of them pays one walk instead of a search each (this runs for every
    setting of every device of a fleet)."""
    found: Fields = {}
    for child in element:
        found.setdefault(local(child), child)
    return found


def child_text(found: Fields, name: str) -> str | None:
    """The text of child ``name`` ("" when empty), None when there is no such child."""
    child = found.get(name)
    return None if child is None else (child.text or "")


def sniff(path: Path, head: bytes) -> bool:
    """A ``GPO`` (or ``report``) root element in the Settings namespace, in any encoding."""
    encoding, bom = detect_encoding(head)
    sample = head[bom:].decode(encoding, errors="ignore")
    return _ROOT.search(sample) is not None


def load(path: Path) -> list[Source]:
    """One Source per GPO in the report, named after the GPO."""
    root = read_xml(path)
    gpos = [root] if local(root) == "GPO" else list(kids(root, "GPO"))
    if local(root) not in ("GPO", "report") or str(root.tag) != f"{{{NS}}}{local(root)}":
        raise input_error(
            str(path), f"not a Get-GPOReport XML report (root {root.tag!r})", line=root.sourceline
        )
    if not gpos:  # checked, it would be a device with nothing set
        raise input_error(str(path), "Get-GPOReport XML without a GPO: no settings")
    return [_gpo_source(gpo, str(path)) for gpo in gpos]


def _gpo_source(gpo: Element, path: str) -> Source:
    name = text(gpo, "Name") or None
    collected = Collected()
    for section_name, hive, admx_class in SCOPES:
        section = first(gpo, section_name)
        if section is None:
            continue
        scope = Scope(path, hive, admx_class, lambda _element: (name, ()))
        for extension in section_extensions(section):
            extension_facts(extension, scope, collected)
    identifier = first(gpo, "Identifier")
    meta: list[tuple[str, JSON]] = [("unresolved", sorted(set(collected.unresolved)))]
    if identifier is not None:
        meta += [("guid", text(identifier, "Identifier")), ("domain", text(identifier, "Domain"))]
    return Source(path, FORMAT, tuple(collected.facts), name=name, meta=tuple(sorted(meta)))


def section_extensions(section: Element) -> Iterator[Element]:
    """The ``Extension`` elements of a Computer/User section (gpreport and gpresult)."""
    for data in kids(section, "ExtensionData"):
        yield from kids(data, "Extension")


def extension_facts(extension: Element, scope: Scope, into: Collected) -> None:
    """Read one ``Extension`` element; unknown extensions (certificates, NRPT...) are skipped."""
    prefix, _, _ = str(extension.get(_XSI_TYPE, "")).rpartition(":")
    reader = _READERS.get(str(extension.nsmap.get(prefix or None, "")))
    if reader is not None:
        reader(extension, scope, into)


# --- Administrative Templates and extra registry settings --------------------------------


def _registry_settings(extension: Element, scope: Scope, into: Collected) -> None:
    for element in extension:
        tag = local(element)
        if tag == "Policy":
            _policy(element, scope, into)
        elif tag == "RegistrySetting":
            _registry_setting(element, scope, into)


def _policy(element: Element, scope: Scope, into: Collected) -> None:
    # One pass over the children: this runs for every policy of every device of a fleet.
    shown: dict[str, str] = {}
    options: list[admx.Option] = []
    for child in element:
        tag = local(child)
        if tag in _OPTION_TAGS:
            options.append(_option(child, tag))
        elif tag not in shown:
            shown[tag] = child.text or ""
    name, category = shown.get("Name", ""), shown.get("Category", "")
    state = shown.get("State", "")
    resolved = _resolve(name, category, state, tuple(options), scope.admx_class, scope.hive)
    if resolved is None:
        into.unresolved.append(f"{category}/{name}")
        into.facts.append(scope.fact(element, Kind.SETTING, f"{category}/{name}", state))
        return
    writes, unresolved = resolved
    into.unresolved += unresolved
    origin, extra = scope.origin(element)
    into.facts += [
        Fact(Kind.REGISTRY, path, value, origin, type=rtype, deleted=deleted, extra=extra)
        for path, rtype, value, deleted in writes
    ]


Writes = tuple[tuple[str, str | None, JSON, bool], ...]
"""A policy's registry writes as (display path, REG_* type, value, deleted)."""


@functools.lru_cache(maxsize=1 << 12)
def _resolve(
    name: str, category: str, state: str, options: tuple[admx.Option, ...], cls: str, hive: str
) -> tuple[Writes, tuple[str, ...]] | None:
    """The writes and unplaced option labels of a policy shown with ``options`` in ADMX class
    ``cls``, or None when the index does not know it or its state is neither Enabled nor
    Disabled."""
    # Cached: a fleet shows the same policies with the same options on device after device,
    # and replaying the ADMX was the largest part of reading a gpresult.  The values are
    # shared between devices' facts, which are never modified.
    record = admx.find_policy(name, category, cls)
    if record is None or state.casefold() not in ("enabled", "disabled"):
        return None
    resolution = admx.writes(record, state, list(options))
    writes = tuple(
        (registry_path(w.key, w.name, hive), w.type, w.value, w.deleted) for w in resolution.writes
    )
    return writes, tuple(f"{category}/{name}: {label}" for label in resolution.unresolved)


_OPTION_TAGS = frozenset(
    {"Numeric", "EditText", "CheckBox", "DropDownList", "ListBox", "MultiText"}
)
"""The options a report shows under a policy: numbers, check boxes, drop-downs, texts, lists."""


def _option(element: Element, tag: str) -> admx.Option:
    """One option (``tag`` is one of :data:`_OPTION_TAGS`) as the ADMX replay takes it."""
    found = fields(element)
    label, state = child_text(found, "Name") or "", child_text(found, "State") or "Enabled"
    if tag == "DropDownList":
        value = found.get("Value")
        return admx.Option(label, state, text(value, "Name") if value is not None else None)
    if tag in ("ListBox", "MultiText"):
        return admx.Option(label, state, items=_list_items(element))
    return admx.Option(label, state, child_text(found, "Value"))


def _list_items(element: Element) -> tuple[tuple[str | None, str], ...]:
    values = first(element, "Value")
    if values is None:
        return ()
    return tuple((text(item, "Name"), text(item, "Data") or "") for item in kids(values, "Element"))


def _registry_setting(element: Element, scope: Scope, into: Collected) -> None:
    """An extra registry setting; one without ``Value`` creates its key (value name empty)."""
    found = fields(element)
    key = child_text(found, "KeyPath") or ""
    value = found.get("Value")
    if value is None:
        into.facts.append(scope.registry(element, key, "", None, None))
        return
    shown = fields(value)
    name = child_text(shown, "Name") or ""
    for tag, rtype in (("Number", "REG_DWORD"), ("String", "REG_SZ")):
        data = child_text(shown, tag)
        if data is not None:
            typed: JSON = _number(data) if tag == "Number" else data
            into.facts.append(scope.registry(element, key, name, rtype, typed))
            return
    multi = shown.get("MultiString")
    if multi is not None:
        into.facts.append(
            scope.registry(element, key, name, "REG_MULTI_SZ", [v.text or "" for v in multi])
        )
        return
    into.unresolved.append(f"{key}\\{name}")


# --- Security settings --------------------------------------------------------------------


def _security_settings(extension: Element, scope: Scope, into: Collected) -> None:
    for element in extension:
        reader = _SECURITY_READERS.get(local(element))
        if reader is not None:
            into.facts += reader(element, scope)


def _setting_value(found: Fields) -> tuple[str | None, JSON]:
    """``SettingNumber``/``Boolean``/``String``/``Strings`` as (REG_* type, value)."""
    number = child_text(found, "SettingNumber")
    if number is not None:
        return "REG_DWORD", _number(number)
    boolean = child_text(found, "SettingBoolean")
    if boolean is not None:
        return "REG_DWORD", int(boolean.strip().casefold() == "true")
    string = child_text(found, "SettingString")
    if string is not None:
        return "REG_SZ", _unquote(string)
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
        return [scope.registry(element, key, name, rtype, value)]
    policy = child_text(found, "SystemAccessPolicyName")
    return [scope.fact(element, Kind.SECURITY, f"System Access/{policy}", value)] if policy else []


def _principals(element: Element) -> list[str]:
    """Members by SID, or by name when the report has no SID (RSoP of built-in groups)."""
    out = []
    for member in kids(element, "Member"):
        sid = text(member, "SID")
        out.append(principal(sid if sid else text(member, "Name") or ""))
    return sorted(out)


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


_SECURITY_READERS: dict[str, Callable[[Element, Scope], list[Fact]]] = {
    "Account": _account,
    "SecurityOptions": _security_option,
    "UserRightsAssignment": _user_right,
    "RestrictedGroups": _restricted_group,
    "SystemServices": _service,
    "Audit": _event_audit,
}


# --- Advanced audit, firewall, preferences ------------------------------------------------


def _audit_settings(extension: Element, scope: Scope, into: Collected) -> None:
    for element in kids(extension, "AuditSetting"):
        found = fields(element)
        name = (child_text(found, "SubcategoryName") or "").strip()
        name = name[6:] if name.casefold().startswith("audit ") else name
        setting = _number(child_text(found, "SettingValue") or "")
        value = _AUDIT_VALUES[setting] if isinstance(setting, int) and 0 <= setting < 4 else setting
        guid = (child_text(found, "SubcategoryGuid") or "").strip()
        into.facts.append(scope.fact(element, Kind.AUDIT, name, value, extra=(("guid", guid),)))


def _firewall_settings(extension: Element, scope: Scope, into: Collected) -> None:
    """Profile settings as firewall facts and as the registry values they are stored in."""
    base = "Software\\Policies\\Microsoft\\WindowsFirewall"
    for section in extension:
        tag = local(section)
        profile = _FIREWALL_PROFILES.get(tag)
        if tag == "GlobalSettings":
            for setting in section:
                _firewall_value(setting, scope, into, None, base)
        elif profile is not None:
            for setting in section:
                key = f"{base}\\{tag}" + (
                    "\\Logging" if local(setting) in _FIREWALL_LOGGING else ""
                )
                _firewall_value(setting, scope, into, profile, key)


def _firewall_value(
    setting: Element, scope: Scope, into: Collected, profile: str | None, key: str
) -> None:
    raw = text(setting, "Value")
    if not raw:
        return
    lowered = raw.strip().casefold()
    value: JSON = int(lowered == "true") if lowered in ("true", "false") else _number(raw)
    name = local(setting)
    if profile is not None:
        into.facts.append(scope.fact(setting, Kind.FIREWALL, f"{profile}/{name}", value))
    into.facts.append(
        scope.registry(
            setting, key, name, "REG_DWORD" if isinstance(value, int) else "REG_SZ", value
        )
    )


def _preference_registry(extension: Element, scope: Scope, into: Collected) -> None:
    """GPP registry items, read as a GPO backup's Registry.xml is (one reader for both)."""
    for item in gpp_registry.items(extension, scope.path):
        origin, extra = scope.origin(item.element)
        into.facts += gpp_registry.item_facts(item, scope.hive, origin, extra)


_READERS: dict[str, Callable[[Element, Scope, Collected], None]] = {
    f"{NS}/Registry": _registry_settings,
    f"{NS}/Security": _security_settings,
    f"{NS}/Auditing": _audit_settings,
    f"{NS}/WindowsFirewall": _firewall_settings,
    f"{NS}/Windows/Registry": _preference_registry,
}
"""Readers by the namespace of the extension's ``xsi:type``."""


# --- values -------------------------------------------------------------------------------


def _number(raw: str) -> JSON:
    """An integer when the text is one (as secedit reads it), else the text."""
    try:
        return int(raw.strip())
    except ValueError:
        return raw


def _unquote(raw: str) -> str:
    raw = raw.strip()
    return raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] == '"' else raw
