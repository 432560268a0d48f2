"""Generate a Windows Server 2025 benchmark per role from Microsoft's OSConfig baseline CSV.

The CSV (microsoft/osconfig, ``SecurityBaseline_WindowsServer_2025-<version>.csv``) gives per
row a registry key, value and type and/or a Policy CSP path, and per role (Domain
Controller, Member Server, Workgroup Member) the expected value in the language of
:mod:`tools.benchgen.expression`.  A role whose column is empty does not have the row.  ::

    python -m tools.benchgen osconfig \\
        ../shared/corpus/mapping/osconfig/security/SecurityBaseline_WindowsServer_2025-2510.csv \\
        --role "Member Server" --id msft-windows-server-2025-member \\
        --check-prefix msft-ws2025-ms --admx ../shared/corpus/mapping/admx \\
        -o policies/msft-windows-server-2025-member.yaml

Rows without a registry value are matched to Group Policy facts through the project's
Intune mapping table (user rights, audit subcategories, security options), the account
policies of :data:`DEVICE_LOCK`, or stay Intune (Policy CSP) settings.  When OSConfig also
accepts the value absent, the generated check says ``absent_ok: true``, so an unset setting
passes.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.core.files import read_text
from checker.core.values import JSON, Fact, Origin
from checker.kinds import Kind, registry_path
from checker.targets.mapping import Mapping, load_mapping
from tools.benchgen.admx import AdmxIndex
from tools.benchgen.check import Check
from tools.benchgen.cli import io_options, write
from tools.benchgen.emit import Meta
from tools.benchgen.expression import (
    ABSENT_NOTE,
    Call,
    Expected,
    parse_expression,
    to_expect,
    typing_for,
)
from tools.benchgen.ids import assign_ids, unique_titles
from tools.benchgen.resolve import gpo_path_of, leaf_of
from tools.benchgen.rules import RULES, area_of
from tools.benchgen.sources import FindingIndex, IntuneIndex, Sources
from tools.benchgen.vocabulary import AUDIT_VALUES
from tools.benchgen.words import expected_words, show

ROLES = {
    "Domain Controller": "domain_controller",
    "Member Server": "member_server",
    "Workgroup Member": "workgroup_member",
}
"""The CSV's roles (its "Expected Value: <role>" columns) -> the benchmark's role."""

SEVERITIES = {
    "critical": "high",
    "important": "medium",
    "warning": "medium",
    "informational": "low",
}
"""OSConfig (Azure machine configuration) severity -> ours.  OSConfig calls 60% of the
baseline Critical; ours keeps ``critical`` for the settings that ``critical`` of
``rules.yaml`` names, as in the other Microsoft benchmarks."""

DEVICE_LOCK = {
    # Policy CSP DeviceLock node -> the secedit account policy it sets on a server
    "cleartextpassword": "System Access/ClearTextPassword",
    "maximumpasswordage": "System Access/MaximumPasswordAge",
    "minimumpasswordage": "System Access/MinimumPasswordAge",
    "minimumpasswordlength": "System Access/MinimumPasswordLength",
    "passwordcomplexity": "System Access/PasswordComplexity",
    "passwordhistorysize": "System Access/PasswordHistorySize",
}
LOCKOUT_PARTS = {
    # AccountLockoutPolicy's composite value "AccountLockoutDuration:15, ..." -> secedit keys
    "ResetAccountLockoutCounterAfter": "System Access/ResetLockoutCount",
    "AccountLockoutDuration": "System Access/LockoutDuration",
    "AccountLockoutThreshold": "System Access/LockoutBadCount",
}


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()


def read_rows(path: Path) -> list[Row]:
    reader = csv.DictReader(io.StringIO(read_text(path)))
    return [Row(index + 2, dict(row)) for index, row in enumerate(reader)]


def _csp_id(row: Row) -> str | None:
    return (
        f"device_vendor_msft_policy_{row['CSP Path'].casefold().replace('/', '_')}"
        if row["CSP Path"]
        else None
    )


def settings_of(row: Row, expression: str, table: Mapping) -> list[tuple[Kind, str, Expected]]:
    """The facts a row reads, each with its expectation (several for the lockout policy)."""
    call = parse_expression(expression)
    if row["Registry Key"]:
        key = registry_path(row["Registry Key"].replace(":", "", 1), row["Registry Value"])
        reg_type = row["Registry Value Type"]
        return [
            (Kind.REGISTRY, key, to_expect(call, typing_for(reg_type), reg_type == "REG_MULTI_SZ"))
        ]
    leaf = row["CSP Path"].rpartition("/")[2].casefold()
    if leaf == "accountlockoutpolicy":
        return _lockout(call)
    if leaf in DEVICE_LOCK:
        return [(Kind.SECURITY, DEVICE_LOCK[leaf], to_expect(call, typing_for("int"), False))]
    ident = _csp_id(row) or ""
    entry = table.lookup(ident)
    target = entry.targets[0] if entry and entry.targets else None
    if target is None:
        return [(Kind.INTUNE, ident, to_expect(call, typing_for("string"), False))]
    if target.kind is Kind.AUDIT:
        expected = to_expect(
            call, lambda v: AUDIT_VALUES.get(v, v) if isinstance(v, int) else v, False
        )
        return [(Kind.AUDIT, target.key, expected)]
    typer = typing_for("string" if target.transform == "identity" else "int")
    return [(target.kind, target.key, to_expect(call, typer, target.kind is Kind.PRIVILEGE))]


_LOCKOUT_PATTERN = re.compile(r"(\w+):(.*)")


def _lockout(call: Call) -> list[tuple[Kind, str, Expected]]:
    """``AllOf(Pattern('Name:regex'), ...)``: each pattern's least accepted value is the bound
    (``[1][5-9]|[2-9]\\d|...`` accepts 15 and up; ``[1-3]`` accepts 1 to 3)."""
    settings = []
    for pattern in call.args:
        assert isinstance(pattern, Call) and isinstance(pattern.args[0], str)
        match = _LOCKOUT_PATTERN.fullmatch(pattern.args[0])
        assert match
        accepted = [n for n in range(0, 1000) if re.fullmatch(match.group(2), str(n))]
        bounds: dict[str, JSON] = {"gte": accepted[0]}
        if accepted[-1] < 999:
            bounds["lte"] = accepted[-1]
        settings.append((Kind.SECURITY, LOCKOUT_PARTS[match.group(1)], Expected(bounds)))
    return settings


def _value(expected: Expected, kind: Kind) -> JSON:
    """The value an expectation is about, for titles and the GPO path resolvers."""
    if expected.expect.get("empty") is True:
        return []
    value = next(iter(expected.expect.values()))
    if isinstance(value, bool):
        return None
    return value if kind is not Kind.PRIVILEGE or isinstance(value, list) else []


def build_check(
    row: Row, kind: Kind, key: str, expected: Expected, role: str, sources: Sources
) -> Check:
    value = _value(expected, kind)
    fact = Fact(kind, key, value, Origin(row["Name"], row.line))
    gpo_path = gpo_path_of(fact, sources)
    severity = SEVERITIES.get(row["Severity"].casefold(), "medium")
    if kind is Kind.REGISTRY and RULES.critical.search(fact.canonical):
        severity = "critical"
    title = row["Control Name"] or row["Name"]
    references = tuple(ref for ref in (row["ExtraId"], f"OSConfig:{row['Name']}") if ref)
    return Check(
        fact, role, title, gpo_path, show(value), area_of(fact), severity,
        RULES.impact[severity], expected.expect, expected.note, None, leaf_of(fact), title,
        remediation_text=_remediation(row, kind, key, expected, gpo_path), references=references,
        absent_ok=expected.note == ABSENT_NOTE,
    )  # fmt: skip


def _remediation(row: Row, kind: Kind, key: str, expected: Expected, gpo_path: str | None) -> str:
    wanted = expected_words(expected.expect)
    parts = []
    csp = _csp_id(row)
    if row["CSP Path"]:
        node = f"./Device/Vendor/MSFT/Policy/{row['CSP Path']}"
        parts.append(f"Set the Policy CSP {node} (Intune settings catalog: {csp}) to {wanted}.")
    if gpo_path:
        parts.append(f'With Group Policy: configure "{gpo_path}" ({kind.value} {key}: {wanted}).')
    elif kind is not Kind.INTUNE:
        parts.append(f"With Group Policy or the registry: {kind.value} {key}: {wanted}.")
    return " ".join(parts)


def build(
    rows: Sequence[Row], role: str, sources: Sources, table: Mapping, prefix: str
) -> list[Check]:
    checks = []
    for row in rows:
        expression = row[f"Expected Value: {role}"]
        if not expression:
            continue
        for kind, key, expected in settings_of(row, expression, table):
            checks.append(build_check(row, kind, key, expected, role, sources))
    assign_ids(checks, prefix)
    unique_titles(checks)
    return checks


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.benchgen osconfig", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("csv", type=Path, help="SecurityBaseline_WindowsServer_2025-<version>.csv")
    parser.add_argument("--role", required=True, choices=ROLES)
    parser.add_argument("--id", required=True)
    parser.add_argument("--check-prefix", required=True)
    io_options(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    table = load_mapping()
    sources = Sources(AdmxIndex(args.admx), FindingIndex(None), IntuneIndex(table))
    checks = build(read_rows(args.csv), args.role, sources, table, args.check_prefix)
    version = args.csv.stem.rpartition("-")[2]
    meta = Meta(
        args.id,
        f"Microsoft Security Baseline: Windows Server 2025 {args.role} (OSConfig {version})",
        version,
        "Microsoft OSConfig security baseline for Windows Server 2025 (microsoft/osconfig)",
        f"Every row of the OSConfig Windows Server 2025 baseline ({args.csv.name}) that has an "
        f"expected value for a {args.role.casefold()}: registry values, security options, user "
        "rights, account policy, advanced audit policy, and Policy CSP settings with no Group "
        "Policy fact (checked in Intune exports).",
        ("windows-server-2025",),
        f"MSFT-WS2025-{version}",
        (ROLES[args.role],),
        (
            f"Generated by tools.benchgen osconfig from {args.csv.name}, column",
            f'"Expected Value: {args.role}". OSConfig accepts some values absent (null); such',
            "checks carry absent_ok: true, so an unset setting passes.",
        ),
    )
    write(meta, checks, sources, args.output)
    return 0
