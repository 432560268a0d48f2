"""Generate a Windows Server 2025 benchmark per role from Microsoft's OSConfig baseline CSV.

A front end of :mod:`tools.gen_benchmark`.  The CSV (microsoft/osconfig,
``SecurityBaseline_WindowsServer_2025-<version>.csv``) gives per row a registry key, value and
type and/or a Policy CSP path, and per role (Domain Controller, Member Server, Workgroup
Member) the expected value as a small expression language: ``Equals(1)``,
``OneOf(Equals(1), Equals(null))``, ``Range(1, 900)``, ``Not(Equals('Guest'))``,
``ContainsAtMost('*S-1-5-32-544', ...)``, ``ContainsExactly``, ``ContainsAtLeast``,
``Contains``, ``AllOf(Pattern(...), ...)``.  A role whose column is empty does not have the
row.  ::

    python tools/gen_osconfig_benchmark.py \\
        ../shared/corpus/mapping/osconfig/security/SecurityBaseline_WindowsServer_2025-2510.csv \\
        --role "Member Server" --id msft-windows-server-2025-member \\
        --check-prefix msft-ws2025-ms --admx ../shared/corpus/mapping/admx \\
        -o policies/msft-windows-server-2025-member.yaml

Rows without a registry value are matched to Group Policy facts through the project's
Intune mapping table (user rights, audit subcategories, security options), the account
policies of :data:`DEVICE_LOCK`, or stay Intune (Policy CSP) settings.  ``null`` in a
``OneOf`` means OSConfig also accepts the value being absent (the Windows default): the
generated check says ``absent_ok: true``, so an unset setting passes.
"""

from __future__ import annotations

import argparse
import base64
import csv
import io
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from checker.core.files import read_text  # noqa: E402
from checker.core.values import JSON, Fact, Origin  # noqa: E402
from checker.kinds import Kind, registry_path  # noqa: E402
from checker.targets.mapping import Mapping, load_mapping  # noqa: E402
from tools import gen_benchmark  # noqa: E402
from tools.gen_benchmark import (  # noqa: E402
    CRITICAL,
    SEVERITY_IMPACT,
    AdmxIndex,
    Check,
    FindingIndex,
    IntuneIndex,
    Meta,
    Report,
    Sources,
    _area_of,
    _shown,
    admx_policy_path,
    expected_words,
    resolve,
    unique_titles,
    write,
)

ROLES = ("Domain Controller", "Member Server", "Workgroup Member")

SEVERITIES = {
    "critical": "high",
    "important": "medium",
    "warning": "medium",
    "informational": "low",
}
"""OSConfig (Azure machine configuration) severity -> ours.  OSConfig calls 60% of the
baseline Critical; ours keeps ``critical`` for the settings :data:`gen_benchmark.CRITICAL`
names, as in the other Microsoft benchmarks."""

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
AUDIT_VALUES: dict[int, str] = {
    0: "No Auditing",
    1: "Success",
    2: "Failure",
    3: "Success and Failure",
}


# --------------------------------------------------------------------------------------------
# The expected-value language
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Call:
    """``Name(arg, ...)``: arguments are calls, numbers, strings or None (``null``)."""

    name: str
    args: tuple[Call | int | str | None, ...]


_TOKEN = re.compile(
    r"\s*(?:(?P<name>[A-Za-z]+)\(|(?P<close>\))|(?P<comma>,)|'(?P<str>[^']*)'|(?P<num>-?\d+)|(?P<null>null))"
)


def parse_expression(text: str) -> Call:
    """Parse an OSConfig expected-value expression; ValueError when it is not one."""
    call, end = _parse_call(text, 0)
    if text[end:].strip():
        raise ValueError(f"trailing text in {text!r}")
    return call


