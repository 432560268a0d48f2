"""Generate a fleet of realistic ``gpresult /x`` exports, for benchmarks and hardening tests.

Each device gets one RSoP report shaped like a real one (root ``Rsop`` in the RSoP namespace,
``ComputerResults`` with searched SOMs, security groups, extension status, the applied GPO list,
one ``ExtensionData`` per client-side extension whose settings name their winning GPO and
``Precedence``, and a processing-events log), written as Windows writes it: UTF-16LE with a
BOM and CRLF line ends, 100-300 KB.

The settings are those of a shipped benchmark (``policies/msft-windows11-24h2.yaml`` by
default), read from its YAML: Administrative Templates as ``Policy`` elements with their
options (resolved back through the shipped ADMX index and verified to write the values the
checks expect), other registry values as security options or extra ``RegistrySetting``
elements, account policies, user rights, services and advanced audit subcategories.  Each
device deviates from the baseline on about 20% of its settings (a per-device rate, so some
devices are much worse than others), split between wrong values and settings left out, so
that a run gives a realistic mix of pass, fail and not_configured.

Everything is derived from the benchmark and a seed: device ``i`` of a fleet is the same
whatever the fleet size, so a fleet of 200 is the first 200 files of a fleet of 2,000.

    python -m tools.make_fleet OUT_FOLDER --devices 200 [--seed 0] [--policy PATH]
"""

from __future__ import annotations

import argparse
import codecs
import os
import random
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml

from checker.core.files import detect_encoding
from checker.kinds import registry_path
from checker.loaders import admx

ROOT = Path(__file__).resolve().parents[1]

DEFAULT_POLICY = ROOT / "policies" / "msft-windows11-24h2.yaml"
DEVIATION = 0.20
"""Mean share of a device's settings that deviate from the baseline."""

_SETTINGS_NS = "http://www.microsoft.com/GroupPolicy/Settings"
_BASE_NS = f"{_SETTINGS_NS}/Base"
_TYPES_NS = "http://www.microsoft.com/GroupPolicy/Types"
_ADMX_REMEDIATION = re.compile(
    r'Administrative Templates\\(?P<path>[^"]+)" to (?P<state>Enabled|Disabled)'
)
_SECURITY_OPTION = re.compile(r'Security Options\\(?P<name>[^"]+)"')
_AUDIT_GUID = "{0cce92%s-69ae-11d9-bed3-505054503030}"
_AUDIT_SUFFIX = {
    "Account Lockout": "17",
    "Audit Policy Change": "2f",
    "Authentication Policy Change": "30",
    "Credential Validation": "3f",
    "Detailed File Share": "44",
    "File Share": "24",
    "Group Membership": "49",
    "Logon": "15",
    "MPSSVC Rule-Level Policy Change": "32",
    "Other Logon/Logoff Events": "1c",
    "Other Object Access Events": "27",
    "Other Policy Change Events": "34",
    "Other System Events": "14",
    "PNP Activity": "48",
    "Process Creation": "2b",
    "Removable Storage": "45",
    "Security Group Management": "37",
    "Security State Change": "10",
    "Security System Extension": "11",
    "Sensitive Privilege Use": "28",
    "Special Logon": "1b",
    "System Integrity": "12",
    "User Account Management": "35",
}
"""Windows' fixed advanced-audit subcategory GUIDs (``auditpol /list /subcategory:* /v``)."""
_AUDIT_VALUES = ("No Auditing", "Success", "Failure", "Success and Failure")
_WELL_KNOWN = {
    "S-1-1-0": "Everyone",
    "S-1-5-6": "SERVICE",
    "S-1-5-11": "Authenticated Users",
    "S-1-5-19": "LOCAL SERVICE",
    "S-1-5-20": "NETWORK SERVICE",
    "S-1-5-32-544": "Administrators",
    "S-1-5-32-545": "Users",
    "S-1-5-32-551": "Backup Operators",
    "S-1-5-32-555": "Remote Desktop Users",
    "S-1-5-113": "Local account",
    "S-1-5-114": "Local account and member of Administrators group",
}
_ACCOUNT_TYPES = {
    "MaxTicketAge": "Kerberos",
    "MaxRenewAge": "Kerberos",
    "MaxServiceAge": "Kerberos",
    "MaxClockSkew": "Kerberos",
    "TicketValidateClient": "Kerberos",
    "LockoutBadCount": "Account Lockout",
    "ResetLockoutCount": "Account Lockout",
    "LockoutDuration": "Account Lockout",
    "AllowAdministratorLockout": "Account Lockout",
}
_BOOLEAN_ACCOUNT = {"PasswordComplexity", "ClearTextPassword", "TicketValidateClient"}
_START_MODES = {2: "Automatic", 3: "Manual", 4: "Disabled"}


