"""Generate a benchmark YAML (DESIGN §4) from Microsoft security baseline GPO backups.

One-off tool: it wrote ``policies/msft-windows11-24h2.yaml`` once; the YAML is human-edited
from then on.  It is kept for the record and for the other Microsoft baselines (same GPO
backup layout), e.g.::

    python tools/gen_benchmark.py ../shared/corpus/gpo/msft-windows11-24h2 \\
        --id msft-windows11-24h2 --check-prefix msft-w11-24h2 \\
        --title "Microsoft Security Baseline: Windows 11 24H2" --version 24H2 \\
        --os windows11 --reference MSFT-W11-24H2 \\
        --admx ../shared/corpus/mapping/admx \\
        --hardeningkitty ../shared/corpus/benchmarks/hardeningkitty/lists/\\
finding_list_msft_security_baseline_windows_11_24h2_machine.csv \\
        -o policies/msft-windows11-24h2.yaml

Server 2022 the same way, one benchmark per role, each from the role's GPO with the Domain
Security and Defender Antivirus GPOs (``--role member_server`` / ``domain_controller``,
``--check-prefix msft-ws2022-ms`` / ``msft-ws2022-dc``, HardeningKitty's 2022 lists).

This module is also the shared core of the other front ends, which build :class:`Check`
values from sources without GPO backups and render them with :func:`write`:
``tools/gen_stig_benchmark.py`` (DISA STIGs from HardeningKitty finding lists) and
``tools/gen_osconfig_benchmark.py`` (Windows Server 2025 from Microsoft's OSConfig CSV).

Every setting of every backup becomes exactly one check: registry.pol values (a ``**del.``
value becomes a check that the value is absent), GptTmpl.inf ``[Registry Values]``,
``[System Access]``, ``[Kerberos Policy]``, ``[Privilege Rights]``, ``[Service General
Setting]``, and audit.csv subcategories.

Where titles and Group Policy paths come from (first that answers):

- Administrative Templates: the ADMX/ADML set maps a registry value to its policy (its own
  value, an enabled/disabled list item, an element, or a list key); the backup's gpreport.xml
  gives that policy's category path, state and displayed element values.
- Security options: gpreport.xml ``SecurityOptions`` (display name and displayed value).
- Windows Defender Firewall profile values: the fixed labels in :data:`FIREWALL_LABELS`.
- Everything else, and ASR rule names: the HardeningKitty finding list; then the raw name.

The settings themselves are read by the project's GPO backup loader
(:mod:`checker.loaders.gpo_backup`), so a check reads exactly the fact the checker will see.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import hardeningkitty  # noqa: E402

from checker.core.files import read_bytes, read_text  # noqa: E402
from checker.core.values import JSON, Confidence, Fact  # noqa: E402
from checker.kinds import Kind, canonical_key, registry_path  # noqa: E402
from checker.loaders import gpo_backup, xmlsafe  # noqa: E402
from checker.loaders.xmlsafe import Element, first, kids, local, parse_xml  # noqa: E402
from checker.targets.mapping import Mapping, load_mapping  # noqa: E402
from tools.hardeningkitty import Finding  # noqa: E402

# --------------------------------------------------------------------------------------------
# Reading a GPO backup
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Backup:
    """One GPO backup folder: its display name, its facts and its gpreport."""

    name: str
    facts: tuple[Fact, ...]
    report: Report


def find_backups(paths: Iterable[Path]) -> list[Path]:
    """GPO backup folders under ``paths``, in the order given (the loader's order within one)."""
    return [backup for path in paths for backup in gpo_backup.find_backups(path)]


def read_backup(folder: Path) -> Backup:
    """The facts of a backup (the project's GPO backup loader) and its gpreport.xml."""
    source = gpo_backup.load_backup(folder)
    report = read_gpreport(folder / "gpreport.xml")
    return Backup(source.name or report.name, source.facts, report)


# --------------------------------------------------------------------------------------------
# gpreport.xml: titles, categories, states and displayed values
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportPolicy:
    """An Administrative Templates policy as gpreport.xml shows it."""

    name: str
    state: str
    category: str
    elements: tuple[tuple[str, str], ...]  # (label, displayed value)


@dataclass(frozen=True, slots=True)
class SecurityOption:
    name: str
    display: str


@dataclass(frozen=True, slots=True)
class Report:
    name: str
    policies: tuple[ReportPolicy, ...] = ()
    options: dict[str, SecurityOption] = field(default_factory=dict)  # canonical registry key
    members: dict[str, tuple[str, ...]] = field(default_factory=dict)  # right -> member names


def _text(element: Element, name: str) -> str:
    """A child's text without surrounding space ("" when there is no such child)."""
    return (xmlsafe.text(element, name) or "").strip()


def _policy_element(element: Element) -> tuple[str, str] | None:
    """(label, displayed value) of a policy element, when it has a value."""
    label = _text(element, "Name")
    value = first(element, "Value")
    if _text(element, "State") != "Enabled" and value is None:
        return None
    if value is not None:
        shown = _text(value, "Name") or (value.text or "").strip()
    else:
        shown = "Enabled" if local(element) == "CheckBox" else ""
    return (label, shown) if label else None


def _report_policy(element: Element) -> ReportPolicy:
    parts = (_policy_element(child) for child in element if local(child) not in _POLICY_META)
    return ReportPolicy(
        _text(element, "Name"),
        _text(element, "State"),
        _text(element, "Category"),
        tuple(part for part in parts if part is not None),
    )


_POLICY_META = {"Name", "State", "Explain", "Supported", "Category"}


def _option_display(display: Element) -> str:
    boolean = _text(display, "DisplayBoolean")
    if boolean:
        return "Enabled" if boolean == "true" else "Disabled"
    number = _text(display, "DisplayNumber")
    if number:
        units = _text(display, "Units")
        return f"{number} {units}".strip()
    fields = [f for f in display.iter() if local(f) == "Field" and _text(f, "Value") == "true"]
    if fields:
        return ", ".join(_text(f, "Name") for f in fields)
    return _text(display, "DisplayString")


def _security_option(element: Element) -> tuple[str, SecurityOption] | None:
    key = _text(element, "KeyName")
    display = first(element, "Display")
    if not key or display is None:
        return None
    path, _, name = key.rpartition("\\")
    option = SecurityOption(_text(display, "Name"), _option_display(display))
    return canonical_key(Kind.REGISTRY, registry_path(path, name)), option


def read_gpreport(path: Path) -> Report:
    root = parse_xml(read_bytes(path), str(path))
    computer = first(root, "Computer")
    policies, options, members = [], {}, {}
    for element in computer.iter() if computer is not None else ():
        kind = local(element)
        if kind == "Policy":
            policies.append(_report_policy(element))
        elif kind == "SecurityOptions":
            found = _security_option(element)
            if found:
                options[found[0]] = found[1]
        elif kind == "UserRightsAssignment":
            names = (_text(m, "Name") or _text(m, "SID") for m in kids(element, "Member"))
            members[_text(element, "Name")] = tuple(names)
    return Report(_text(root, "Name"), tuple(policies), options, members)


# --------------------------------------------------------------------------------------------
# ADMX/ADML: which policy writes a registry value
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AdmxPart:
    """A registry value an ADMX policy writes.

    ``label`` is the element's presentation label (None for the policy's own value and its
    enabled/disabled lists); ``items`` maps an enum element's values to their display names.
    """

    policy: str
    category: tuple[str, ...]
    label: str | None
    items: tuple[tuple[JSON, str], ...] = ()
    is_list: bool = False


@dataclass(slots=True)
class _AdmxFile:
    strings: dict[str, str]
    labels: dict[str, dict[str, str]]  # presentation id -> element id -> label


_STRING_REF = re.compile(r"\$\((string|presentation)\.([^)]+)\)")


def _resolve(ref: str, strings: dict[str, str]) -> str:
    match = _STRING_REF.fullmatch(ref.strip())
    return strings.get(match.group(2), match.group(2)) if match else ref


_DEFAULT_NAMESPACE = re.compile(r'\sxmlns="[^"]*"')
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _parse_definitions(path: Path) -> Element:
    """An ADMX/ADML root, read without its default namespace (only local names are used).

    Windows 11's WindowsDefender.adml declares ``xmlns=".../Policysecurity intelligence"`` (a
    find-and-replace of "definition"), which no conforming XML parser accepts.
    """
    text = _DEFAULT_NAMESPACE.sub("", _DECLARATION.sub("", read_text(path), count=1), count=1)
    return parse_xml(text.encode("utf-8"), str(path))


def _read_adml(path: Path) -> _AdmxFile:
    if path.suffix.casefold() != ".adml" or not path.is_file():
        return _AdmxFile({}, {})
    root = _parse_definitions(path)
    strings = {e.get("id", ""): (e.text or "").strip() for e in root.iter() if local(e) == "string"}
    labels = {
        p.get("id", ""): {c.get("refId", ""): "".join(c.itertext()).strip() for c in p}
        for p in root.iter()
        if local(p) == "presentation"
    }
    return _AdmxFile(strings, labels)


def _enum_items(element: Element, strings: dict[str, str]) -> tuple[tuple[JSON, str], ...]:
    items: list[tuple[JSON, str]] = []
    for item in kids(element, "item"):
        for value in item.iter():
            if local(value) == "decimal":
                items.append(
                    (int(value.get("value", "0")), _resolve(item.get("displayName", ""), strings))
                )
            elif local(value) == "string":
                items.append((value.text or "", _resolve(item.get("displayName", ""), strings)))
    return tuple(items)


class AdmxIndex:
    """Registry value -> the ADMX policies that write it (machine policies only)."""

    def __init__(self, folder: Path | None) -> None:
        self._parts: dict[tuple[str, str], list[AdmxPart]] = defaultdict(list)
        self._categories: dict[str, tuple[str, str | None]] = {}
        pending: list[tuple[Element, _AdmxFile, dict[str, str]]] = []
        # ADML file names differ in case from their ADMX (kdc.admx / KDC.adml).
        languages = folder / "en-US" if folder else None
        adml_names = {p.name.casefold(): p for p in languages.glob("*.adml")} if languages else {}
        for path in sorted(folder.glob("*.admx")) if folder else ():
            root = _parse_definitions(path)
            adml = _read_adml(adml_names.get(f"{path.stem}.adml".casefold(), path))
            spaces = _namespaces(root)
            for category in (e for e in root.iter() if local(e) == "category"):
                self._categories[_qualified(category.get("name", ""), spaces)] = (
                    _resolve(category.get("displayName", ""), adml.strings),
                    _parent(category, spaces),
                )
            pending.extend((p, adml, spaces) for p in root.iter() if local(p) == "policy")
        for policy, adml, spaces in pending:
            if policy.get("class") in ("Machine", "Both"):
                self._index_policy(policy, adml, spaces)

    def _chain(self, name: str | None) -> tuple[str, ...]:
        chain: list[str] = []
        while name and name in self._categories and len(chain) < 16:
            display, name = self._categories[name]
            chain.insert(0, display)
        return tuple(chain)

    def _index_policy(self, policy: Element, adml: _AdmxFile, spaces: dict[str, str]) -> None:
        display = _resolve(policy.get("displayName", ""), adml.strings)
        category = self._chain(_parent(policy, spaces))
        key = policy.get("key", "")
        labels = adml.labels.get(_resolve_id(policy.get("presentation", "")), {})
        if policy.get("valueName"):
            self._add(key, policy.get("valueName", ""), AdmxPart(display, category, None))
        for listed in (e for e in policy.iter() if local(e) in ("enabledList", "disabledList")):
            for item in kids(listed, "item"):
                self._add(
                    item.get("key", key),
                    item.get("valueName", ""),
                    AdmxPart(display, category, None),
                )
        for elements in kids(policy, "elements"):
            for element in elements:
                label = labels.get(element.get("id", ""), element.get("id", ""))
                items = _enum_items(element, adml.strings) if local(element) == "enum" else ()
                is_list = local(element) == "list"
                part = AdmxPart(display, category, label, items, is_list)
                self._add(
                    element.get("key", key), "*" if is_list else element.get("valueName", ""), part
                )

    def _add(self, key: str, value_name: str, part: AdmxPart) -> None:
        if key and value_name:
            self._parts[(_norm_key(key), value_name.casefold())].append(part)

    def lookup(self, registry: str) -> list[AdmxPart]:
        path, _, name = registry.rpartition("!")
        key = _norm_key(path)
        return self._parts.get((key, name.casefold())) or self._parts.get((key, "*"), [])


def _namespaces(root: Element) -> dict[str, str]:
    """An ADMX file's prefixes -> namespaces; "" is its own (category names are only unique
    within a namespace: Edge WebView2 and Windows both define "Network")."""
    spaces = {}
    for element in root.iter():
        if local(element) in ("target", "using"):
            spaces[element.get("prefix", "")] = element.get("namespace", "")
        if local(element) == "target":
            spaces[""] = element.get("namespace", "")
    return spaces


def _qualified(ref: str, spaces: dict[str, str]) -> str:
    prefix, _, name = ref.rpartition(":")
    return f"{spaces.get(prefix, prefix)}:{name}"


def _parent(element: Element, spaces: dict[str, str]) -> str | None:
    parent = first(element, "parentCategory")
    return _qualified(parent.get("ref", ""), spaces) if parent is not None else None


def _resolve_id(ref: str) -> str:
    match = _STRING_REF.fullmatch(ref.strip())
    return match.group(2) if match else ref


def _norm_key(key: str) -> str:
    """A registry key without hive, lower case (ADMX keys carry no hive)."""
    display = registry_path(key, "x").rpartition("!")[0]
    return display.partition("\\")[2].casefold()


# --------------------------------------------------------------------------------------------
# HardeningKitty finding list: names, IDs, severities
# --------------------------------------------------------------------------------------------


class FindingIndex:
    """HardeningKitty rows by the setting they read (:mod:`checker.hardeningkitty`)."""

    def __init__(self, path: Path | None) -> None:
        self._rows: dict[tuple[Kind, str], Finding] = {}
        self._names: dict[str, Finding] = {}
        for finding in hardeningkitty.read_findings(path) if path else ():
            self._names.setdefault(finding.name.casefold(), finding)
            rule = hardeningkitty.translate(finding)
            if isinstance(rule, hardeningkitty.Rule):
                self._rows.setdefault((rule.kind, rule.canonical), finding)

    def get(self, kind: Kind, key: str) -> Finding | None:
        return self._rows.get((kind, canonical_key(kind, key)))

    def named(self, name: str) -> Finding | None:
        return self._names.get(name.casefold())


# --------------------------------------------------------------------------------------------
# Fixed vocabularies Windows does not write into the backup
# --------------------------------------------------------------------------------------------

SECURITY_SETTINGS: dict[str, tuple[str, str]] = {
    # secedit name -> (display name, Security Settings sub-path)
    "System Access/MinimumPasswordAge": (
        "Minimum password age",
        "Account Policies\\Password Policy",
    ),
    "System Access/MaximumPasswordAge": (
        "Maximum password age",
        "Account Policies\\Password Policy",
    ),
    "System Access/MinimumPasswordLength": (
        "Minimum password length",
        "Account Policies\\Password Policy",
    ),
    "System Access/PasswordComplexity": (
        "Password must meet complexity requirements",
        "Account Policies\\Password Policy",
    ),
    "System Access/PasswordHistorySize": (
        "Enforce password history",
        "Account Policies\\Password Policy",
    ),
    "System Access/ClearTextPassword": (
        "Store passwords using reversible encryption",
        "Account Policies\\Password Policy",
    ),
    "System Access/LockoutBadCount": (
        "Account lockout threshold",
        "Account Policies\\Account Lockout Policy",
    ),
    "System Access/ResetLockoutCount": (
        "Reset account lockout counter after",
        "Account Policies\\Account Lockout Policy",
    ),
    "System Access/LockoutDuration": (
        "Account lockout duration",
        "Account Policies\\Account Lockout Policy",
    ),
    "System Access/AllowAdministratorLockout": (
        "Allow Administrator account lockout",
        "Account Policies\\Account Lockout Policy",
    ),
    "System Access/LSAAnonymousNameLookup": (
        "Network access: Allow anonymous SID/Name translation",
        "Local Policies\\Security Options",
    ),
    "System Access/EnableAdminAccount": (
        "Accounts: Administrator account status",
        "Local Policies\\Security Options",
    ),
    "System Access/EnableGuestAccount": (
        "Accounts: Guest account status",
        "Local Policies\\Security Options",
    ),
    "System Access/NewAdministratorName": (
        "Accounts: Rename administrator account",
        "Local Policies\\Security Options",
    ),
    "System Access/NewGuestName": (
        "Accounts: Rename guest account",
        "Local Policies\\Security Options",
    ),
    "System Access/ForceLogoffWhenHourExpire": (
        "Network security: Force logoff when logon hours expire",
        "Local Policies\\Security Options",
    ),
    "Kerberos Policy/MaxTicketAge": (
        "Maximum lifetime for user ticket",
        "Account Policies\\Kerberos Policy",
    ),
    "Kerberos Policy/MaxRenewAge": (
        "Maximum lifetime for user ticket renewal",
        "Account Policies\\Kerberos Policy",
    ),
    "Kerberos Policy/MaxServiceAge": (
        "Maximum lifetime for service ticket",
        "Account Policies\\Kerberos Policy",
    ),
    "Kerberos Policy/MaxClockSkew": (
        "Maximum tolerance for computer clock synchronization",
        "Account Policies\\Kerberos Policy",
    ),
    "Kerberos Policy/TicketValidateClient": (
        "Enforce user logon restrictions",
        "Account Policies\\Kerberos Policy",
    ),
}

SECURITY_UNITS = {
    "MinimumPasswordLength": "characters",
    "PasswordHistorySize": "passwords remembered",
    "LockoutBadCount": "invalid logon attempts",
    "ResetLockoutCount": "minutes",
    "LockoutDuration": "minutes",
    "MinimumPasswordAge": "days",
    "MaximumPasswordAge": "days",
    "MaxTicketAge": "hours",
    "MaxRenewAge": "days",
    "MaxServiceAge": "minutes",
    "MaxClockSkew": "minutes",
}

AUDIT_CATEGORIES: dict[str, tuple[str, ...]] = {
    # Advanced Audit Policy Configuration\Audit Policies\<category> -> its subcategories
    "Account Logon": (
        "Credential Validation",
        "Kerberos Authentication Service",
        "Kerberos Service Ticket Operations",
        "Other Account Logon Events",
    ),
    "Account Management": (
        "Application Group Management",
        "Computer Account Management",
        "Distribution Group Management",
        "Other Account Management Events",
        "Security Group Management",
        "User Account Management",
    ),
    "Detailed Tracking": (
        "DPAPI Activity",
        "PNP Activity",
        "Process Creation",
        "Process Termination",
        "RPC Events",
        "Token Right Adjusted Events",
    ),
    "DS Access": (
        "Detailed Directory Service Replication",
        "Directory Service Access",
        "Directory Service Changes",
        "Directory Service Replication",
    ),
    "Logon/Logoff": (
        "Account Lockout",
        "User / Device Claims",
        "Group Membership",
        "IPsec Extended Mode",
        "IPsec Main Mode",
        "IPsec Quick Mode",
        "Logoff",
        "Logon",
        "Network Policy Server",
        "Other Logon/Logoff Events",
        "Special Logon",
    ),
    "Object Access": (
        "Application Generated",
        "Certification Services",
        "Detailed File Share",
        "File Share",
        "File System",
        "Filtering Platform Connection",
        "Filtering Platform Packet Drop",
        "Handle Manipulation",
        "Kernel Object",
        "Other Object Access Events",
        "Registry",
        "Removable Storage",
        "SAM",
        "Central Policy Staging",
    ),
    "Policy Change": (
        "Audit Policy Change",
        "Authentication Policy Change",
        "Authorization Policy Change",
        "Filtering Platform Policy Change",
        "MPSSVC Rule-Level Policy Change",
        "Other Policy Change Events",
    ),
    "Privilege Use": (
        "Non Sensitive Privilege Use",
        "Other Privilege Use Events",
        "Sensitive Privilege Use",
    ),
    "System": (
        "IPsec Driver",
        "Other System Events",
        "Security State Change",
        "Security System Extension",
        "System Integrity",
    ),
}
_AUDIT_CATEGORY = {sub.casefold(): cat for cat, subs in AUDIT_CATEGORIES.items() for sub in subs}

FIREWALL_LABELS = {
    # value name under WindowsFirewall\<Profile> -> (setting label, {value: shown})
    "enablefirewall": ("Firewall state", {1: "On", 0: "Off"}),
    "defaultinboundaction": ("Inbound connections", {1: "Block", 0: "Allow"}),
    "defaultoutboundaction": ("Outbound connections", {0: "Allow", 1: "Block"}),
    "disablenotifications": ("Display a notification", {1: "No", 0: "Yes"}),
    "allowlocalpolicymerge": ("Apply local firewall rules", {0: "No", 1: "Yes"}),
    "allowlocalipsecpolicymerge": ("Apply local connection security rules", {0: "No", 1: "Yes"}),
    "logdroppedpackets": ("Logging: Log dropped packets", {1: "Yes", 0: "No"}),
    "logsuccessfulconnections": ("Logging: Log successful connections", {1: "Yes", 0: "No"}),
    "logfilesize": ("Logging: Size limit (KB)", {}),
    "policyversion": ("Policy version (written by the snap-in)", {}),
}
_FIREWALL_KEY = re.compile(
    r"\\windowsfirewall(?:\\(domain|private|public|standard)profile)?(?:\\logging)?$"
)

FIREWALL_NODE = (
    "Windows Defender Firewall with Advanced Security\\Windows Defender Firewall Properties"
)
ASR_STATES = {"0": "Off", "1": "Block", "2": "Audit", "5": "Not configured", "6": "Warn"}
SERVICE_MODES = {2: "Automatic", 3: "Manual", 4: "Disabled"}
AUDIT_AT_LEAST = {
    "Success": ["Success", "Success and Failure"],
    "Failure": ["Failure", "Success and Failure"],
}

# --------------------------------------------------------------------------------------------
# The rules: area tag, category, ATT&CK, rationale; severity and impact; bounds
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Area:
    """The area a setting belongs to, matched on ``kind:key`` (canonical, lower case)."""

    tag: str
    pattern: re.Pattern[str]
    category: str
    rationale: str
    attack: tuple[str, ...] = ()


def _area(tag: str, pattern: str, category: str, rationale: str, *attack: str) -> Area:
    return Area(tag, re.compile(pattern), category, rationale, attack)


AREAS: tuple[Area, ...] = (
    # Category rule (Secure Score style), first match wins:
    #   accounts: passwords, lockout, Kerberos, user rights, credential protection (LSA, WDigest,
    #     NTLM, credential delegation, logon UI), LAPS;
    #   network: SMB, LDAP, NetBIOS/LLMNR, firewall, TCP/IP, Wi-Fi, RDP, WinRM, RPC, anonymous
    #     network access, secure channel;
    #   security_controls: Defender AV, ASR, network protection, SmartScreen, exploit mitigation,
    #     ELAM, UAC, audit policy and event logs;
    #   application: browser/IE, PowerShell, app-specific components;
    #   os: everything else (AutoPlay, services, installer, lock screen, printing, ...).
    _area(
        "asr",
        r"exploit guard\\asr",
        "security_controls",
        "Attack surface reduction rules block behaviours that malware and macro-based initial "
        "access rely on.",
        "T1566.001",
        "T1204.002",
    ),
    _area(
        "defender",
        r"\\windows defender\\|\\windows defender!",
        "security_controls",
        "Microsoft Defender Antivirus protections must stay on and unalterable so malware is "
        "detected and blocked.",
        "T1562.001",
    ),
    _area(
        "smartscreen",
        r"\\wtds\\|!enablesmartscreen$|!shellsmartscreenlevel$",
        "security_controls",
        "SmartScreen warns about and blocks known-malicious downloads, apps and phishing sites.",
        "T1566",
        "T1204",
    ),
    _area(
        "audit",
        r"^audit:|!scenoapplylegacyauditpolicy$",
        "security_controls",
        "Security auditing records the events needed to detect and investigate attacks.",
        "T1562.002",
    ),
    _area(
        "eventlog",
        r"\\eventlog\\",
        "security_controls",
        "Event logs large enough to hold the security history let attacks be investigated before "
        "records roll over.",
        "T1070.001",
    ),
    _area(
        "uac",
        r""
        r"policies\\system!(enablelua|consentprompt\w*|filteradministratortoken|enableinstallerdetection|"
        r"enablesecureuiapaths|enablevirtualization|typeofadminapprovalmode)$",
        "security_controls",
        "User Account Control keeps administrators working unelevated and makes elevation an "
        "explicit, protected step.",
        "T1548.002",
    ),
    _area(
        "exploit",
        r"session manager\\kernel!|\\earlylaunch!|kernel dma protection",
        "security_controls",
        "Platform exploit mitigations stop common memory-corruption and boot-time attack "
        "techniques.",
        "T1068",
    ),
    _area(
        "firewall",
        r"\\windowsfirewall",
        "network",
        "Windows Defender Firewall filters unsolicited inbound traffic on every network profile.",
        "T1562.004",
    ),
    _area(
        "smb",
        r"\\lanmanserver|\\lanmanworkstation|\\mrxsmb10|!smb1$",
        "network",
        "SMB hardening (signing, current dialects, no SMBv1 or guest access) prevents relay, "
        "tampering and wormable exploits.",
        "T1557.001",
        "T1021.002",
    ),
    _area(
        "netlogon",
        r""
        r"\\netlogon\\parameters!(requiresignorseal|sealsecurechannel|signsecurechannel|requirestrongkey)$",
        "network",
        "A signed and sealed Netlogon secure channel protects domain authentication traffic.",
        "T1557",
    ),
    _area(
        "ldap",
        r"\\services\\ldap!",
        "network",
        "LDAP signing protects directory traffic against tampering and relay.",
        "T1557",
    ),
    _area(
        "name-resolution",
        r"\\dnsclient!|\\netbt\\",
        "network",
        "Multicast and broadcast name resolution (LLMNR, NetBIOS) let attackers spoof names and "
        "capture credentials.",
        "T1557.001",
    ),
    _area(
        "tcpip",
        r"\\tcpip6?\\parameters!",
        "network",
        "Legacy IP features (source routing, ICMP redirects) let attackers redirect traffic.",
        "T1557",
    ),
    _area(
        "anonymous",
        r"control\\lsa!(restrictanonymous\w*|restrictremotesam)$|!restrictnullsessaccess$|"
        r"lsaanonymousnamelookup$",
        "network",
        "Anonymous network access exposes accounts, shares and SAM data to unauthenticated "
        "enumeration.",
        "T1087",
        "T1135",
    ),
    _area(
        "rdp",
        r"\\terminal services!",
        "network",
        "Remote Desktop settings protect remote sessions and the credentials used in them.",
        "T1021.001",
    ),
    _area(
        "winrm",
        r"\\winrm\\",
        "network",
        "WinRM must not accept or send credentials in clear text or with weak authentication.",
        "T1021.006",
    ),
    _area(
        "rpc",
        r"windows nt\\rpc!",
        "network",
        "Restricting unauthenticated RPC clients reduces anonymous remote attack surface.",
        "T1210",
    ),
    _area(
        "network",
        r"\\networkprovider|\\bowser|\\network connections|\\wcmsvc|wifinetworkmanager",
        "network",
        "Network client hardening reduces exposure to rogue networks and legacy protocols.",
        "T1557",
    ),
    _area(
        "printing",
        r"windows nt\\printers|control\\print!",
        "os",
        "Print spooler hardening closes the PrintNightmare family of remote code and privilege "
        "escalation bugs.",
        "T1068",
    ),
    _area(
        "credential-protection",
        r"control\\lsa|\\wdigest!|credentialsdelegation|!allowcustomsspsaps$|"
        r"!runasppl$|credssp|\\kdc\\|\\kerberos\\|!localaccounttokenfilterpolicy$|facialfeatures",
        "accounts",
        "Credential protections keep secrets out of reach of credential theft and pass-the-hash "
        "tools.",
        "T1003.001",
        "T1550.002",
    ),
    _area(
        "laps",
        r"\\laps!",
        "accounts",
        "LAPS gives every local administrator account a unique, rotated, protected password.",
        "T1078.003",
    ),
    _area(
        "logon",
        r"\\credui!|windows\\system!(allowdomainpinlogon|enumeratelocalusers)$|policies\\system!"
        r""
        r"(disableautomaticrestartsignon|enablempr|msaoptional|inactivitytimeoutsecs)$|winlogon!|\\power\\|"
        r"!limitblankpassworduse$|!disablepasswordchange$",
        "accounts",
        "Logon settings limit who can sign in, what the logon screen reveals and how credentials "
        "are handled.",
        "T1078",
    ),
    _area(
        "password",
        r"^security:system access/|^security:kerberos policy/",
        "accounts",
        "Strong password and lockout policy slows password guessing and spraying.",
        "T1110",
    ),
    _area(
        "user-rights",
        r"^privilege:",
        "accounts",
        "User rights limited to the accounts that need them shrink the paths to privilege "
        "escalation and lateral movement.",
        "T1078",
        "T1134",
    ),
    _area(
        "powershell",
        r"\\powershell\\",
        "application",
        "PowerShell script block logging records the code attackers run, even when it is "
        "obfuscated.",
        "T1059.001",
    ),
    _area(
        "apps",
        r"internet explorer\\|\\gamedvr!|windowsinkworkspace|\\windows search!",
        "application",
        "Application features that are not needed, or that leak data, are turned off.",
        "T1005",
    ),
    _area(
        "autoplay",
        r"noautorun|nodrivetypeautorun|noautoplayfornonvolume",
        "os",
        "AutoPlay and AutoRun let removable media start code without the user choosing to.",
        "T1091",
    ),
    _area(
        "services",
        r"^service:",
        "os",
        "Services the device does not need are disabled to shrink the attack surface.",
        "T1543.003",
    ),
    _area(
        "os",
        r"",
        "os",
        "Operating system hardening removes unneeded features and insecure defaults.",
    ),
)

CRITICAL = re.compile(
    r"!disablerealtimemonitoring$|control\\lsa!runasppl$|!lmcompatibilitylevel$|"
    r""
    r"lanman(server|workstation)\\parameters!requiresecuritysignature$|\\wdigest!uselogoncredential$|"
    r"\\mrxsmb10!start$|lanmanserver\\parameters!smb1$|!enablelua$|!nolmhash$"
)
"""Settings whose failure alone exposes the device to a well-known attack: critical, impact 10."""

SEVERITY_IMPACT = {"critical": 10, "high": 7, "medium": 5, "low": 3}
"""Severity rule: CRITICAL -> critical; else the HardeningKitty severity of the matched finding;
else medium for registry values, user rights and security settings, low for audit subcategories
and services.  A value the baseline deletes is low (impact 2); the firewall policy version marker
is impact 1."""

BOUNDS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    # (setting pattern, operator, why) -- the baseline value is the bound, not the only value
    (re.compile(r"\\eventlog\\[^!]+!maxsize$"), "gte", "a larger event log holds more history"),
    (re.compile(r"!inactivitytimeoutsecs$"), "lte", "a shorter inactivity lock is stricter"),
    (re.compile(r"system access/minimumpasswordlength$"), "gte", "longer passwords are stronger"),
    (
        re.compile(r"system access/passwordhistorysize$"),
        "gte",
        "remembering more passwords is stricter",
    ),
    (
        re.compile(r"system access/lockoutbadcount$"),
        "lte",
        "fewer attempts before lockout is stricter",
    ),
    (re.compile(r"system access/lockoutduration$"), "gte", "a longer lockout is stricter"),
    (
        re.compile(r"system access/resetlockoutcount$"),
        "gte",
        "a longer observation window is stricter",
    ),
    (re.compile(r"!mpcloudblocklevel$"), "gte", "higher cloud block levels are more aggressive"),
    (
        re.compile(r"!invalidauthenticationdelaytimeinms$"),
        "gte",
        "a longer delay slows password guessing",
    ),
    (re.compile(r"\\logging!logfilesize$"), "gte", "a larger firewall log holds more history"),
    (
        re.compile(r"lanman(server|workstation)!minsmb2dialect$"),
        "gte",
        "a higher minimum dialect is stricter",
    ),
    (re.compile(r"windowsfirewall!policyversion$"), "gte", "newer snap-ins write a higher version"),
)
OFF_VALUE = 0
"""For an upper bound (``lte``) the value 0 turns the setting off (no inactivity lock, no
lockout), so those checks also require ``gte: 1``."""

