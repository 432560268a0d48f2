"""HardeningKitty finding lists: read them, and say which Group Policy fact each row checks.

HardeningKitty (scipag) audits a running Windows system against a *finding list*: a CSV with
one row per setting, read by a *method* (``Registry``, ``secedit``, ``auditpol``,
``accesschk``, ``accountpolicy``, ``localaccount``, ``service``, ...) and judged by an
*operator* (``=``, ``>=``, ``<=``, ``!=``, ``contains``, ``<=!0``, ``=|0``).  Its lists are
transcriptions of the Microsoft baselines and DISA STIGs made independently of ours, so they
serve twice: as the source of the STIG benchmarks, and as a cross-check of the Microsoft ones.

:func:`translate` turns a row into a :class:`Rule` -- the fact key in the project's
conventions (:mod:`checker.kinds`) and an ``expect`` mapping -- or an :class:`Unsupported` with
the reason when the method reads live system state that no Group Policy export carries
(per-process exploit protection, WMI, a value somewhere in a list).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from checker.core.errors import input_error
from checker.core.files import decode, read_bytes
from checker.core.values import JSON
from checker.kinds import Kind, canonical_key, registry_path
from tools.benchgen import vocabulary

COLUMNS: tuple[str, ...] = (
    "ID", "Category", "Name", "Method", "MethodArgument", "RegistryPath", "RegistryItem",
    "ClassName", "Namespace", "Property", "DefaultValue", "RecommendedValue", "Operator",
    "Severity",
)  # fmt: skip
"""The header every finding list starts with (the columns this module reads)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One row of a finding list, as written (``line`` is its 1-based line in the file)."""

    id: str
    category: str
    name: str
    method: str
    argument: str
    registry_path: str
    registry_item: str
    default: str
    recommended: str
    operator: str
    severity: str
    line: int


@dataclass(frozen=True, slots=True)
class Rule:
    """A finding as a setting reference (``kind`` and display ``key``) and an assertion."""

    finding: Finding
    kind: Kind
    key: str
    expect: Mapping[str, JSON]

    @property
    def canonical(self) -> str:
        return canonical_key(self.kind, self.key)


@dataclass(frozen=True, slots=True)
class Unsupported:
    """A finding no Group Policy fact can express, and why."""

    finding: Finding
    reason: str


def read_findings(path: Path) -> tuple[Finding, ...]:
    """The rows of a finding list file (any encoding :func:`checker.core.files.decode` reads)."""
    return parse_findings(read_bytes(path), str(path))


def parse_findings(data: bytes, path: str) -> tuple[Finding, ...]:
    """Rows of a finding list; a missing column or a malformed row is an InputFormatError."""
    text = decode(data, path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise input_error(path, f"malformed CSV: {exc}", line=reader.line_num) from exc
    if not rows:
        raise input_error(path, "empty finding list: no header row", line=1)
    header = [name.strip() for name in rows[0]]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise input_error(path, f"not a finding list: no column {', '.join(missing)}", line=1)
    index = {name: header.index(name) for name in COLUMNS}
    return tuple(_finding(row, index, path, number) for number, row in _numbered(rows))


def _numbered(rows: list[list[str]]) -> list[tuple[int, list[str]]]:
    """Data rows with their line numbers (no field of a finding list spans lines)."""
    return [(number, row) for number, row in enumerate(rows[1:], start=2) if any(row)]


def _finding(row: list[str], index: Mapping[str, int], path: str, line: int) -> Finding:
    if len(row) < len(index):
        raise input_error(path, f"row has {len(row)} fields, the header {len(index)}", line=line)

    def cell(name: str) -> str:
        return row[index[name]].strip()

    return Finding(
        cell("ID"), cell("Category"), cell("Name"), cell("Method"), cell("MethodArgument"),
        cell("RegistryPath"), cell("RegistryItem"), cell("DefaultValue"),
        cell("RecommendedValue"), cell("Operator"), cell("Severity"), line,
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# Vocabularies: audit subcategory GUIDs, account policy names, principals, service modes
# --------------------------------------------------------------------------------------------

AUDIT_SUBCATEGORIES: dict[str, str] = {
    # auditpol subcategory GUID {0cce92xx-69ae-11d9-bed3-505054503030} (xx) -> subcategory name
    "10": "Security State Change", "11": "Security System Extension", "12": "System Integrity",
    "13": "IPsec Driver", "14": "Other System Events", "15": "Logon", "16": "Logoff",
    "17": "Account Lockout", "18": "IPsec Main Mode", "19": "IPsec Quick Mode",
    "1a": "IPsec Extended Mode", "1b": "Special Logon", "1c": "Other Logon/Logoff Events",
    "1d": "File System", "1e": "Registry", "1f": "Kernel Object", "20": "SAM",
    "21": "Certification Services", "22": "Application Generated", "23": "Handle Manipulation",
    "24": "File Share", "25": "Filtering Platform Packet Drop",
    "26": "Filtering Platform Connection", "27": "Other Object Access Events",
    "28": "Sensitive Privilege Use", "29": "Non Sensitive Privilege Use",
    "2a": "Other Privilege Use Events", "2b": "Process Creation", "2c": "Process Termination",
    "2d": "DPAPI Activity", "2e": "RPC Events", "2f": "Audit Policy Change",
    "30": "Authentication Policy Change", "31": "Authorization Policy Change",
    "32": "MPSSVC Rule-Level Policy Change", "33": "Filtering Platform Policy Change",
    "34": "Other Policy Change Events", "35": "User Account Management",
    "36": "Computer Account Management", "37": "Security Group Management",
    "38": "Distribution Group Management", "39": "Application Group Management",
    "3a": "Other Account Management Events", "3b": "Directory Service Access",
    "3c": "Directory Service Changes", "3d": "Directory Service Replication",
    "3e": "Detailed Directory Service Replication", "3f": "Credential Validation",
    "40": "Kerberos Service Ticket Operations", "41": "Other Account Logon Events",
    "42": "Kerberos Authentication Service", "43": "Network Policy Server",
    "44": "Detailed File Share", "45": "Removable Storage", "46": "Central Policy Staging",
    "47": "User / Device Claims", "48": "PNP Activity", "49": "Group Membership",
    "4a": "Token Right Adjusted Events",
}  # fmt: skip
_AUDIT_GUID = re.compile(r"\{?0cce92([0-9a-f]{2})-69ae-11d9-bed3-505054503030\}?", re.IGNORECASE)

ACCOUNT_POLICIES: dict[str, str] = {
    # HardeningKitty accountpolicy row name -> secedit key (net accounts reads the same values)
    "length of password history maintained": "System Access/PasswordHistorySize",
    "enforce password history": "System Access/PasswordHistorySize",
    "maximum password age": "System Access/MaximumPasswordAge",
    "minimum password age": "System Access/MinimumPasswordAge",
    "minimum password length": "System Access/MinimumPasswordLength",
    "account lockout duration": "System Access/LockoutDuration",
    "account lockout threshold": "System Access/LockoutBadCount",
    "reset account lockout counter": "System Access/ResetLockoutCount",
    "reset account lockout counter after": "System Access/ResetLockoutCount",
}

LOCAL_ACCOUNTS: dict[tuple[str, str], str] = {
    # (well-known RID, what the row checks) -> secedit key
    ("500", "status"): "System Access/EnableAdminAccount",
    ("501", "status"): "System Access/EnableGuestAccount",
    ("500", "rename"): "System Access/NewAdministratorName",
    ("501", "rename"): "System Access/NewGuestName",
}

WELL_KNOWN_SIDS: dict[str, str] = {
    # principal names as accesschk prints them (case-insensitive) -> SID as GptTmpl writes it
    "everyone": "S-1-1-0",
    "nt authority\\network": "S-1-5-2",
    "nt authority\\interactive": "S-1-5-4",
    "nt authority\\service": "S-1-5-6",
    "nt authority\\enterprise domain controllers": "S-1-5-9",
    "nt authority\\authenticated users": "S-1-5-11",
    "nt authority\\local service": "S-1-5-19",
    "nt authority\\network service": "S-1-5-20",
    "nt authority\\local account": "S-1-5-113",
    "nt authority\\local account and member of administrators group": "S-1-5-114",
    "builtin\\administrators": "S-1-5-32-544",
    "builtin\\users": "S-1-5-32-545",
    "builtin\\guests": "S-1-5-32-546",
    "builtin\\power users": "S-1-5-32-547",
    "builtin\\account operators": "S-1-5-32-548",
    "builtin\\server operators": "S-1-5-32-549",
    "builtin\\print operators": "S-1-5-32-550",
    "builtin\\backup operators": "S-1-5-32-551",
    "builtin\\remote desktop users": "S-1-5-32-555",
    "nt virtual machine\\virtual machines": "S-1-5-83-0",
    "window manager\\window manager group": "S-1-5-90-0",
    "nt service\\wdiservicehost": "S-1-5-80-3139157870-2983391045-3678747466-658725712-1809340420",
}
"""Domain-relative principals (Domain Admins, Guest) have no fixed SID and keep their name."""

SERVICE_MODES: dict[str, int] = {
    name.casefold(): mode for mode, name in vocabulary.SERVICE_MODES.items()
}
"""A service start mode as finding lists write it (any case) -> as GptTmpl writes it."""

ASR_RULES_KEY = (
    "HKLM\\Software\\Policies\\Microsoft\\Windows Defender\\Windows Defender Exploit Guard"
    "\\ASR\\Rules"
)
"""Where the "Configure Attack Surface Reduction rules" policy writes each rule (REG_SZ)."""

UNSUPPORTED_METHODS: dict[str, str] = {
    "ProcessmitigationApplication": "per-application exploit protection comes from an XML "
    "file (Exploit Protection: Use a common set of exploit protection settings), not one "
    "Group Policy value per mitigation",
    "ProcessmitigationSystem": "system-wide exploit protection is read from the running system",
    "RegistryList": "looks for a value anywhere in a list under a key, not one named value",
    "ScheduledTask": "reads the state of a scheduled task",
    "WindowsOptionalFeature": "reads installed Windows features",
    "CimInstance": "reads live system state through WMI",
    "BitLockerVolume": "reads the live BitLocker status of a volume",
    "LocalGroupMember": "reads local group membership",
    "Bcdedit": "reads the boot configuration store",
    "FirewallRule": "reads individual firewall rules",
    "MpComputerStatus": "reads the live Defender status",
    "MpPreference": "reads live Defender preferences, not policy",
    "LanguageMode": "reads the PowerShell language mode of the session",
}


# --------------------------------------------------------------------------------------------
# Translation
# --------------------------------------------------------------------------------------------


def translate(
    finding: Finding, registry_types: Mapping[str, str] | None = None
) -> Rule | Unsupported:
    """The Group Policy fact a finding reads and what it expects of it.

    ``registry_types`` maps canonical registry keys to their REG_* type: HardeningKitty does
    not record types, and a REG_SZ ``"1"`` is not a REG_DWORD ``1``.  Without an entry a
    value that is all digits is taken as a DWORD.
    """
    method = finding.method
    if method == "Registry" and finding.registry_path:
        return _registry(finding, registry_types or {})
    if method == "MpPreferenceAsr":
        key = f"{ASR_RULES_KEY}!{finding.argument}"
        return _judged(finding, Kind.REGISTRY, key, finding.recommended)
    if method == "secedit" and "\\" in finding.argument:
        key = finding.argument.replace("\\", "/")
        return _judged(finding, Kind.SECURITY, key, _number_or_text(finding.recommended))
    if method == "accountpolicy":
        return _account_policy(finding)
    if method == "localaccount":
        return _local_account(finding)
    if method == "accesschk" and finding.argument:
        return Rule(finding, Kind.PRIVILEGE, finding.argument, _principals_expect(finding))
    if method == "auditpol":
        return _audit(finding)
    if method == "service" and finding.argument:
        return _service(finding)
    reason = UNSUPPORTED_METHODS.get(method, f"method {method!r} reads live system state")
    return Unsupported(finding, reason)


def _number_or_text(text: str) -> JSON:
    return int(text) if re.fullmatch(r"-?\d+", text) else text


def _typed(text: str, reg_type: str | None) -> JSON:
    """A recommended registry value as the loader would read it, given the value's type."""
    if reg_type == "REG_MULTI_SZ":
        return [item.strip() for item in text.split(";") if item.strip()]
    if reg_type in ("REG_SZ", "REG_EXPAND_SZ"):
        return text
    return _number_or_text(text)