@dataclass(frozen=True, slots=True)
class Gpo:
    """A GPO of the simulated domain: display name and GUID."""

    name: str
    guid: str


BASELINE = Gpo("MSFT Windows 11 24H2 - Computer", "{5C1F3B7E-2D4A-4E8B-9F60-1A2B3C4D5E6F}")
DOMAIN = Gpo("MSFT Windows 11 24H2 - Domain Security", "{7D2E4C8F-3E5B-4F9C-A071-2B3C4D5E6F70}")
LEGACY = Gpo("Workstations - Legacy Exceptions", "{9E3F5D90-4F6C-4A0D-B182-3C4D5E6F7081}")
"""Deviating values come from a legacy GPO that wins over the baseline, as in real domains."""


@dataclass(frozen=True, slots=True)
class Setting:
    """One check of the benchmark, as the YAML states it."""

    check: str
    title: str
    kind: str
    key: str
    expect: dict[str, Any]
    remediation: str
    rationale: str


@dataclass(frozen=True, slots=True)
class Unit:
    """A group of settings a device either has right, has wrong, or lacks, as XML."""

    extension: str
    """``registry``, ``security`` or ``audit``: the ExtensionData it goes into."""
    good: str
    bad: str


def load_settings(policy: Path) -> list[Setting]:
    """The checks of a benchmark YAML that read one setting with a declarative ``expect``."""
    document = yaml.safe_load(policy.read_text(encoding="utf-8"))
    settings = []
    for check in document["checks"]:
        kind = next(
            (k for k in ("registry", "security", "audit", "privilege", "service") if k in check),
            None,
        )
        if kind is None or "expect" not in check:
            continue
        settings.append(
            Setting(
                check["id"],
                check.get("title", ""),
                kind,
                str(check[kind]),
                dict(check["expect"]),
                " ".join(str(check.get("remediation", "")).split()),
                " ".join(str(check.get("rationale", "")).split()),
            )
        )
    return settings


# --- values that meet or miss an expectation --------------------------------------------


def good_value(expect: dict[str, Any]) -> Any:
    """A value that meets ``expect`` (None: the setting should be absent)."""
    if expect.get("absent") or expect.get("empty"):
        return None if expect.get("absent") else []
    if "equals" in expect:
        return expect["equals"]
    if "in" in expect:
        return expect["in"][-1]
    if "subset_of" in expect:
        return sorted(expect["subset_of"])
    if "superset_of" in expect:
        return sorted(expect["superset_of"])
    if "gte" in expect:
        return expect["gte"]
    return expect.get("lte")


def bad_value(expect: dict[str, Any]) -> Any:
    """A value of the right type that misses ``expect``."""
    if expect.get("absent"):
        return 1
    if expect.get("empty") or "subset_of" in expect:
        return sorted({*(expect.get("subset_of") or ["S-1-5-32-544"]), "S-1-1-0"})
    if "superset_of" in expect:
        return []
    if "gte" in expect:
        return int(expect["gte"]) - 1
    if "lte" in expect:
        return int(expect["lte"]) + 1
    value = good_value(expect)
    if isinstance(value, bool | int):
        return 0 if value else 1
    if isinstance(value, list):
        return [*value, "legacy"]
    if value in _AUDIT_VALUES:
        return "No Auditing"
    return f"{value}-legacy" if value else "legacy"


# --- XML pieces -------------------------------------------------------------------------