# --------------------------------------------------------------------------------------------
# Building the checks
# --------------------------------------------------------------------------------------------

SEC = "Computer Configuration\\Windows Settings\\Security Settings"
ADMIN = "Computer Configuration\\Administrative Templates"


@dataclass(slots=True)
class Check:
    """One check being built (mutable: titles and ids are made unique afterwards)."""

    fact: Fact
    gpo: str
    title: str
    gpo_path: str | None
    setting_text: str
    area: Area
    severity: str
    impact: int
    expect: dict[str, JSON]
    bound_note: str | None
    finding: Finding | None
    leaf: str
    name: str
    id: str = ""
    assertion: str | None = None
    """A JMESPath ``assert`` used instead of ``expect`` when no operator says it."""
    remediation_text: str | None = None
    """Set by sources that know better than the GPO path (an OSConfig CSP path)."""
    absent_ok: bool = False
    """The source accepts the setting unset (the Windows default complies)."""
    references: tuple[str, ...] = ()
    """The source's own rule ids (STIG V-numbers, CCE), cited before the derived ones."""

    def setting(self) -> tuple[str, str]:
        kind = self.fact.kind
        return (kind.value if kind is not Kind.SECURITY else "security", self.fact.key)


@dataclass(frozen=True, slots=True)
class Sources:
    admx: AdmxIndex
    findings: FindingIndex
    intune: IntuneIndex = field(default_factory=lambda: IntuneIndex(None))


