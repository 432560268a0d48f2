"""Writes the project's own GPO backup fixtures from a benchmark, and the negative inputs.

    python -m tools.make_fixtures            # (re)write fixtures/gpo and fixtures/bad
    python -m tools.make_fixtures --check    # exit 1 if the committed fixtures differ

``fixtures/gpo/compliant`` satisfies every check of the benchmark (the shipped
``policies/msft-windows11-24h2.yaml``, or ``fixtures/policies/sample.yaml`` while that does not
exist, or ``--benchmark FILE``): for each check a value is derived from its ``expect`` and
verified with the project's own judge (checker.expect).  ``misconfigured`` is the same backup
with about ten deliberate wrong values, ``missing`` the same backup without about ten
settings; ``fixtures/gpo/README.md`` lists both sets.  ``fixtures/bad`` holds one broken backup
per kind of bad input the raw loaders must reject.

Backups are real-shaped: ``{GUID}/DomainSysvol/GPO/Machine/registry.pol`` (policy keys),
``User/registry.pol`` (HKCU), ``microsoft/windows nt/SecEdit/GptTmpl.inf`` (UTF-16LE with
BOM and CRLF: account policy, rights, services and the non-policy registry values that
Windows keeps as security options), ``microsoft/windows nt/Audit/audit.csv``, ``bkupInfo.xml``
and a minimal ``Backup.xml``.  Output is byte-identical on every run.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from checker.core.values import JSON
from checker.loaders import registry_pol
from checker.loaders.audit_csv import HEADER, SETTINGS
from checker.policy.expect import compile_expect

ROOT = Path(__file__).resolve().parents[1]

SHIPPED = ROOT / "policies" / "msft-windows11-24h2.yaml"
SAMPLE = ROOT / "fixtures" / "policies" / "sample.yaml"
GPO_DIR = ROOT / "fixtures" / "gpo"
COMANAGED_DIR = ROOT / "fixtures" / "comanaged"
BAD_DIR = ROOT / "fixtures" / "bad"
KINDS = ("registry", "security", "privilege", "audit", "service")
EVERYONE = "S-1-1-0"
NAMESPACE = uuid.UUID("6f1c0a52-56a3-4f59-9d51-6b0a3c8f2f10")
"""Seeds the fixtures' GUIDs (uuid5), so they are stable across runs."""