def _e(tag: str, text: Any) -> str:
    return f"<{tag}>{escape(str(text))}</{tag}>"


def _attribution(gpo: Gpo) -> str:
    return (
        f'<GPO xmlns="{_BASE_NS}"><Identifier xmlns="{_TYPES_NS}">{gpo.guid}</Identifier></GPO>'
        f'<Precedence xmlns="{_BASE_NS}">1</Precedence>'
    )


def _element(prefix: str, tag: str, gpo: Gpo, body: str) -> str:
    return f"<{prefix}:{tag}>{_attribution(gpo)}{body}</{prefix}:{tag}>"


def _number_or_string(prefix: str, value: Any) -> str:
    if isinstance(value, list):
        items = "".join(_e(f"{prefix}:Value", v) for v in value)
        return f"<{prefix}:SettingStrings>{items}</{prefix}:SettingStrings>"
    if isinstance(value, bool | int):
        return _e(f"{prefix}:SettingNumber", int(value))
    return _e(f"{prefix}:SettingString", value)


def _security_option(setting: Setting, value: Any, gpo: Gpo) -> str:
    if value is None:
        return ""
    path, _, name = setting.key.rpartition("!")
    key = "MACHINE\\" + path.partition("\\")[2] + "\\" + name
    found = _SECURITY_OPTION.search(setting.remediation)
    display = found.group("name") if found else setting.title
    body = (
        _e("q1:KeyName", key)
        + _number_or_string("q1", value)
        + f"<q1:Display>{_e('q1:Name', display)}<q1:Units /></q1:Display>"
    )
    return _element("q1", "SecurityOptions", gpo, body)


def _registry_setting(setting: Setting, value: Any, gpo: Gpo) -> str:
    if value is None:
        return ""
    path, _, name = setting.key.rpartition("!")
    if isinstance(value, list):
        data = "<q3:MultiString>" + "".join(_e("q3:Value", v) for v in value) + "</q3:MultiString>"
    elif isinstance(value, bool | int):
        data = _e("q3:Number", int(value))
    else:
        data = _e("q3:String", value)
    body = (
        _e("q3:KeyPath", path.partition("\\")[2])
        + f"<q3:Value>{_e('q3:Name', name)}{data}</q3:Value>"
    )
    return _element("q3", "RegistrySetting", gpo, body)


def _account(setting: Setting, value: Any, gpo: Gpo) -> str:
    section, _, name = setting.key.partition("/")
    if section != "System Access":
        return ""
    if name == "LSAAnonymousNameLookup":
        body = _e("q1:SystemAccessPolicyName", name) + _e("q1:SettingNumber", value)
        return _element("q1", "SecurityOptions", gpo, body)
    if name in _BOOLEAN_ACCOUNT:
        data = _e("q1:SettingBoolean", "true" if value else "false")
    else:
        data = _e("q1:SettingNumber", value)
    body = _e("q1:Name", name) + data + _e("q1:Type", _ACCOUNT_TYPES.get(name, "Password"))
    return _element("q1", "Account", gpo, body)


def _user_right(setting: Setting, value: Any, gpo: Gpo) -> str:
    members = "".join(
        f'<q1:Member><SID xmlns="{_TYPES_NS}">{sid}</SID>'
        f'<Name xmlns="{_TYPES_NS}">{escape(_WELL_KNOWN.get(sid, sid))}</Name></q1:Member>'
        for sid in value or ()
    )
    return _element("q1", "UserRightsAssignment", gpo, _e("q1:Name", setting.key) + members)


def _service(setting: Setting, value: Any, gpo: Gpo) -> str:
    mode = _START_MODES.get(int(value), "Manual") if isinstance(value, int) else "Manual"
    descriptor = (
        f'<q1:SecurityDescriptor><PermissionsPresent xmlns="{_TYPES_NS}/Security">false'
        f'</PermissionsPresent><AuditingPresent xmlns="{_TYPES_NS}/Security">false'
        "</AuditingPresent></q1:SecurityDescriptor>"
    )
    body = _e("q1:Name", setting.key) + _e("q1:StartupMode", mode) + descriptor
    return _element("q1", "SystemServices", gpo, body)