def _registry(finding: Finding, types: Mapping[str, str]) -> Rule | Unsupported:
    hive_key = finding.registry_path.replace(":", "", 1)
    key = registry_path(hive_key, finding.registry_item)
    if finding.recommended == "" and finding.operator == "=":
        return Rule(finding, Kind.REGISTRY, key, {"absent": True})
    value = _typed(finding.recommended, types.get(canonical_key(Kind.REGISTRY, key)))
    return _judged(finding, Kind.REGISTRY, key, value)


def _judged(finding: Finding, kind: Kind, key: str, value: JSON) -> Rule | Unsupported:
    expect = _operator(finding.operator, value)
    if expect is None:
        return Unsupported(finding, f"operator {finding.operator!r} has no expect equivalent")
    return Rule(finding, kind, key, expect)


def _operator(operator: str, value: JSON) -> dict[str, JSON] | None:
    """The ``expect`` mapping of a HardeningKitty operator applied to ``value``."""
    numeric = isinstance(value, int)
    if operator == "=":
        return {"equals": value}
    if operator == "!=":
        return {"not_equals": value}
    if operator == "contains":
        return {"contains": value}
    if operator == "=|0" and numeric:
        return {"in": [value, 0]}
    if operator == "<=!0" and numeric:
        # at most the value, and 0 (which turns the setting off) is not allowed
        return {"gte": 1, "lte": value}
    bounds = {">=": "gte", "<=": "lte", ">": "gt", "<": "lt"}
    if operator in bounds and numeric:
        return {bounds[operator]: value}
    return None