AUDIT_GUIDS = {
    "Security State Change": "{0cce9210-69ae-11d9-bed3-505054503030}",
    "Security System Extension": "{0cce9211-69ae-11d9-bed3-505054503030}",
    "System Integrity": "{0cce9212-69ae-11d9-bed3-505054503030}",
    "IPsec Driver": "{0cce9213-69ae-11d9-bed3-505054503030}",
    "Other System Events": "{0cce9214-69ae-11d9-bed3-505054503030}",
    "Logon": "{0cce9215-69ae-11d9-bed3-505054503030}",
    "Logoff": "{0cce9216-69ae-11d9-bed3-505054503030}",
    "Account Lockout": "{0cce9217-69ae-11d9-bed3-505054503030}",
    "IPsec Main Mode": "{0cce9218-69ae-11d9-bed3-505054503030}",
    "IPsec Quick Mode": "{0cce9219-69ae-11d9-bed3-505054503030}",
    "IPsec Extended Mode": "{0cce921a-69ae-11d9-bed3-505054503030}",
    "Special Logon": "{0cce921b-69ae-11d9-bed3-505054503030}",
    "Other Logon/Logoff Events": "{0cce921c-69ae-11d9-bed3-505054503030}",
    "File System": "{0cce921d-69ae-11d9-bed3-505054503030}",
    "Registry": "{0cce921e-69ae-11d9-bed3-505054503030}",
    "Kernel Object": "{0cce921f-69ae-11d9-bed3-505054503030}",
    "SAM": "{0cce9220-69ae-11d9-bed3-505054503030}",
    "Certification Services": "{0cce9221-69ae-11d9-bed3-505054503030}",
    "Application Generated": "{0cce9222-69ae-11d9-bed3-505054503030}",
    "Handle Manipulation": "{0cce9223-69ae-11d9-bed3-505054503030}",
    "File Share": "{0cce9224-69ae-11d9-bed3-505054503030}",
    "Filtering Platform Packet Drop": "{0cce9225-69ae-11d9-bed3-505054503030}",
    "Filtering Platform Connection": "{0cce9226-69ae-11d9-bed3-505054503030}",
    "Other Object Access Events": "{0cce9227-69ae-11d9-bed3-505054503030}",
    "Sensitive Privilege Use": "{0cce9228-69ae-11d9-bed3-505054503030}",
    "Non Sensitive Privilege Use": "{0cce9229-69ae-11d9-bed3-505054503030}",
    "Other Privilege Use Events": "{0cce922a-69ae-11d9-bed3-505054503030}",
    "Process Creation": "{0cce922b-69ae-11d9-bed3-505054503030}",
    "Process Termination": "{0cce922c-69ae-11d9-bed3-505054503030}",
    "DPAPI Activity": "{0cce922d-69ae-11d9-bed3-505054503030}",
    "RPC Events": "{0cce922e-69ae-11d9-bed3-505054503030}",
    "Audit Policy Change": "{0cce922f-69ae-11d9-bed3-505054503030}",
    "Authentication Policy Change": "{0cce9230-69ae-11d9-bed3-505054503030}",
    "Authorization Policy Change": "{0cce9231-69ae-11d9-bed3-505054503030}",
    "MPSSVC Rule-Level Policy Change": "{0cce9232-69ae-11d9-bed3-505054503030}",
    "Filtering Platform Policy Change": "{0cce9233-69ae-11d9-bed3-505054503030}",
    "Other Policy Change Events": "{0cce9234-69ae-11d9-bed3-505054503030}",
    "User Account Management": "{0cce9235-69ae-11d9-bed3-505054503030}",
    "Computer Account Management": "{0cce9236-69ae-11d9-bed3-505054503030}",
    "Security Group Management": "{0cce9237-69ae-11d9-bed3-505054503030}",
    "Distribution Group Management": "{0cce9238-69ae-11d9-bed3-505054503030}",
    "Application Group Management": "{0cce9239-69ae-11d9-bed3-505054503030}",
    "Other Account Management Events": "{0cce923a-69ae-11d9-bed3-505054503030}",
    "Directory Service Access": "{0cce923b-69ae-11d9-bed3-505054503030}",
    "Directory Service Changes": "{0cce923c-69ae-11d9-bed3-505054503030}",
    "Directory Service Replication": "{0cce923d-69ae-11d9-bed3-505054503030}",
    "Detailed Directory Service Replication": "{0cce923e-69ae-11d9-bed3-505054503030}",
    "Credential Validation": "{0cce923f-69ae-11d9-bed3-505054503030}",
    "Kerberos Service Ticket Operations": "{0cce9240-69ae-11d9-bed3-505054503030}",
    "Other Account Logon Events": "{0cce9241-69ae-11d9-bed3-505054503030}",
    "Kerberos Authentication Service": "{0cce9242-69ae-11d9-bed3-505054503030}",
    "Detailed File Share": "{0cce9244-69ae-11d9-bed3-505054503030}",
    "Removable Storage": "{0cce9245-69ae-11d9-bed3-505054503030}",
    "Central Policy Staging": "{0cce9246-69ae-11d9-bed3-505054503030}",
    "User / Device Claims": "{0cce9247-69ae-11d9-bed3-505054503030}",
    "PNP Activity": "{0cce9248-69ae-11d9-bed3-505054503030}",
    "Group Membership": "{0cce9249-69ae-11d9-bed3-505054503030}",
    "Token Right Adjusted Events": "{0cce924a-69ae-11d9-bed3-505054503030}",
}
"""Advanced audit subcategories by name (auditpol), for the audit.csv GUID column."""

FIXED_MISCONFIGURATIONS: tuple[tuple[str, str, JSON, str], ...] = (
    (
        "registry",
        r"HKLM\Software\Policies\Microsoft\Windows Defender\Real-Time Protection"
        "!DisableRealtimeMonitoring",
        1,
        "Defender real-time protection turned off",
    ),
    ("security", "System Access/MinimumPasswordLength", 7, "minimum password length 7"),
)
"""Named wrong values used when the benchmark checks the setting: (kind, ref, value, why)."""

MISCONFIGURED_COUNT = 10
MISSING_COUNT = 10