def _audit(setting: Setting, value: Any, gpo: Gpo) -> str:
    number = _AUDIT_VALUES.index(value) if value in _AUDIT_VALUES else 0
    guid = _AUDIT_GUID % _AUDIT_SUFFIX.get(setting.key, "00")
    body = (
        _e("q4:PolicyTarget", "System")
        + _e("q4:SubcategoryName", f"Audit {setting.key}")
        + _e("q4:SubcategoryGuid", guid)
        + _e("q4:SettingValue", number)
    )
    return _element("q4", "AuditSetting", gpo, body)


# --- Administrative Templates -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Template:
    """An ADMX policy as the report shows it, and the checks it satisfies."""

    name: str
    category: str
    state: str
    options: tuple[tuple[str, admx.Option], ...]
    """Each option with the report element that shows it (Numeric, DropDownList...)."""
    settings: tuple[Setting, ...]


def templates(settings: Sequence[Setting]) -> tuple[list[Template], list[Setting]]:
    """ADMX policies that write what the registry checks expect, and the checks left over."""
    groups: dict[tuple[str, str, str], list[Setting]] = {}
    rest: list[Setting] = []
    for setting in settings:
        found = _ADMX_REMEDIATION.search(setting.remediation)
        if setting.kind != "registry" or found is None:
            rest.append(setting)
            continue
        category, _, name = found.group("path").rpartition("\\")
        key = (name, category.replace("\\", "/"), found.group("state"))
        groups.setdefault(key, []).append(setting)
    resolved = []
    for (name, category, state), members in groups.items():
        template = _template(name, category, state, members)
        if template is None:
            rest += members
        else:
            resolved.append(template)
    return resolved, rest


def _template(name: str, category: str, state: str, members: list[Setting]) -> Template | None:
    record = admx.find_policy(name, category, "Machine")
    if record is None:
        return None
    wanted = {_canonical(s.key): good_value(s.expect) for s in members}
    options = tuple(
        option
        for element in record.get("el", [])
        if (option := _option(element, record["k"], wanted)) is not None
    )
    written = {
        _canonical(registry_path(w.key, w.name)): None if w.deleted else w.value
        for w in admx.writes(record, state, [option for _, option in options]).writes
    }
    if any(written.get(key) != value for key, value in wanted.items()):
        return None
    return Template(name, category, state, options, tuple(members))


_OPTION_TAGS = {
    "decimal": "Numeric",
    "longDecimal": "Numeric",
    "enum": "DropDownList",
    "boolean": "CheckBox",
    "text": "EditText",
}


def _option(
    element: dict[str, Any], policy_key: str, wanted: dict[str, Any]
) -> tuple[str, admx.Option] | None:
    """The option (and its report element) that makes ``element`` write the wanted value,
    when a check reads it."""
    key = _canonical(registry_path(element.get("k", policy_key), element.get("v", "")))
    if key not in wanted or wanted[key] is None:
        return None
    value, label, kind = wanted[key], element.get("label", ""), element["t"]
    tag = _OPTION_TAGS.get(kind)
    if tag is None:
        return None
    if kind == "enum":
        item = next(
            (i for i in element.get("items", []) if i.get("val", [None, None])[-1] == value), None
        )
        return None if item is None else (tag, admx.Option(label, value=item.get("name", "")))
    if kind == "boolean":
        on = element.get("on", ["d", 1])
        return tag, admx.Option(label, "Enabled" if on[-1] == value else "Disabled")
    return tag, admx.Option(label, value=str(value))


def _canonical(key: str) -> str:
    return key.casefold()


def _policy(template: Template, state: str, gpo: Gpo, with_options: bool) -> str:
    explain = template.settings[0].rationale
    parts = [
        _e("q3:Name", template.name),
        _e("q3:State", state),
        _e("q3:Explain", explain),
        _e("q3:Category", template.category),
    ]
    for tag, option in template.options if with_options else ():
        parts.append(_option_xml(tag, option))
    return _element("q3", "Policy", gpo, "".join(parts))