def _parse_call(text: str, at: int) -> tuple[Call, int]:
    match = _TOKEN.match(text, at)
    if not match or not match.group("name"):
        raise ValueError(f"expected a call at {at} in {text!r}")
    name, at = match.group("name"), match.end()
    args: list[Call | int | str | None] = []
    while True:
        match = _TOKEN.match(text, at)
        if match is None:
            raise ValueError(f"bad token at {at} in {text!r}")
        if match.group("close"):
            return Call(name, tuple(args)), match.end()
        if match.group("comma"):
            at = match.end()
        elif match.group("name"):
            inner, at = _parse_call(text, at)
            args.append(inner)
        elif match.group("str") is not None:
            args.append(match.group("str"))
            at = match.end()
        elif match.group("num"):
            args.append(int(match.group("num")))
            at = match.end()
        else:
            args.append(None)
            at = match.end()


Typing = Callable[[JSON], JSON]
"""Converts a literal of the expression language to the type of the fact it is compared to."""


ABSENT_NOTE = "OSConfig also accepts the value absent (the Windows default)"


@dataclass(frozen=True, slots=True)
class Expected:
    """An ``expect`` mapping, and a note when it is narrower than OSConfig (null dropped)."""

    expect: dict[str, JSON]
    note: str | None = None


def _literal(value: Call | int | str | None, typed: Typing) -> JSON:
    if isinstance(value, Call):
        raise ValueError(f"a value was expected, not {value.name}()")
    return typed(value)


def _range(args: tuple[Call | int | str | None, ...], typed: Typing) -> dict[str, JSON]:
    """``Range(lo, hi)`` or ``Range(lo, )``: bounds, or the values in between when the fact
    is not a number (audit settings: 0..3 are No Auditing..Success and Failure)."""
    low = args[0] if isinstance(args[0], int) else 0
    high = args[1] if len(args) > 1 and isinstance(args[1], int) else None
    if not isinstance(typed(low), int):
        top = max(AUDIT_VALUES) if high is None else high
        return {"in": [typed(value) for value in range(low, top + 1)]}
    bounds: dict[str, JSON] = {"gte": low}
    if high is not None:
        bounds["lte"] = high
    return bounds


def to_expect(call: Call, typed: Typing, list_valued: bool) -> Expected:
    """The ``expect`` mapping of an expression; ``typed`` converts a literal to the fact's
    type; ``list_valued``: the setting holds a list (REG_MULTI_SZ, a user right)."""
    name, args = call.name, call.args
    if name == "Equals":
        value = _literal(args[0], typed)
        if list_valued and value in ("", []):
            return Expected({"empty": True})
        return Expected({"equals": value})
    if name == "OneOf":
        values = [_literal(arg.args[0], typed) for arg in args if isinstance(arg, Call)]
        present = [value for value in values if value is not None]
        note = ABSENT_NOTE if None in values else None
        if list_valued and all(value in ("", []) for value in present):
            return Expected({"empty": True}, note)
        if len(present) == 1:
            return Expected({"equals": present[0]}, note)
        return Expected({"in": present}, note)
    if name == "Range":
        return Expected(_range(args, typed))
    if name == "Not" and isinstance(args[0], Call):
        inner = to_expect(args[0], typed, list_valued)
        if "equals" in inner.expect:
            return Expected({"not_equals": inner.expect["equals"]})
        if "in" in inner.expect or "empty" in inner.expect:
            return Expected({"empty": False})
    sets = {
        "ContainsExactly": "set_equals",
        "ContainsAtLeast": "superset_of",
        "ContainsAtMost": "subset_of",
    }
    if name in sets and list_valued:
        return Expected({sets[name]: [str(arg).lstrip("*") for arg in args]})
    if name == "Contains" or (name == "ContainsAtLeast" and len(args) == 1):
        return Expected({"contains": _literal(args[0], _typer("REG_SZ"))})
    if name == "ContainsAtMost":
        # A comma-separated REG_SZ list: only these items, in any order.
        items = "|".join(re.escape(str(arg)) for arg in args)
        return Expected({"matches": f"^({items})(,({items}))*$"})
    raise ValueError(f"no expect equivalent for {name}()")