class IntuneIndex:
    """GP setting -> the Intune settings catalog setting that sets it exactly (the project's
    mapping table read backwards), for remediation text."""

    def __init__(self, table: Mapping | None) -> None:
        self._ids: dict[tuple[Kind, str], str] = {}
        entries = sorted(table.entries.values(), key=lambda e: len(e.id)) if table else ()
        for entry in entries:
            if entry.confidence is not Confidence.EXACT or not entry.id.startswith("device_"):
                continue
            for target in entry.targets:
                self._ids.setdefault(
                    (target.kind, canonical_key(target.kind, target.key)), entry.id
                )

    def get(self, fact: Fact) -> str | None:
        return self._ids.get((fact.kind, fact.canonical))


@dataclass(frozen=True, slots=True)
class Resolved:
    """What the reference data says about one setting."""

    title: str
    gpo_path: str | None
    setting_text: str  # what remediation says to set
    leaf: str  # the last category, used to tell same-named policies apart
    name: str = ""  # the policy or setting name, ditto


def _shown(value: JSON) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(empty)"
    return str(value)


def _match_report_policy(part: AdmxPart, report: Report) -> ReportPolicy | None:
    same = [
        p
        for p in report.policies
        if p.name.rstrip(".").casefold() == part.policy.rstrip(".").casefold()
    ]
    for policy in same:
        if tuple(policy.category.split("/")) == part.category:
            return policy
    for policy in same:
        if part.category and policy.category.split("/")[-1] == part.category[-1]:
            return policy
    return same[0] if len(same) == 1 else None