def _option_xml(tag: str, option: admx.Option) -> str:
    """An option as the report shows it; a drop-down names the chosen item."""
    value = ""
    if tag == "DropDownList":
        value = f"<q3:Value>{_e('q3:Name', option.value)}</q3:Value>"
    elif option.value is not None:
        value = _e("q3:Value", option.value)
    return (
        f"<q3:{tag}>{_e('q3:Name', option.label)}{_e('q3:State', option.state)}{value}</q3:{tag}>"
    )


# --- units: what a device gets right or wrong -------------------------------------------

_WRITERS = {
    "security": _account,
    "privilege": _user_right,
    "service": _service,
    "audit": _audit,
}


@cache
def units(policy: Path = DEFAULT_POLICY) -> tuple[Unit, ...]:
    """The benchmark's settings as units of XML, each in a compliant and a deviating form."""
    admx_policies, rest = templates(load_settings(policy))
    out = []
    for template in admx_policies:
        flipped = "Disabled" if template.state == "Enabled" else "Enabled"
        good = _policy(template, template.state, BASELINE, with_options=True)
        out.append(Unit("registry", good, _policy(template, flipped, LEGACY, with_options=False)))
    for setting in rest:
        out.append(_unit(setting))
    return tuple(out)


def _unit(setting: Setting) -> Unit:
    good, bad = good_value(setting.expect), bad_value(setting.expect)
    if setting.kind == "registry":
        option = "Security Options\\" in setting.remediation
        write = _security_option if option else _registry_setting
        extension = "security" if option else "registry"
        return Unit(extension, write(setting, good, BASELINE), write(setting, bad, LEGACY))
    gpo = DOMAIN if setting.kind == "security" else BASELINE
    write = _WRITERS[setting.kind]
    extension = "audit" if setting.kind == "audit" else "security"
    return Unit(extension, write(setting, good, gpo), write(setting, bad, LEGACY))


# --- one device -------------------------------------------------------------------------

_EXTENSIONS = (
    ("security", "q1", "Security", "SecuritySettings", "Security"),
    ("registry", "q3", "Registry", "RegistrySettings", "Registry"),
    ("audit", "q4", "Auditing", "AuditSettings", "Advanced Audit Configuration"),
)


def device_name(seed: int, index: int) -> str:
    """The computer name of device ``index``: unique in the fleet, not the file name."""
    return f"PC{random.Random(f'{seed}:name:{index}').randrange(16**4):04X}-{index:05d}"


def device_xml(index: int, seed: int = 0, policy: Path = DEFAULT_POLICY) -> str:
    """The gpresult /x report of device ``index`` of the fleet ``seed``, as text."""
    rng = random.Random(f"{seed}:{index}")
    rate = min(0.6, max(0.02, rng.gauss(DEVIATION, 0.08)))
    body: dict[str, list[str]] = {name: [] for name, *_ in _EXTENSIONS}
    for unit in units(policy):
        roll = rng.random()
        if roll >= rate:
            body[unit.extension].append(unit.good)
        elif roll >= rate * 0.4:
            body[unit.extension].append(unit.bad)
    name = device_name(seed, index)
    return "\r\n".join(
        [
            '<?xml version="1.0" encoding="utf-16"?>',
            '<Rsop xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xmlns="http://www.microsoft.com/GroupPolicy/Rsop">',
            f"  <ReadTime>2026-01-{1 + index % 28:02d}T0{index % 10}:17:31.394Z</ReadTime>",
            "  <DataType>LoggedData</DataType>",
            "  <ComputerResults>",
            *_header(name, rng),
            *(_extension_data(spec, body[spec[0]]) for spec in _EXTENSIONS),
            *_events(name, rng),
            "  </ComputerResults>",
            "</Rsop>",
            "",
        ]
    )