# --------------------------------------------------------------------------------------------
# Rows -> checks
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()


def read_rows(path: Path) -> list[Row]:
    reader = csv.DictReader(io.StringIO(read_text(path)))
    return [Row(index + 2, dict(row)) for index, row in enumerate(reader)]


def _typer(reg_type: str) -> Typing:
    def typed(value: JSON) -> JSON:
        if value is None or reg_type in ("REG_SZ", "REG_EXPAND_SZ", "string"):
            return value if value is None else str(value)
        if reg_type == "REG_MULTI_SZ":
            return [item for item in str(value).split(",") if item]
        if reg_type == "REG_BINARY":
            # The CSV writes binary data base64-encoded text ("MDA=" is "00").
            return base64.b64decode(str(value)).decode("ascii").casefold()
        return int(value) if isinstance(value, str) and re.fullmatch(r"-?\d+", value) else value

    return typed


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
        return [(Kind.REGISTRY, key, to_expect(call, _typer(reg_type), reg_type == "REG_MULTI_SZ"))]
    leaf = row["CSP Path"].rpartition("/")[2].casefold()
    if leaf == "accountlockoutpolicy":
        return _lockout(call)
    if leaf in DEVICE_LOCK:
        return [(Kind.SECURITY, DEVICE_LOCK[leaf], to_expect(call, _typer("int"), False))]
    ident = _csp_id(row) or ""
    entry = table.lookup(ident)
    target = entry.targets[0] if entry and entry.targets else None
    if target is None:
        return [(Kind.INTUNE, ident, to_expect(call, _typer("string"), False))]
    if target.kind is Kind.AUDIT:
        expected = to_expect(
            call, lambda v: AUDIT_VALUES.get(v, v) if isinstance(v, int) else v, False
        )
        return [(Kind.AUDIT, target.key, expected)]
    typer = _typer("string" if target.transform == "identity" else "int")
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
    resolved = (
        resolve(fact, Report(""), sources) if kind not in (Kind.REGISTRY, Kind.INTUNE) else None
    )
    gpo_path = (
        resolved.gpo_path
        if resolved
        else (admx_policy_path(fact, sources) if kind is Kind.REGISTRY else None)
    )
    severity = SEVERITIES.get(row["Severity"].casefold(), "medium")
    if kind is Kind.REGISTRY and CRITICAL.search(fact.canonical):
        severity = "critical"
    leaf = key.rpartition("!")[0].rpartition("\\")[2] if kind is Kind.REGISTRY else kind.value
    title = row["Control Name"] or row["Name"]
    references = tuple(ref for ref in (row["ExtraId"], f"OSConfig:{row['Name']}") if ref)
    return Check(
        fact, role, title, gpo_path, _shown(value), _area_of(fact), severity,
        SEVERITY_IMPACT[severity], expected.expect, expected.note, None, leaf, title,
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
    gen_benchmark.assign_ids(checks, prefix)
    unique_titles(checks)
    return checks


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("csv", type=Path, help="SecurityBaseline_WindowsServer_2025-<version>.csv")
    parser.add_argument("--role", required=True, choices=ROLES)
    parser.add_argument("--id", required=True)
    parser.add_argument("--check-prefix", required=True)
    parser.add_argument("--admx", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True)
    return parser


ROLE_NAMES = {
    "Domain Controller": "domain_controller",
    "Member Server": "member_server",
    "Workgroup Member": "workgroup_member",
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
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
        (ROLE_NAMES[args.role],),
        (
            f"Generated by tools/gen_osconfig_benchmark.py from {args.csv.name}, column",
            f'"Expected Value: {args.role}". OSConfig accepts some values absent (null); such',
            "checks carry absent_ok: true, so an unset setting passes.",
        ),
    )
    write(meta, checks, sources, args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
