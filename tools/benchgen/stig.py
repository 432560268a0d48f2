"""Generate a DISA STIG benchmark from HardeningKitty finding lists (machine and user).

The rows are read and translated to Group Policy facts by
:mod:`tools.benchgen.hardeningkitty`; areas, categories, rationale, ids and the YAML come from
the shared rules.  Rows whose method reads live system state (per-process exploit
protection, WMI, ...) cannot be checked from a Group Policy export: they are left out and
listed, with the reason, on standard output and in a comment at the top of the benchmark.  ::

    python -m tools.benchgen stig \\
        ../shared/corpus/benchmarks/hardeningkitty/lists/\\
finding_list_dod_microsoft_windows_10_stig_v2r1_machine.csv \\
        ../shared/corpus/benchmarks/hardeningkitty/lists/\\
finding_list_dod_microsoft_windows_10_stig_v2r1_user.csv \\
        --id stig-windows10 --check-prefix stig-win10 --version V2R1 \\
        --title "DISA STIG: Microsoft Windows 10" --os windows10 --reference DISA-STIG-WIN10-V2R1 \\
        --admx ../shared/corpus/mapping/admx --types ../shared/corpus \\
        -o policies/stig-windows10.yaml

Registry types: HardeningKitty does not record them, and a REG_SZ ``"1"`` is not a DWORD
``1``; ``--types`` names folders whose GPO backups and OSConfig CSVs say which type each
value has (others: digits are a DWORD).
"""

from __future__ import annotations

import argparse
import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from checker.core.files import read_text
from checker.core.values import JSON, Fact, Origin
from checker.kinds import Kind, canonical_key, registry_path
from checker.loaders import gpo_backup
from checker.targets.mapping import load_mapping
from tools.benchgen import hardeningkitty
from tools.benchgen.admx import AdmxIndex
from tools.benchgen.backup import backup_facts
from tools.benchgen.check import Check
from tools.benchgen.cli import benchmark_options, meta_of, write
from tools.benchgen.hardeningkitty import Rule, Unsupported
from tools.benchgen.ids import assign_ids, slug, unique_titles
from tools.benchgen.resolve import gpo_path_of, leaf_of
from tools.benchgen.rules import RULES, area_of, expect_of
from tools.benchgen.sources import FindingIndex, IntuneIndex, Sources
from tools.benchgen.words import expected_words

SOURCE = "DISA Security Technical Implementation Guide"

NOTICE_TEXT = re.compile(r"\\policies\\system!legalnoticetext$")
"""The logon banner: GptTmpl writes it as REG_MULTI_SZ (one item per line), a hand-set
registry as REG_SZ; the assertion accepts both."""


def registry_types(folders: Iterable[Path]) -> dict[str, str]:
    """Canonical registry key -> REG_* type, from the GPO backups and OSConfig CSVs found."""
    types: dict[str, str] = {}
    for folder in folders:
        for backup in gpo_backup.find_backups(folder):
            for fact in backup_facts(backup):
                if fact.kind is Kind.REGISTRY and fact.type and not fact.deleted:
                    types.setdefault(fact.canonical, fact.type)
        for path in sorted(folder.rglob("SecurityBaseline_*.csv")):
            for row in csv.DictReader(io.StringIO(read_text(path))):
                if row.get("Registry Key") and row.get("Registry Value Type"):
                    key = registry_path(row["Registry Key"].replace(":", ""), row["Registry Value"])
                    types.setdefault(canonical_key(Kind.REGISTRY, key), row["Registry Value Type"])
    return types


def _value(rule: Rule) -> JSON:
    """The value the rule is about, for titles and remediation."""
    if "absent" in rule.expect:
        return None
    if "empty" in rule.expect:
        return []
    return next(iter(rule.expect.values()))


def _assertion(rule: Rule) -> str | None:
    value = _value(rule)
    if rule.kind is Kind.REGISTRY and NOTICE_TEXT.search(rule.canonical) and value:
        first = str(value).split(".,")[0].replace("'", "\\'")
        return f"contains(join(',', to_array(@)), '{first}')"
    return None


def _expect(rule: Rule, fact: Fact) -> tuple[dict[str, JSON], str | None]:
    """The list's assertion; an exact number the shared rules know as a bound (a longer
    password, a larger log) becomes that bound, as in the Microsoft benchmarks."""
    if set(rule.expect) == {"equals"} and isinstance(_value(rule), int):
        return expect_of(fact)
    return dict(rule.expect), None