def _account_policy(finding: Finding) -> Rule | Unsupported:
    key = ACCOUNT_POLICIES.get(finding.name.casefold())
    if key is None:
        return Unsupported(finding, f"account policy {finding.name!r} has no secedit name")
    return _judged(finding, Kind.SECURITY, key, _number_or_text(finding.recommended))


def _local_account(finding: Finding) -> Rule | Unsupported:
    aspect = "rename" if "rename" in finding.name.casefold() else "status"
    key = LOCAL_ACCOUNTS.get((finding.argument, aspect))
    if key is None:
        return Unsupported(finding, f"local account check {finding.name!r} is not a policy")
    if aspect == "rename":
        # The list's value is an example name; what is required is any name but the default.
        return Rule(finding, Kind.SECURITY, key, {"not_equals": finding.default})
    enabled = finding.recommended.casefold() == "true"
    return Rule(finding, Kind.SECURITY, key, {"equals": int(enabled)})


def principals(text: str) -> list[str]:
    """An accesschk principal list (``;``-separated) as GptTmpl facts hold it: SIDs where the
    principal is well known, else the name as written."""
    names = [name.strip() for name in text.split(";") if name.strip()]
    return [WELL_KNOWN_SIDS.get(name.casefold(), name) for name in names]


def _principals_expect(finding: Finding) -> dict[str, JSON]:
    """No one: empty.  A deny right denies at least these; any other right grants at most
    these (the baseline's "only these accounts")."""
    wanted: list[JSON] = list(principals(finding.recommended))
    if not wanted:
        return {"empty": True}
    deny = finding.argument.casefold().startswith("sedeny")
    return {"superset_of" if deny else "subset_of": wanted}


def audit_subcategory(guid: str) -> str | None:
    """The subcategory an auditpol GUID names, or None when it is not one."""
    match = _AUDIT_GUID.fullmatch(guid.strip())
    return AUDIT_SUBCATEGORIES.get(match.group(1).casefold()) if match else None


def _audit(finding: Finding) -> Rule | Unsupported:
    name = audit_subcategory(finding.argument)
    if name is None:
        return Unsupported(finding, f"{finding.argument!r} is not an audit subcategory GUID")
    value = finding.recommended
    if finding.operator == "contains" and value in ("Success", "Failure"):
        return Rule(finding, Kind.AUDIT, name, {"in": [value, "Success and Failure"]})
    return _judged(finding, Kind.AUDIT, name, value)


def _service(finding: Finding) -> Rule | Unsupported:
    mode = SERVICE_MODES.get(finding.recommended.casefold())
    if mode is None:
        return Unsupported(finding, f"service start mode {finding.recommended!r} is unknown")
    return _judged(finding, Kind.SERVICE, finding.argument, mode)


def stig_ids(finding: Finding) -> list[str]:
    """The DISA rule ids (V-nnnnn) a finding carries in its ID, in order."""
    return re.findall(r"V-\d+", finding.id)
