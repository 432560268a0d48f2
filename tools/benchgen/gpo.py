"""Generate a benchmark from Microsoft security baseline GPO backups (DESIGN §4).

It wrote ``policies/msft-windows11-24h2.yaml`` and the Server 2022 benchmarks once; they are
edited by hand from then on.  Every setting of every backup becomes exactly one check:
registry.pol values (a ``**del.`` value becomes a check that the value is absent),
GptTmpl.inf ``[Registry Values]``, ``[System Access]``, ``[Kerberos Policy]``, ``[Privilege
Rights]``, ``[Service General Setting]``, and audit.csv subcategories.  ::

    python -m tools.benchgen gpo ../shared/corpus/gpo/msft-windows11-24h2 \\
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
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from checker.core.values import Fact
from checker.kinds import Kind
from checker.targets.mapping import load_mapping
from tools.benchgen.admx import AdmxIndex
from tools.benchgen.backup import Backup, find_backups, read_backup
from tools.benchgen.check import Check
from tools.benchgen.cli import benchmark_options, meta_of, write
from tools.benchgen.hardeningkitty import Finding
from tools.benchgen.ids import assign_ids, unique_titles
from tools.benchgen.resolve import fallback, resolve
from tools.benchgen.rules import area_of, expect_of, severity_of
from tools.benchgen.sources import FindingIndex, IntuneIndex, Sources
from tools.benchgen.vocabulary import SECURITY_SETTINGS

SOURCE = "Microsoft Security Compliance Toolkit security baseline"


def build(folders: Sequence[Path], sources: Sources, prefix: str) -> tuple[list[Check], list[str]]:
    """The checks of every backup under ``folders``, and the settings nothing could name."""
    checks: list[Check] = []
    unresolved: list[str] = []
    for folder in find_backups(folders):
        backup = read_backup(folder)
        checks.extend(build_check(fact, backup, sources, unresolved) for fact in backup.facts)
    assign_ids(checks, prefix)
    unique_titles(checks)
    return checks, unresolved


def build_check(fact: Fact, backup: Backup, sources: Sources, unresolved: list[str]) -> Check:
    """One check from one fact of a backup (its id is assigned later)."""
    finding = finding_of(fact, sources)
    resolved = resolve(fact, backup.report, sources)
    if resolved is None:
        unresolved.append(f"{backup.name}: {fact.kind.value} {fact.key}")
        resolved = fallback(fact, finding)
    severity, impact = severity_of(fact, finding)
    expect, note = expect_of(fact)
    return Check(
        fact, backup.name, resolved.title, resolved.gpo_path, resolved.setting_text,
        area_of(fact), severity, impact, expect, note, finding, resolved.leaf,
        resolved.name or resolved.title,
    )  # fmt: skip


def finding_of(fact: Fact, sources: Sources) -> Finding | None:
    """The finding list's row for a setting; a security setting's also by its display name."""
    if fact.kind is Kind.SECURITY and fact.key in SECURITY_SETTINGS:
        return sources.findings.get(Kind.SECURITY, fact.key) or sources.findings.named(
            SECURITY_SETTINGS[fact.key][0]
        )
    return sources.findings.get(fact.kind, fact.key)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.benchgen gpo", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument(
        "gpo", nargs="+", type=Path, help="GPO backup folder(s), or folders holding them"
    )
    benchmark_options(parser, SOURCE)
    parser.add_argument("--hardeningkitty", type=Path, help="HardeningKitty finding list CSV")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    sources = Sources(
        AdmxIndex(args.admx), FindingIndex(args.hardeningkitty), IntuneIndex(load_mapping())
    )
    checks, unresolved = build(args.gpo, sources, args.check_prefix)
    header = (
        f"Generated once by tools.benchgen gpo from the GPO backups of the {args.source};",
        "edited by hand since. Bounds (gte/lte/in instead of equals) are commented where used.",
    )
    write(meta_of(args, args.description, header), checks, sources, args.output)
    for line in unresolved:
        print(f"  untitled: {line}")
    return 0