def build_check(rule: Rule, sources: Sources, list_name: str, types: dict[str, str]) -> Check:
    """One check from one translated finding."""
    finding = rule.finding
    fact = Fact(
        rule.kind, rule.key, _value(rule), Origin(list_name, finding.line),
        type=types.get(rule.canonical), deleted="absent" in rule.expect,
    )  # fmt: skip
    gpo_path = gpo_path_of(fact, sources)
    severity = finding.severity.casefold()
    severity = severity if severity in RULES.impact else "medium"
    expect, note = _expect(rule, fact)
    return Check(
        fact, list_name, finding.name, gpo_path, expected_words(expect), area_of(fact),
        severity, RULES.impact[severity], expect, note, None, leaf_of(fact), finding.name,
        assertion=_assertion(rule), remediation_text=_remediation(rule, expect, gpo_path),
        references=tuple(hardeningkitty.stig_ids(finding) or [f"HardeningKitty:{finding.id}"]),
    )  # fmt: skip


def _remediation(rule: Rule, expect: dict[str, JSON], gpo_path: str | None) -> str:
    what = _setting_words(rule, expected_words(expect))
    if gpo_path:
        return f'Configure "{gpo_path}" so that {what}.'
    return f"Through Group Policy, make sure {what}."


def _setting_words(rule: Rule, expected: str) -> str:
    if rule.kind is Kind.REGISTRY:
        path, _, name = rule.key.rpartition("!")
        return f"the registry value {name} of {path} is {expected}"
    names = {
        Kind.PRIVILEGE: "the user right",
        Kind.AUDIT: "the audit subcategory",
        Kind.SERVICE: "the start mode of service",
        Kind.SECURITY: "the security setting",
    }
    return f"{names.get(rule.kind, 'the setting')} {rule.key} is {expected}"


def assign_stig_ids(checks: Sequence[Check], prefix: str) -> None:
    """``<prefix>-v-nnnnn``: the first STIG rule id; rows sharing one add their setting's
    name, then its key's components from the leaf up, until unique."""
    heads = {id(check): f"{prefix}-{slug(check.references[0])}" for check in checks}
    shared = Counter(heads.values())
    for check in checks:
        check.id = heads[id(check)]
    for head in {head for head, count in shared.items() if count > 1}:
        same = [check for check in checks if heads[id(check)] == head]
        assign_ids(same, head, area=False)


def build(
    lists: Sequence[Path], sources: Sources, prefix: str, types: dict[str, str]
) -> tuple[list[Check], list[Unsupported]]:
    checks: list[Check] = []
    left_out: list[Unsupported] = []
    seen: dict[tuple[Kind, str], str] = {}
    for path in lists:
        for finding in hardeningkitty.read_findings(path):
            rule = hardeningkitty.translate(finding, types)
            if isinstance(rule, Rule) and (rule.kind, rule.canonical) in seen:
                # HardeningKitty reads some settings twice (the ASR policy value and
                # Get-MpPreference): one check per setting.
                first = seen[(rule.kind, rule.canonical)]
                rule = Unsupported(
                    finding, f"reads the same setting as an earlier row ({first}): one check"
                )
            if isinstance(rule, Unsupported):
                left_out.append(rule)
                continue
            seen[(rule.kind, rule.canonical)] = finding.id
            checks.append(build_check(rule, sources, path.name, types))
    assign_stig_ids(checks, prefix)
    unique_titles(checks)
    return checks, left_out


def left_out_summary(left_out: Sequence[Unsupported]) -> list[str]:
    """One line per reason with its count and the rule ids, for the YAML header and stdout."""
    by_reason: dict[str, list[str]] = {}
    for item in left_out:
        by_reason.setdefault(item.reason, []).append(item.finding.id)
    lines = []
    for reason, ids in sorted(by_reason.items()):
        unique = sorted(set(ids))
        lines.append(f"  {len(ids)} rows ({', '.join(unique)}): {reason}")
    return lines


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.benchgen stig", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("lists", nargs="+", type=Path, help="HardeningKitty finding list CSVs")
    benchmark_options(parser, SOURCE)
    parser.add_argument(
        "--types", type=Path, action="append", default=[], help="folder of GPO backups and "
        "OSConfig CSVs that tell registry value types (repeatable)",
    )  # fmt: skip
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # The first list names the user rights and services (the user lists hold registry rows).
    findings = FindingIndex(args.lists[0])
    sources = Sources(AdmxIndex(args.admx), findings, IntuneIndex(load_mapping()))
    types = registry_types(args.types)
    checks, left_out = build(args.lists, sources, args.check_prefix, types)
    description = args.description or (
        f"The {args.title} rules that Group Policy sets, as HardeningKitty transcribes them: "
        "registry policies, security options, user rights, account policy and advanced audit "
        "policy. Rules checked on the running system only are listed above and left out."
    )
    listed = ", ".join(path.name for path in args.lists)
    header = (
        f"Generated by tools.benchgen stig from the HardeningKitty finding lists {listed}",
        f"(an independent transcription of the {args.title}).",
        f"{len(left_out)} rows are left out: their method reads live system state that no Group",
        "Policy export carries.",
        *left_out_summary(left_out),
    )
    write(meta_of(args, description, header), checks, sources, args.output)
    print(f"left out: {len(left_out)}")
    for line in left_out_summary(left_out):
        print(line)
    return 0