def _header(name: str, rng: random.Random) -> list[str]:
    lines = [
        _e("Version", rng.randrange(1 << 16, 1 << 22)),
        _e("Name", f"CORP\\{name}$"),
        _e("Domain", "corp.example.test"),
        _e("SOM", "corp.example.test/Workstations"),
        _e("Site", rng.choice(["London", "Paris", "Berlin", "Default-First-Site-Name"])),
    ]
    for order, (path, kind) in enumerate(
        (
            ("Local", "Local"),
            ("corp.example.test", "Domain"),
            ("corp.example.test/Workstations", "OU"),
        ),
        1,
    ):
        lines.append(
            f"<SearchedSOM>{_e('Path', path)}{_e('Type', kind)}{_e('Order', order)}"
            "<BlocksInheritance>false</BlocksInheritance><Blocked>false</Blocked>"
            "<Reason>Normal</Reason></SearchedSOM>"
        )
    for sid, group in sorted(_WELL_KNOWN.items())[: 4 + rng.randrange(6)]:
        lines.append(
            f'<SecurityGroup><SID xmlns="{_TYPES_NS}">{sid}</SID>'
            f'<Name xmlns="{_TYPES_NS}">{escape(group)}</Name></SecurityGroup>'
        )
    lines.append("<SlowLink>false</SlowLink>")
    for extension, guid in (
        ("Registry", "{35378EAC-683F-11D2-A89A-00C04FBBCFA2}"),
        ("Security", "{827D319E-6EAC-11D2-A4EA-00C04F79F83A}"),
        ("Advanced Audit Policy Configuration", "{F3CCC681-B74C-4060-9F26-CD84525DCA2A}"),
    ):
        lines.append(
            f"<ExtensionStatus>{_e('Name', extension)}{_e('Identifier', guid)}"
            "<BeginTime>2026-01-01T03:51:15</BeginTime><EndTime>2026-01-01T03:51:15</EndTime>"
            "<LoggingStatus>Complete</LoggingStatus><Error>0</Error></ExtensionStatus>"
        )
    for order, gpo in enumerate((BASELINE, DOMAIN, LEGACY), 1):
        lines.append(
            f'<GPO>{_e("Name", gpo.name)}<Path><Identifier xmlns="{_TYPES_NS}">{gpo.guid}'
            f'</Identifier><Domain xmlns="{_TYPES_NS}">corp.example.test</Domain></Path>'
            "<VersionDirectory>7</VersionDirectory><VersionSysvol>7</VersionSysvol>"
            "<Enabled>true</Enabled><IsValid>true</IsValid><FilterAllowed>true</FilterAllowed>"
            "<AccessDenied>false</AccessDenied><Link><SOMPath>corp.example.test/Workstations"
            f"</SOMPath>{_e('SOMOrder', order)}{_e('AppliedOrder', order)}"
            f"{_e('LinkOrder', order)}<Enabled>true</Enabled><NoOverride>false</NoOverride>"
            "</Link><SecurityFilter>NT AUTHORITY\\Authenticated Users</SecurityFilter></GPO>"
        )
    return ["    " + line for line in lines]


def _extension_data(spec: tuple[str, str, str, str, str], elements: list[str]) -> str:
    _, prefix, namespace, xsi_type, label = spec
    opening = (
        f'    <ExtensionData>\r\n      <Extension xmlns:{prefix}="{_SETTINGS_NS}/{namespace}" '
        f'xsi:type="{prefix}:{xsi_type}" xmlns="{_SETTINGS_NS}">'
    )
    inner = "".join(f"\r\n        {element}" for element in elements)
    return (
        f"{opening}{inner}\r\n      </Extension>\r\n"
        f'      <Name xmlns="{_SETTINGS_NS}">{label}</Name>\r\n    </ExtensionData>'
    )


def _events(name: str, rng: random.Random) -> list[str]:
    """The processing log gpresult appends: escaped event XML, as long as real ones vary."""
    records = []
    for number in range(4 + rng.randrange(24)):
        event = (
            "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
            "<Provider Name='Microsoft-Windows-GroupPolicy'/>"
            f"<EventID>{rng.choice((4016, 5016, 5312, 5313, 5320, 5340))}</EventID>"
            f"<EventRecordID>{42000 + number}</EventRecordID>"
            f"<Computer>{name}.corp.example.test</Computer></System><EventData>"
            f"<Data Name='PrincipalSamName'>CORP\\{name}$</Data></EventData></Event>"
        )
        records.append(
            f"        <EventRecord>{_e('EventXml', event)}"
            f"{_e('EventDescription', f'Group Policy processing step {number} completed.')}"
            "</EventRecord>"
        )
    return [
        "    <EventsDetails>",
        "      <SinglePassEventsDetails>",
        *records,
        "      </SinglePassEventsDetails>",
        "    </EventsDetails>",
    ]