def _norm_label(label: str) -> str:
    return label.strip().rstrip(":").strip().casefold()


def _element_shown(part: AdmxPart, policy: ReportPolicy, value: JSON) -> str | None:
    """The element's value as the editor shows it; None when only the raw value is known."""
    label = _norm_label(part.label or "")
    for name, shown in policy.elements:
        if label and _norm_label(name) == label and shown:
            return shown
    return next((name for item, name in part.items if item == value), None)


def _asr_name(fact: Fact, findings: FindingIndex) -> str:
    finding = findings.get(Kind.REGISTRY, fact.key)
    if finding is None:
        return fact.key.rpartition("!")[2]
    return finding.name.removeprefix("ASR: ").removesuffix(" (Policy)")


def admx_policy_path(fact: Fact, sources: Sources) -> str | None:
    """The Group Policy editor path of the ADMX policy that writes a registry value, from the
    ADMX files alone (sources without a gpreport.xml: STIG lists, OSConfig)."""
    parts = sorted(sources.admx.lookup(fact.key), key=lambda part: part.label is not None)
    if not parts:
        return None
    return "\\".join((ADMIN, *parts[0].category, parts[0].policy))


def _resolve_admx(fact: Fact, report: Report, sources: Sources) -> Resolved | None:
    # An element that writes the same value as its policy says more (the chosen option).
    parts = sorted(sources.admx.lookup(fact.key), key=lambda part: part.label is None)
    matched = [(part, _match_report_policy(part, report)) for part in parts]
    chosen = next(((p, r) for p, r in matched if r is not None), None)
    if chosen is None:
        return None
    part, policy = chosen
    value_name = fact.key.rpartition("!")[2]
    path = f"{ADMIN}\\{policy.category.replace('/', chr(92))}\\{policy.name}"
    head = f"{policy.name.rstrip('.')}: {policy.state}"
    label = (part.label or "").strip().rstrip(":").strip()
    if part.is_list and "\\asr\\rules!" in fact.key.casefold():
        state = ASR_STATES.get(str(fact.value), _shown(fact.value))
        title = f"ASR rule: {_asr_name(fact, sources.findings)}: {state}"
        setting = f"{policy.state}, with rule {value_name} set to {_shown(fact.value)} ({state})"
    elif part.is_list:
        title = f"{head} ({value_name} = {_shown(fact.value)})"
        setting = f"{policy.state}, with the entry {value_name} = {_shown(fact.value)}"
    elif fact.deleted:
        what = label or value_name
        title = f"{head} ({what} not set)"
        setting = f"{policy.state} (the policy removes {value_name})"
    elif part.label is not None:
        shown = _element_shown(part, policy, fact.value)
        if shown is None:
            title, setting = head, f"{policy.state}, {label or value_name}: {_shown(fact.value)}"
        elif not label or _norm_label(label) == policy.name.casefold():
            title, setting = f"{head} ({shown})", f"{policy.state}, {shown}"
        else:
            title, setting = f"{head} ({label}: {shown})", f"{policy.state}, {label}: {shown}"
    else:
        title, setting = head, policy.state
    return Resolved(title, path, setting, policy.category.split("/")[-1], policy.name)