@dataclass(frozen=True, slots=True)
class Setting:
    """One benchmark check's setting and the value a fixture gives it."""

    check: str
    kind: str
    ref: str
    value: JSON


@dataclass(frozen=True, slots=True)
class Deviation:
    """A setting the misconfigured or missing fixture changes, for the README."""

    check: str
    ref: str
    compliant: JSON
    fixture: JSON
    why: str


@dataclass(frozen=True, slots=True)
class Check:
    """A check as far as deriving values goes.  ``judge`` (a compiled policy check's judge)
    lets tools/make_cases.py derive values for checks written with ``assert`` too; ``hints``
    are values to try first (the literals of such an assertion)."""

    id: str
    kind: str
    ref: str
    expect: Mapping[str, JSON]
    judge: Callable[[JSON], bool] | None = None
    hints: tuple[JSON, ...] = ()

    def passes(self, value: JSON) -> bool:
        judge = self.judge or compile_expect(self.expect)[0]
        return judge(value)

    @property
    def wants_absent(self) -> bool:
        return compile_expect(self.expect)[2]


def load_checks(path: Path) -> list[Check]:
    """The checks of a benchmark that read one setting of a kind a GPO backup holds."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    checks = []
    for raw in document["checks"]:
        kinds = [kind for kind in KINDS if kind in raw]
        if len(kinds) == 1 and "expect" in raw:
            checks.append(Check(raw["id"], kinds[0], str(raw[kinds[0]]), raw["expect"]))
    return checks


# -- deriving values -------------------------------------------------------------------------


def regex_sample(pattern: str) -> str | None:
    """A short string the regular expression matches, or None for constructs not handled."""
    try:
        parsed = re._parser.parse(pattern)  # type: ignore[attr-defined]
        return _emit(list(parsed))
    except (re.error, LookupError, TypeError):
        return None


def _emit(items: Sequence[tuple[Any, Any]]) -> str:
    out = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name in ("ANY", "NOT_LITERAL"):
            out.append("a" if arg != ord("a") else "b")
        elif name == "IN":
            out.append(_emit_class(arg))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _high, sub = arg
            out.append(_emit(list(sub)) * max(low, 0))
        elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
            out.append(_emit(list(arg[-1] if isinstance(arg, tuple) else arg)))
        elif name == "BRANCH":
            out.append(_emit(list(arg[1][0])))
        elif name != "AT":
            raise LookupError(name)
    return "".join(out)


def _emit_class(items: Sequence[tuple[Any, Any]]) -> str:
    op, arg = items[0]
    name = str(op)
    if name == "LITERAL":
        return chr(arg)
    if name == "RANGE":
        return chr(arg[0])
    if name == "CATEGORY":
        return {"CATEGORY_DIGIT": "0", "CATEGORY_SPACE": " "}.get(str(arg), "a")
    raise LookupError(name)


def _candidates(check: Check) -> Iterator[JSON]:
    """Values to try for ``check``, the ones its operands suggest first."""
    yield from check.hints
    expect = check.expect
    for name in ("equals", "set_equals", "superset_of", "subset_of"):
        if name in expect:
            yield _concrete(expect[name]) if name != "equals" else expect[name]
    yield from expect.get("in", [])
    for alternative in expect.get("any_of", []):
        yield from _candidates(Check(check.id, check.kind, check.ref, alternative))
    if isinstance(expect.get("text_equals"), str):
        yield expect["text_equals"]
    if isinstance(expect.get("flags"), dict):
        yield ", ".join(f"{name}={value}" for name, value in expect["flags"].items())
    if isinstance(expect.get("not_matches"), str):
        yield f"{regex_sample(expect['not_matches']) or 'value'}-renamed"
    if "contains" in expect:
        item = expect["contains"]
        yield item if check.kind == "audit" else [item]
        yield item
    low = expect["gte"] if "gte" in expect else expect["gt"] + 1 if "gt" in expect else None
    high = expect["lte"] if "lte" in expect else expect["lt"] - 1 if "lt" in expect else None
    yield from (bound for bound in (low, high) if bound is not None)
    if isinstance(expect.get("matches"), str):
        yield regex_sample(expect["matches"])
    if expect.get("empty") is False:
        yield ["Authorized use only."] if check.kind == "privilege" else "Authorized use only."
    if check.kind != "audit":  # an audit setting has four values only: the pool below
        for text in _forbidden(check):
            if isinstance(text, str):
                yield f"{text}-renamed" if text else "Authorized use only."
    yield from value_pool(check.kind)


def _forbidden(check: Check) -> list[JSON]:
    """The values ``not_equals`` / ``not_in`` / ``not_matches`` name: a string check's
    natural wrong values."""
    single = [check.expect["not_equals"]] if "not_equals" in check.expect else []
    if isinstance(check.expect.get("not_matches"), str):
        single.append(regex_sample(check.expect["not_matches"]))
    return [*single, *check.expect.get("not_in", [])]


_DOMAIN = "1111111111-2222222222-3333333333"


def _concrete(items: JSON) -> JSON:
    """Set operands as a value could hold them: a choice's first item, a SID pattern's
    ``*`` as a domain."""
    if not isinstance(items, list):
        return items
    found = [item["any_of"][0] if isinstance(item, dict) and item.get("any_of") else item
             for item in items]  # fmt: skip
    return [item.replace("*", _DOMAIN) if isinstance(item, str) else item for item in found]


def value_pool(kind: str) -> list[JSON]:
    if kind == "audit":
        return list(reversed(SETTINGS))
    if kind == "privilege":
        return [[], ["S-1-5-32-544"]]
    if kind == "service":
        return [4, 3, 2]
    return [1, 0, 2, "", [], "1"]


def first_passing(check: Check) -> JSON | None:
    """A value that passes ``check`` (verified with the project's judge), or None."""
    return next((v for v in _candidates(check) if v is not None and check.passes(v)), None)


def satisfying(check: Check) -> JSON:
    """A value that passes ``check``; a check no value is found for stops the script."""
    value = first_passing(check)
    if value is None:
        raise SystemExit(f"cannot derive a passing value for check {check.id} ({check.expect})")
    return value


def violating(check: Check, good: JSON) -> JSON | None:
    """A value of the same type as ``good`` that fails ``check``, or None if none is found."""
    tries: list[JSON]
    if isinstance(good, list):
        tries = [sorted([*good, EVERYONE]), [], [EVERYONE]]
    elif isinstance(good, int) and not isinstance(good, bool):
        tries = [good + 1, good - 1, 0, 1, 2, 3, 4, 999999]
    elif check.kind == "audit":
        tries = list(SETTINGS)
    else:
        tries = [good + "-changed", "", "0", "1"]
    tries += _forbidden(check)
    return next((value for value in tries if not check.passes(value)), None)


# -- the three backups ----------------------------------------------------------------------


def compliant_settings(checks: list[Check]) -> list[Setting]:
    return [
        Setting(check.id, check.kind, check.ref, satisfying(check))
        for check in checks
        if not check.wants_absent
    ]


def misconfigure(checks: list[Check], good: list[Setting]) -> tuple[list[Setting], list[Deviation]]:
    """The compliant settings with about ten wrong values, and what was changed."""
    by_check = {check.id: check for check in checks}
    changes: dict[str, tuple[JSON, str]] = {}
    for kind, ref, value, why in FIXED_MISCONFIGURATIONS:
        for setting in good:
            same = setting.kind == kind and setting.ref.casefold() == ref.casefold()
            if same and not by_check[setting.check].passes(value):
                changes[setting.check] = (value, why)
    _first(good, changes, by_check, "audit", lambda s: "No Auditing", "audit set to No Auditing")
    _first(
        good,
        changes,
        by_check,
        "privilege",
        lambda s: sorted([*s.value, EVERYONE]),
        "user right widened to Everyone",
    )
    for setting in _spread(good, MISCONFIGURED_COUNT * 2, offset=1):
        if len(changes) >= MISCONFIGURED_COUNT:
            break
        if setting.check not in changes:
            wrong = violating(by_check[setting.check], setting.value)
            if wrong is not None:
                changes[setting.check] = (wrong, "wrong value")
    settings = [
        Setting(s.check, s.kind, s.ref, changes[s.check][0]) if s.check in changes else s
        for s in good
    ]
    deviations = [
        Deviation(s.check, s.ref, s.value, changes[s.check][0], changes[s.check][1])
        for s in good
        if s.check in changes
    ]
    return settings, deviations


def _first(
    good: list[Setting],
    changes: dict[str, tuple[JSON, str]],
    by_check: Mapping[str, Check],
    kind: str,
    make: Any,
    why: str,
) -> None:
    for setting in good:
        if setting.kind == kind and setting.check not in changes:
            wrong = make(setting)
            if not by_check[setting.check].passes(wrong):
                changes[setting.check] = (wrong, why)
                return


def _spread(settings: list[Setting], count: int, offset: int) -> list[Setting]:
    """About ``count`` settings spread evenly over the list, starting at ``offset``."""
    step = max(len(settings) // count, 1)
    return settings[offset::step]


def remove_some(good: list[Setting], skip: set[str]) -> tuple[list[Setting], list[Deviation]]:
    """The compliant settings without about ten of them (none of the misconfigured ones)."""
    dropped = [s for s in _spread(good, MISSING_COUNT, offset=0) if s.check not in skip]
    dropped = dropped[:MISSING_COUNT]
    names = {s.check for s in dropped}
    kept = [s for s in good if s.check not in names]
    return kept, [Deviation(s.check, s.ref, s.value, None, "not configured") for s in dropped]


# -- rendering a backup ----------------------------------------------------------------------

Files = dict[str, bytes]
"""Relative POSIX path -> bytes of every file a fixture consists of."""

_POLICY_PREFIX = "software\\policies\\"


def _guid(*names: str) -> str:
    return "{" + str(uuid.uuid5(NAMESPACE, "/".join(names))).upper() + "}"


def _split_registry(ref: str) -> tuple[str, str, str]:
    """(hive, key, value name) of ``HKLM\\Key\\Path!Name``."""
    path, _bang, name = ref.rpartition("!")
    hive, _slash, key = path.partition("\\")
    return hive.upper(), key, name


def render_backup(name: str, settings: list[Setting]) -> Files:
    """The files of a GPO backup named ``name`` holding ``settings``."""
    backup_id = _guid("backup", name)
    gpo = f"{backup_id}/DomainSysvol/GPO"
    files: Files = {
        f"{backup_id}/bkupInfo.xml": _bkup_info(name, backup_id),
        f"{backup_id}/Backup.xml": _backup_xml(name),
    }
    machine, user, values = _registry_parts(settings)
    if machine:
        files[f"{gpo}/Machine/registry.pol"] = registry_pol.write(machine)
    if user:
        files[f"{gpo}/User/registry.pol"] = registry_pol.write(user)
    files[f"{gpo}/Machine/microsoft/windows nt/SecEdit/GptTmpl.inf"] = utf16_crlf(
        gpttmpl_text(settings, values)
    )
    audit = [s for s in settings if s.kind == "audit"]
    if audit:
        files[f"{gpo}/Machine/microsoft/windows nt/Audit/audit.csv"] = audit_text(audit).encode()
    return files


def _registry_parts(
    settings: list[Setting],
) -> tuple[list[registry_pol.PolEntry], list[registry_pol.PolEntry], list[Setting]]:
    """Policy keys go to registry.pol (Machine or User); other HKLM values to GptTmpl."""
    machine, user, values = [], [], []
    for setting in settings:
        if setting.kind != "registry":
            continue
        hive, key, value_name = _split_registry(setting.ref)
        entry = registry_pol.make_entry(key, value_name, setting.value)
        if hive in ("HKCU", "HKEY_CURRENT_USER"):
            user.append(entry)
        elif key.casefold().startswith(_POLICY_PREFIX):
            machine.append(entry)
        else:
            values.append(setting)
    return machine, user, values


def _bkup_info(name: str, backup_id: str) -> bytes:
    ns = "http://www.microsoft.com/GroupPolicy/GPOOperations/Manifest"
    fields = (
        ("GPOGuid", _guid("gpo", name)),
        ("GPODomain", "corp.example"),
        ("GPODomainController", "dc01.corp.example"),
        ("BackupTime", "2025-01-01T00:00:00"),
        ("ID", backup_id),
        ("Comment", ""),
        ("GPODisplayName", name),
    )
    body = "".join(f"<{tag}><![CDATA[{text}]]></{tag}>" for tag, text in fields)
    return f'<BackupInst xmlns="{ns}">{body}</BackupInst>'.encode()


def _backup_xml(name: str) -> bytes:
    ns = "http://www.microsoft.com/GroupPolicy/GPOOperations"
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<GroupPolicyBackupScheme bkp:version="2.0" bkp:type="GroupPolicyBackupTemplate" '
        f'xmlns:bkp="{ns}" xmlns="{ns}"><GroupPolicyObject><GroupPolicyCoreSettings>'
        f"<ID><![CDATA[{_guid('gpo', name)}]]></ID><Domain><![CDATA[corp.example]]></Domain>"
        f"<DisplayName><![CDATA[{name}]]></DisplayName>"
        "</GroupPolicyCoreSettings></GroupPolicyObject></GroupPolicyBackupScheme>\r\n"
    ).encode()


def utf16_crlf(lines: list[str]) -> bytes:
    """Text as secedit writes it: UTF-16LE with BOM, CRLF line ends."""
    return b"\xff\xfe" + "".join(line + "\r\n" for line in lines).encode("utf-16-le")


def _gpt_value(value: JSON) -> str:
    return str(value) if isinstance(value, int) else f'"{value}"'


def _principal(item: str) -> str:
    return f"*{item}" if item.upper().startswith("S-1-") else item


def _registry_value_line(setting: Setting) -> str:
    _hive, key, name = _split_registry(setting.ref)
    value = setting.value
    if isinstance(value, list):
        data = "7," + ",".join(value)
    elif isinstance(value, int):
        data = f"4,{value}"
    else:
        data = f'1,"{value}"'
    return f"MACHINE\\{key}\\{name}={data}"


def gpttmpl_text(settings: list[Setting], values: list[Setting]) -> list[str]:
    """The lines of GptTmpl.inf in secedit's section order."""
    sections: dict[str, list[str]] = {}
    for setting in settings:
        if setting.kind == "security":
            section, _slash, name = setting.ref.partition("/")
            sections.setdefault(section, []).append(f"{name} = {_gpt_value(setting.value)}")
    lines = ["[Unicode]", "Unicode=yes"]
    for section, body in sections.items():
        lines += [f"[{section}]", *body]
    lines += ["[Version]", 'signature="$CHICAGO$"', "Revision=1"]
    rights = [
        f"{s.ref} = " + ",".join(_principal(p) for p in s.value)
        for s in settings
        if s.kind == "privilege"
    ]
    services = [f'"{s.ref}",{s.value},""' for s in settings if s.kind == "service"]
    for title, body in (
        ("Privilege Rights", [line.rstrip() for line in rights]),
        ("Service General Setting", services),
        ("Registry Values", [_registry_value_line(s) for s in values]),
    ):
        if body:
            lines += [f"[{title}]", *body]
    return lines


def audit_text(settings: list[Setting]) -> str:
    rows = [",".join(HEADER)]
    for setting in settings:
        guid = AUDIT_GUIDS.get(setting.ref)
        if guid is None:
            raise SystemExit(f"check {setting.check}: unknown audit subcategory {setting.ref!r}")
        code = SETTINGS.index(str(setting.value))
        rows.append(f",System,Audit {setting.ref},{guid},{setting.value},,{code}")
    return "".join(row + "\r\n" for row in rows)


def readme(benchmark: Path, misconfigured: list[Deviation], missing: list[Deviation]) -> bytes:
    lines = [
        "# GPO backup fixtures",
        "",
        "Generated by `tools/make_fixtures.py` from "
        f"`{benchmark.relative_to(ROOT).as_posix()}`; do not edit by hand.",
        "",
        "- `compliant/`: every check of the benchmark passes.",
        "- `misconfigured/`: the compliant backup with these wrong values:",
        "",
        "| check | setting | compliant | fixture | why |",
        "|---|---|---|---|---|",
        *(_row(d) for d in misconfigured),
        "",
        "- `missing/`: the compliant backup without these settings (not configured):",
        "",
        "| check | setting | compliant | fixture | why |",
        "|---|---|---|---|---|",
        *(_row(d) for d in missing),
        "",
    ]
    return "\n".join(lines).encode()


def _row(d: Deviation) -> str:
    shown = "(absent)" if d.fixture is None else f"`{d.fixture}`"
    return f"| {d.check} | `{d.ref}` | `{d.compliant}` | {shown} | {d.why} |"


def gpo_fixtures(benchmark: Path) -> Files:
    """Every file under fixtures/gpo."""
    checks = load_checks(benchmark)
    good = compliant_settings(checks)
    wrong, misconfigured = misconfigure(checks, good)
    fewer, missing = remove_some(good, {d.check for d in misconfigured})
    files: Files = {"README.md": readme(benchmark, misconfigured, missing)}
    for folder, title, settings in (
        ("compliant", "Baseliner Fixture - Compliant", good),
        ("misconfigured", "Baseliner Fixture - Misconfigured", wrong),
        ("missing", "Baseliner Fixture - Missing", fewer),
    ):
        for path, data in render_backup(title, settings).items():
            files[f"{folder}/{path}"] = data
    return files


# -- negative inputs -------------------------------------------------------------------------

_VALID_ENTRY = registry_pol.write(
    [registry_pol.make_entry(r"Software\Policies\Microsoft\Windows\WinRM\Client", "AllowBasic", 0)]
)


def _pol_entry_raw(key: bytes, name: bytes, reg_type: int, size: int, data: bytes) -> bytes:
    """One PReg entry from raw parts, so broken ones can be written."""
    sep = ";".encode("utf-16-le")
    return b"".join(
        (
            "[".encode("utf-16-le"),
            key,
            sep,
            name,
            sep,
            reg_type.to_bytes(4, "little"),
            sep,
            size.to_bytes(4, "little"),
            sep,
            data,
            "]".encode("utf-16-le"),
        )
    )


def _utf16z(text: str) -> bytes:
    return (text + "\x00").encode("utf-16-le")


BAD_CASES: dict[str, tuple[str, bytes]] = {
    "pol-truncated": ("Machine/registry.pol", _VALID_ENTRY[:-7]),
    "pol-wrong-signature": ("Machine/registry.pol", b"REGF" + _VALID_ENTRY[4:]),
    "pol-wrong-version": ("Machine/registry.pol", b"PReg\x02\x00\x00\x00" + _VALID_ENTRY[8:]),
    "pol-odd-string": (
        "Machine/registry.pol",
        registry_pol.SIGNATURE
        + _pol_entry_raw(b"Sof" + b"\x00\x00", _utf16z("AllowBasic"), 4, 4, b"\x00" * 4),
    ),
    "pol-size-past-end": (
        "Machine/registry.pol",
        registry_pol.SIGNATURE
        + _pol_entry_raw(_utf16z("Software"), _utf16z("AllowBasic"), 4, 4000, b"\x00" * 4),
    ),
    "pol-dword-size": (
        "Machine/registry.pol",
        _VALID_ENTRY
        + _pol_entry_raw(_utf16z("Software\\Policies"), _utf16z("Short"), 4, 2, b"\x01\x00"),
    ),
    "pol-empty": ("Machine/registry.pol", b""),
    "inf-bad-utf16": (
        "Machine/microsoft/windows nt/SecEdit/GptTmpl.inf",
        utf16_crlf(["[Unicode]", "Unicode=yes", "[System Access]"]) + b"\x00\xd8A\x00\r\x00\n\x00",
    ),
    "inf-empty": ("Machine/microsoft/windows nt/SecEdit/GptTmpl.inf", b""),
    "inf-malformed-line": (
        "Machine/microsoft/windows nt/SecEdit/GptTmpl.inf",
        utf16_crlf(["[Unicode]", "Unicode=yes", "[System Access]", "MinimumPasswordLength 14"]),
    ),
    "csv-empty": ("Machine/microsoft/windows nt/Audit/audit.csv", b""),
    "csv-malformed": (
        "Machine/microsoft/windows nt/Audit/audit.csv",
        (
            ",".join(HEADER)
            + "\r\n,System,Audit Logon,{0cce9215-69ae-11d9-bed3-505054503030},Success,,1"
            + "\r\n,System,Audit Logoff,{0cce9216-69ae-11d9-bed3-505054503030},Success\r\n"
        ).encode(),
    ),
    "csv-disagreeing-value": (
        "Machine/microsoft/windows nt/Audit/audit.csv",
        (
            ",".join(HEADER)
            + "\r\n,System,Audit Logon,{0cce9215-69ae-11d9-bed3-505054503030},Success,,3\r\n"
        ).encode(),
    ),
}
"""Case folder -> (file below DomainSysvol/GPO, its bytes)."""


def bad_fixtures() -> Files:
    """Every file under fixtures/bad: one broken backup per case."""
    files: Files = {}
    for case, (relative, data) in BAD_CASES.items():
        backup_id = _guid("bad", case)
        files[f"{case}/{backup_id}/bkupInfo.xml"] = _bkup_info(f"Bad - {case}", backup_id)
        files[f"{case}/{backup_id}/DomainSysvol/GPO/{relative}"] = data
    return files


# -- co-managed targets: a GPO and an Intune policy on one device ----------------------------

DEFENDER_RTP = "HKLM\\Software\\Policies\\Microsoft\\Windows Defender\\Real-Time Protection"
INTUNE_DEFENDER = "device_vendor_msft_policy_config_defender_"
MDM_WINS = "device_vendor_msft_policy_config_controlpolicyconflict_mdmwinsovergp"


def _intune_choice(ident: str, option: str) -> dict[str, JSON]:
    return {
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
        "settingDefinitionId": ident,
        "choiceSettingValue": {"value": f"{ident}_{option}", "children": []},
    }


def _intune_policy(name: str, instances: list[dict[str, JSON]]) -> bytes:
    policy = {
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy",
        "id": _guid("intune", name).strip("{}").lower(),
        "name": name,
        "platforms": "windows10",
        "technologies": "mdm",
        "settings": [
            {"id": str(index), "settingInstance": instance}
            for index, instance in enumerate(instances)
        ],
    }
    return (json.dumps(policy, indent=2) + "\n").encode("utf-8")


def comanaged_fixtures() -> Files:
    """Two co-managed devices: a GPO and an Intune policy that disagree on exactly one
    setting (real-time monitoring) and agree on another (behavior monitoring).  In
    ``gp-wins`` Group Policy wins; ``mdm-wins`` also sets MDMWinsOverGP."""
    gpo = [
        Setting("rtp", "registry", f"{DEFENDER_RTP}!DisableRealtimeMonitoring", 0),
        Setting("bm", "registry", f"{DEFENDER_RTP}!DisableBehaviorMonitoring", 0),
    ]
    intune = [
        _intune_choice(f"{INTUNE_DEFENDER}allowrealtimemonitoring", "0"),
        _intune_choice(f"{INTUNE_DEFENDER}allowbehaviormonitoring", "1"),
    ]
    files: Files = {}
    for folder, extra in (("gp-wins", []), ("mdm-wins", [_intune_choice(MDM_WINS, "1")])):
        for path, data in render_backup("Contoso Defender", gpo).items():
            files[f"{folder}/gpo/{path}"] = data
        files[f"{folder}/intune/defender.json"] = _intune_policy("Contoso Defender", intune + extra)
    return files


# -- writing and checking --------------------------------------------------------------------


def on_disk(folder: Path) -> Files:
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def differences(folder: Path, wanted: Files) -> list[str]:
    """Relative paths that are missing, extra or different on disk."""
    have = on_disk(folder)
    return sorted(p for p in have.keys() | wanted.keys() if have.get(p) != wanted.get(p))


def write_tree(folder: Path, files: Files) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    for relative, data in sorted(files.items()):
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--benchmark", type=Path, help="benchmark YAML (default: shipped, else sample)"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if fixtures are out of date")
    args = parser.parse_args(argv)
    benchmark = (args.benchmark or (SHIPPED if SHIPPED.is_file() else SAMPLE)).resolve()
    trees = (
        (GPO_DIR, gpo_fixtures(benchmark)),
        (BAD_DIR, bad_fixtures()),
        (COMANAGED_DIR, comanaged_fixtures()),
    )
    if args.check:
        stale = [
            f"{folder.name}/{p}" for folder, files in trees for p in differences(folder, files)
        ]
        for path in stale:
            print(f"out of date: fixtures/{path}", file=sys.stderr)
        if stale:
            print("run: python -m tools.make_fixtures", file=sys.stderr)
        return 1 if stale else 0
    for folder, files in trees:
        write_tree(folder, files)
    source = benchmark.relative_to(ROOT).as_posix()
    print(f"wrote fixtures/gpo, fixtures/bad and fixtures/comanaged from {source}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