def encode(text: str) -> bytes:
    """As Windows writes gpresult /x: UTF-16LE with a byte order mark."""
    return codecs.BOM_UTF16_LE + text.encode("utf-16-le")


def file_name(index: int) -> str:
    return f"gpresult-{index:05d}.xml"


def write_fleet(
    folder: Path, devices: int, seed: int = 0, policy: Path = DEFAULT_POLICY
) -> list[Path]:
    """Write ``devices`` reports into ``folder`` (files already there are kept as they are,
    so a cached fleet grows instead of being rewritten); returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(devices):
        path = folder / file_name(index)
        if not path.exists():
            temp = path.with_suffix(".tmp")
            temp.write_bytes(encode(device_xml(index, seed, policy)))
            temp.replace(path)
        paths.append(path)
    return paths


CACHE = Path("/tmp/baseliner-fleets")
"""Where benchmarks keep generated fleets between runs (10,000 devices take about 3 GB)."""


def cached_fleet(devices: int, seed: int = 0, cache: Path = CACHE) -> Path:
    """A folder holding exactly the first ``devices`` devices of fleet ``seed``.

    Every device is written once, into ``cache/s<seed>-all``; a fleet folder holds hard
    links to them (plain files, so the input folder has no symbolic links), and fleets of
    several sizes share disk space and page cache.
    """
    store = write_fleet(cache / f"s{seed}-all", devices, seed)
    folder = cache / f"s{seed}-n{devices}"
    folder.mkdir(parents=True, exist_ok=True)
    for path in store:
        link = folder / path.name
        if not link.exists():
            os.link(path, link)
    return folder


CORPUS_RSOP = ROOT.parent / "shared" / "corpus" / "rsop" / "dc-computer-rsop.xml"
"""The corpus's real ``gpresult /x`` (a domain controller, UTF-16, CRLF)."""

_COMPUTER_NAME = re.compile(
    r"(<ComputerResults>\s*<Version>[^<]*</Version>\s*<Name>)[^<]*(</Name>)"
)


def cached_corpus_fleet(devices: int, cache: Path = CACHE, source: Path = CORPUS_RSOP) -> Path:
    """A fleet of copies of a real ``gpresult /x`` export (by default the corpus's), each
    with a computer name of its own (``CORP\\DC-00000$``...), written as the original is.

    The real report holds about 50 settings in 283 KB, most of it the processing-event log;
    a generated device (:func:`cached_fleet`) holds a whole baseline in the same size.  The
    two give a fleet's per-device cost at both ends.
    """
    raw = source.read_bytes()
    encoding, bom = detect_encoding(raw)
    text = raw[bom:].decode(encoding)
    if _COMPUTER_NAME.search(text) is None:
        raise ValueError(f"{source}: no ComputerResults/Name to vary")
    store = cache / "corpus-all"
    store.mkdir(parents=True, exist_ok=True)
    folder = cache / f"corpus-n{devices}"
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(devices):
        name = f"rsop-{index:05d}.xml"
        path = store / name
        if not path.exists():
            named = _COMPUTER_NAME.sub(rf"\g<1>CORP\\DC-{index:05d}$\g<2>", text, count=1)
            temp = path.with_suffix(".tmp")
            temp.write_bytes(raw[:bom] + named.encode(encoding))
            temp.replace(path)
        if not (folder / name).exists():
            os.link(path, folder / name)
    return folder


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--policy", type=Path, default=DEFAULT_POLICY)
    args = parser.parse_args(list(argv) if argv is not None else None)
    paths = write_fleet(args.folder, args.devices, args.seed, args.policy)
    size = sum(path.stat().st_size for path in paths)
    print(f"{len(paths)} gpresult files, {size / 1e6:.1f} MB, in {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