def _resolve_option(fact: Fact, report: Report, sources: Sources) -> Resolved | None:
    option = report.options.get(fact.canonical)
    finding = sources.findings.get(Kind.REGISTRY, fact.key)
    name = (option.name if option else "") or (
        finding.name if finding and finding.category == "Security Options" else ""
    )
    if not name:
        return None
    shown = option.display if option and option.display else _shown(fact.value)
    path = f"{SEC}\\Local Policies\\Security Options\\{name}"
    return Resolved(f"{name}: {shown}", path, shown, "Security Options")


def _resolve_firewall(fact: Fact) -> Resolved | None:
    path, _, name = fact.key.rpartition("!")
    match = _FIREWALL_KEY.search(path.casefold())
    if not match or name.casefold() not in FIREWALL_LABELS:
        return None
    label, values = FIREWALL_LABELS[name.casefold()]
    profile = f"{(match.group(1) or 'global').capitalize()} Profile" if match.group(1) else "Global"
    shown = (
        values.get(fact.value, _shown(fact.value))
        if isinstance(fact.value, int)
        else _shown(fact.value)
    )
    gpo = f"{SEC}\\{FIREWALL_NODE}\\{profile}"
    return Resolved(
        f"Windows Defender Firewall ({profile}): {label}: {shown}",
        f"{gpo}\\{label}",
        shown,
        profile,
    )


_APPLOCKER_KEY = re.compile(r"\\srpv2\\(appx|dll|exe|msi|script)(\\[0-9a-f-]{36})?$")
APPLOCKER_COLLECTIONS = {
    "appx": "Packaged app Rules",
    "dll": "DLL Rules",
    "exe": "Executable Rules",
    "msi": "Windows Installer Rules",
    "script": "Script Rules",
}
_XML_ATTRIBUTE = re.compile(r'\b(Name|Action)="([^"]*)"')


def _resolve_applocker(fact: Fact) -> Resolved | None:
    """AppLocker rule collections: a rule's title is its name and action, not its XML."""
    path, _, value_name = fact.key.rpartition("!")
    match = _APPLOCKER_KEY.search(path.casefold())
    if not match:
        return None
    collection = APPLOCKER_COLLECTIONS[match.group(1)]
    gpo = f"{SEC}\\Application Control Policies\\AppLocker\\{collection}"
    if match.group(2) and isinstance(fact.value, str):
        attributes = dict(_XML_ATTRIBUTE.findall(fact.value))
        rule = f"{attributes.get('Name', '?')} ({attributes.get('Action', '?')})"
        title = f"AppLocker {collection}: {rule}"
        return Resolved(title, f"{gpo}\\{rule}", "the rule as the baseline defines it", collection)
    shown = _shown(fact.value)
    return Resolved(f"AppLocker {collection}: {value_name} = {shown}", gpo, shown, collection)


def _resolve_registry(fact: Fact, report: Report, sources: Sources) -> Resolved | None:
    return (
        _resolve_applocker(fact)
        or _resolve_firewall(fact)
        or _resolve_option(fact, report, sources)
        or _resolve_admx(fact, report, sources)
    )


def _resolve_security(fact: Fact, sources: Sources) -> Resolved:
    display, where = SECURITY_SETTINGS.get(
        fact.key, (fact.key.rpartition("/")[2], "Account Policies")
    )
    unit = SECURITY_UNITS.get(fact.key.rpartition("/")[2])
    if unit:
        shown = f"{fact.value} {unit}"
    elif fact.value in (0, 1):
        shown = "Enabled" if fact.value == 1 else "Disabled"
    else:
        shown = _shown(fact.value)
    return Resolved(f"{display}: {shown}", f"{SEC}\\{where}\\{display}", shown, where)


def _resolve_privilege(fact: Fact, report: Report, sources: Sources) -> Resolved:
    finding = sources.findings.get(Kind.PRIVILEGE, fact.key)
    display = finding.name if finding else fact.key
    names = report.members.get(fact.key) or tuple(fact.value)
    shown = ", ".join(n.rpartition("\\")[2] for n in names) or "No One"
    path = f"{SEC}\\Local Policies\\User Rights Assignment\\{display}"
    return Resolved(f"{display}: {shown}", path, shown, "User Rights Assignment")


def _resolve_audit(fact: Fact) -> Resolved:
    category = _AUDIT_CATEGORY.get(fact.key.casefold(), "System")
    path = (
        f"{SEC}\\Advanced Audit Policy Configuration\\Audit Policies\\{category}\\Audit {fact.key}"
    )
    return Resolved(f"Audit {fact.key}: {fact.value}", path, _shown(fact.value), category)


def _resolve_service(fact: Fact, sources: Sources) -> Resolved:
    finding = sources.findings.get(Kind.SERVICE, fact.key)
    display = finding.name.removesuffix(" (Service Startup type)") if finding else fact.key
    mode = (
        SERVICE_MODES.get(fact.value, _shown(fact.value))
        if isinstance(fact.value, int)
        else _shown(fact.value)
    )
    path = f"{SEC}\\System Services\\{display}"
    return Resolved(f"{display}: {mode}", path, mode, "System Services")


def resolve(fact: Fact, report: Report, sources: Sources) -> Resolved | None:
    """Title, GPO path and displayed value of a setting; None when nothing names it."""
    if fact.kind is Kind.REGISTRY:
        return _resolve_registry(fact, report, sources)
    if fact.kind is Kind.SECURITY:
        return _resolve_security(fact, sources)
    if fact.kind is Kind.PRIVILEGE:
        return _resolve_privilege(fact, report, sources)
    if fact.kind is Kind.AUDIT:
        return _resolve_audit(fact)
    return _resolve_service(fact, sources)


def _fallback(fact: Fact, finding: Finding | None) -> Resolved:
    """A title for a setting no reference names: the HardeningKitty name or the raw value."""
    path, _, value_name = fact.key.rpartition("!")
    name = finding.name if finding else value_name
    if not name:
        return Resolved(f"Key {path} present", None, "present", path.rpartition("\\")[2])
    state = "absent" if fact.deleted else _shown(fact.value)
    return Resolved(
        f"{name}: {state}", None, state, fact.key.rpartition("!")[0].rpartition("\\")[2]
    )


def _finding(fact: Fact, sources: Sources) -> Finding | None:
    if fact.kind is Kind.SECURITY and fact.key in SECURITY_SETTINGS:
        return sources.findings.get(Kind.SECURITY, fact.key) or sources.findings.named(
            SECURITY_SETTINGS[fact.key][0]
        )
    return sources.findings.get(fact.kind, fact.key)


def _area_of(fact: Fact) -> Area:
    subject = f"{fact.kind.value}:{fact.canonical}"
    return next(area for area in AREAS if area.pattern.search(subject))


def _severity(fact: Fact, finding: Finding | None) -> tuple[str, int]:
    if fact.kind is Kind.REGISTRY and CRITICAL.search(fact.canonical):
        return "critical", SEVERITY_IMPACT["critical"]
    if fact.deleted:
        return "low", 2
    if fact.kind is Kind.REGISTRY and fact.canonical.endswith("windowsfirewall!policyversion"):
        return "low", 1
    if finding and finding.severity.casefold() in SEVERITY_IMPACT:
        severity = finding.severity.casefold()
    else:
        severity = "low" if fact.kind in (Kind.AUDIT, Kind.SERVICE) else "medium"
    return severity, SEVERITY_IMPACT[severity]


def _expect(fact: Fact) -> tuple[dict[str, JSON], str | None]:
    """The assertion and, for a bound, the comment that explains it."""
    if fact.deleted:
        return {"absent": True}, None
    if fact.kind is Kind.PRIVILEGE:
        # A deny right must deny at least the baseline's principals; a grant right may grant
        # to no one beyond them.
        if not fact.value:
            return {"empty": True}, None
        deny = fact.key.casefold().startswith("sedeny")
        return {"superset_of" if deny else "subset_of": list(fact.value)}, None
    if fact.kind is Kind.AUDIT and fact.value in AUDIT_AT_LEAST:
        note = f"baseline: {fact.value}; auditing more (Success and Failure) also meets it"
        return {"in": AUDIT_AT_LEAST[str(fact.value)]}, note
    if isinstance(fact.value, int):
        for pattern, operator, why in BOUNDS:
            if pattern.search(fact.canonical):
                note = f"baseline: {fact.value}; {operator}: {why}"
                if operator == "lte":
                    return {"gte": OFF_VALUE + 1, "lte": fact.value}, f"{note}; 0 turns it off"
                return {operator: fact.value}, note
    return {"equals": fact.value}, None


def build_check(fact: Fact, backup: Backup, sources: Sources, unresolved: list[str]) -> Check:
    finding = _finding(fact, sources)
    resolved = resolve(fact, backup.report, sources)
    if resolved is None:
        unresolved.append(f"{backup.name}: {fact.kind.value} {fact.key}")
        resolved = _fallback(fact, finding)
    severity, impact = _severity(fact, finding)
    expect, note = _expect(fact)
    return Check(
        fact, backup.name, resolved.title, resolved.gpo_path, resolved.setting_text,
        _area_of(fact), severity, impact, expect, note, finding, resolved.leaf,
        resolved.name or resolved.title,
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# Ids and titles, unique and stable
# --------------------------------------------------------------------------------------------


def slug(text: str) -> str:
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9.]+", "-", text.casefold())).strip("-.")


def _id_parts(check: Check) -> list[str]:
    """Most specific last: the setting name, then its key's components from the leaf up."""
    fact = check.fact
    if fact.kind is Kind.REGISTRY:
        path, _, name = fact.key.rpartition("!")
        # A key-only entry (no value name) is named after its key: "<leaf>-key".
        return [*path.split("\\")[1:], name or f"{path.rpartition(chr(92))[2]}-key"]
    if fact.kind is Kind.INTUNE:
        return [fact.key.rpartition("_config_")[2]]
    return [fact.key.rpartition("/")[2] if fact.kind is Kind.SECURITY else fact.key]


def assign_ids(checks: Sequence[Check], prefix: str, area: bool = True) -> None:
    """``<prefix>-<area>-<name>`` (``area=False``: ``<prefix>-<name>``); colliding ids take
    key components until unique."""
    depth = {id(c): 1 for c in checks}
    while True:
        for check in checks:
            parts = _id_parts(check)
            tail = "-".join(slug(p) for p in parts[-depth[id(check)] :])
            check.id = f"{prefix}-{check.area.tag}-{tail}" if area else f"{prefix}-{tail}"
        counts = Counter(c.id for c in checks)
        clashing = [c for c in checks if counts[c.id] > 1]
        if not clashing:
            return
        if all(depth[id(c)] >= len(_id_parts(c)) for c in clashing):
            raise SystemExit(f"cannot make ids unique: {sorted({c.id for c in clashing})}")
        for check in clashing:
            depth[id(check)] += 1


def unique_titles(checks: Sequence[Check]) -> None:
    """Same-named policies (event logs, SMB client/server, KDC/Kerberos) get their category."""
    leaves: dict[str, set[str]] = defaultdict(set)
    for check in checks:
        leaves[check.name].add(check.leaf)
    for check in checks:
        if len(leaves[check.name]) > 1:
            check.title = f"{check.title} [{check.leaf}]"
    counts = Counter(c.title for c in checks)
    counts = Counter(c.title for c in checks)
    for check in checks:
        if counts[check.title] > 1:
            check.title = f"{check.title} [{check.fact.key.rpartition('!')[2]}]"


# --------------------------------------------------------------------------------------------
# YAML output
# --------------------------------------------------------------------------------------------


def _writes(fact: Fact) -> str:
    if fact.kind is Kind.REGISTRY:
        name = fact.key.rpartition("!")[2]
        if fact.deleted:
            return f"{name} must not be present"
        return f"writes {name} = {_shown(fact.value)}"
    if fact.kind is Kind.PRIVILEGE:
        return f"grants {_shown(fact.value) if fact.value else 'no one'}"
    return f"{fact.key} = {_shown(fact.value)}"


def remediation(check: Check, intune: IntuneIndex) -> str:
    """The GPO path and value (or the source's own text), and the Intune setting if known."""
    text = check.remediation_text or _gpo_remediation(check)
    setting = intune.get(check.fact)
    return (
        f"{text} Intune settings catalog: {setting}." if setting and setting not in text else text
    )


WORDS = {
    "equals": "{}",
    "not_equals": "anything but {}",
    "in": "one of {}",
    "gte": "at least {}",
    "lte": "at most {}",
    "gt": "more than {}",
    "lt": "less than {}",
    "contains": "containing {}",
    "matches": "matching /{}/",
    "set_equals": "exactly {}",
    "subset_of": "granted to no one but {}",
    "superset_of": "denied to at least {}",
}
"""How remediation text says each ``expect`` operator (sources without a gpreport)."""


def expected_words(expect: dict[str, JSON]) -> str:
    """An ``expect`` mapping in words: ``at least 15``, ``granted to no one``."""
    if expect.get("absent"):
        return "not set"
    if "empty" in expect:
        return "granted to no one" if expect["empty"] else "not empty"
    return " and ".join(WORDS[op].format(_shown(operand)) for op, operand in expect.items())


def _gpo_remediation(check: Check) -> str:
    key, _, name = check.fact.key.rpartition("!")
    if check.gpo_path is None and not name:
        return f"Create the key {key} (the GPO {check.gpo!r} writes it with no values)."
    if check.gpo_path is None:
        action = (
            "Delete"
            if check.fact.deleted
            else f"Set {name} = {_shown(check.fact.value)} ({check.fact.type}) in"
        )
        return (
            f"{action} the registry value {name} of {key} through Group Policy (GPO {check.gpo!r})."
        )
    return f'Set "{check.gpo_path}" to {check.setting_text} ({_writes(check.fact)}).'


def references(check: Check, baseline_ref: str) -> list[str]:
    refs = [baseline_ref, *check.references]
    if check.finding:
        refs.append(f"HardeningKitty:{check.finding.id}")
    refs.extend(check.area.attack)
    return refs


def check_document(check: Check, baseline_ref: str, intune: IntuneIndex) -> dict[str, JSON]:
    kind, key = check.setting()
    return {
        "id": check.id,
        "title": check.title,
        "category": check.area.category,
        "impact": check.impact,
        "severity": check.severity,
        kind: key,
        **({"assert": check.assertion} if check.assertion else {"expect": check.expect}),
        **({"absent_ok": True} if check.absent_ok else {}),
        "remediation": remediation(check, intune),
        "rationale": check.area.rationale,
        "references": references(check, baseline_ref),
        "tags": [check.area.tag, slug(check.gpo)],
    }


def _scalar(value: JSON) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if value is None:
        return "null"
    text = str(value)
    if not text.isprintable():
        # JSON strings are YAML double-quoted scalars: CR/LF inside AppLocker XML survive.
        return json.dumps(text, ensure_ascii=False)
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]*", text) and text.casefold() not in _YAML_WORDS:
        return text
    return "'" + text.replace("'", "''") + "'"


_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def _flow(value: JSON) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    return _scalar(value)


def _foldable(text: str) -> bool:
    """True when a folded block scalar (``>-``) reads back as exactly ``text``."""
    return text == text.strip() and not any(c in text for c in "\n\r\t") and "  " not in text


def _check_yaml(doc: dict[str, JSON], note: str | None) -> list[str]:
    lines = []
    for index, (key, value) in enumerate(doc.items()):
        lead = "  - " if index == 0 else "    "
        if key == "expect" and note:
            lines.append(f"    # {note}")
        if key in ("remediation", "rationale") and _foldable(str(value)):
            lines.extend([f"{lead}{key}: >-", f"      {value}"])
        elif key in ("remediation", "rationale"):
            # JSON strings are YAML double-quoted scalars: newlines and tabs survive.
            lines.append(f"{lead}{key}: {json.dumps(value, ensure_ascii=False)}")
        else:
            lines.append(f"{lead}{key}: {_flow(value)}")
    return lines


@dataclass(frozen=True, slots=True)
class Meta:
    id: str
    title: str
    version: str
    source: str
    description: str
    os: tuple[str, ...]
    reference: str
    role: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    """Comment lines at the top; empty: the GPO generator's own note."""


def _applies_to(meta: Meta) -> dict[str, JSON]:
    scope: dict[str, JSON] = {}
    if meta.os:
        scope["os"] = list(meta.os)
    if meta.role:
        scope["role"] = list(meta.role)
    return scope


def render(meta: Meta, checks: Sequence[Check], intune: IntuneIndex | None = None) -> str:
    """The benchmark text; verified to load back to the same data."""
    head: dict[str, JSON] = {
        "id": meta.id,
        "title": meta.title,
        "version": meta.version,
        "platform": "windows",
        "source": meta.source,
    }
    header = meta.header or (
        f"Generated once by tools/gen_benchmark.py from the GPO backups of the {meta.source};",
        "edited by hand since. Bounds (gte/lte/in instead of equals) are commented where used.",
    )
    lines = [
        *(f"# {line}".rstrip() for line in header),
        *(f"{k}: {_flow(v)}" for k, v in head.items()),
        "description: >-",
        f"  {meta.description}",
        *([f"applies_to: {_flow(_applies_to(meta))}"] if _applies_to(meta) else []),
        "checks:",
    ]
    index = intune or IntuneIndex(None)
    docs = [check_document(c, meta.reference, index) for c in checks]
    for check, doc in zip(checks, docs, strict=True):
        lines.extend(_check_yaml(doc, check.bound_note))
    text = "\n".join(lines) + "\n"
    loaded = yaml.safe_load(text)
    if loaded["checks"] != docs:
        raise SystemExit("internal error: the YAML written does not load back to the checks")
    return text


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def build(folders: Sequence[Path], sources: Sources, prefix: str) -> tuple[list[Check], list[str]]:
    checks: list[Check] = []
    unresolved: list[str] = []
    for folder in find_backups(folders):
        backup = read_backup(folder)
        checks.extend(build_check(fact, backup, sources, unresolved) for fact in backup.facts)
    assign_ids(checks, prefix)
    unique_titles(checks)
    return checks, unresolved


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "gpo", nargs="+", type=Path, help="GPO backup folder(s), or folders holding them"
    )
    parser.add_argument("--id", required=True)
    parser.add_argument("--check-prefix", required=True, help="check id prefix, e.g. msft-w11-24h2")
    parser.add_argument("--title", required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument(
        "--source", default="Microsoft Security Compliance Toolkit security baseline"
    )
    parser.add_argument("--description", default="")
    parser.add_argument("--os", action="append", default=[], help="applies_to os (repeatable)")
    parser.add_argument("--role", action="append", default=[], help="applies_to role")
    parser.add_argument("--reference", required=True, help="the baseline's reference id")
    parser.add_argument("--admx", type=Path, help="folder of ADMX files with en-US/ ADML")
    parser.add_argument("--hardeningkitty", type=Path, help="HardeningKitty finding list CSV")
    parser.add_argument("-o", "--output", type=Path, required=True)
    return parser


def write(meta: Meta, checks: Sequence[Check], sources: Sources, output: Path) -> None:
    """Render the benchmark to ``output`` and print its check counts (every generator mode)."""
    output.write_text(render(meta, checks, sources.intune), encoding="utf-8", newline="\n")
    summary = Counter((c.area.category, c.severity) for c in checks)
    print(f"{len(checks)} checks -> {output}")
    for (category, severity), count in sorted(summary.items()):
        print(f"  {category:18} {severity:9} {count}")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    sources = Sources(
        AdmxIndex(args.admx), FindingIndex(args.hardeningkitty), IntuneIndex(load_mapping())
    )
    checks, unresolved = build(args.gpo, sources, args.check_prefix)
    meta = Meta(
        args.id, args.title, args.version, args.source, args.description, tuple(args.os),
        args.reference, tuple(args.role),
    )  # fmt: skip
    write(meta, checks, sources, args.output)
    for line in unresolved:
        print(f"  untitled: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
