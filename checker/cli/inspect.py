"""Commands that show rather than judge: ``normalize``, ``explain``, ``policies``, ``mapping``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from checker.cli.common import policy_option
from checker.core.errors import InputError, InputErrors
from checker.core.text import visible
from checker.engine import evaluate
from checker.policy.load import load_benchmarks, shipped_dir, shipped_names
from checker.policy.select import iter_checks, select
from checker.reporters.mapping import render_mapping
from checker.targets.load import read_targets
from checker.targets.mapping import load_mapping
from checker.targets.mapping_audit import coverage, crosscheck_osconfig


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
def normalize(inputs: tuple[Path, ...]) -> None:
    """Print the device document of each target as JSON, with the origin of every fact."""
    errors: list[InputError] = []
    documents = [
        {
            "name": target.name,
            "sources": [source.path for source in target.sources],
            "meta": target.meta,
            "document": target.document(),
            "conflicts": [conflict.to_json() for conflict in target.conflicts],
            "notes": [{"kind": note.kind.value, **note.to_json()} for note in target.notes],
        }
        for target in read_targets(list(inputs), errors)
    ]
    click.echo(json.dumps({"targets": documents}, indent=2, ensure_ascii=False, default=str))
    if errors:
        raise InputErrors(errors)


@click.command()
@click.argument("check_id", metavar="CHECK")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@policy_option
def explain(check_id: str, input_path: Path, policies: tuple[str, ...]) -> None:
    """Show how one check judges one export: what it reads, the value, origin and verdict."""
    benchmarks = select(load_benchmarks(policies), [check_id])
    found = list(iter_checks(benchmarks))
    if not found:
        raise click.BadParameter(f"no check {check_id!r} in {', '.join(policies)}")
    errors: list[InputError] = []
    for target in read_targets([input_path], errors):
        for check_, result in zip(found, evaluate(benchmarks, target), strict=True):
            info = check_.info
            lines = [
                f"target:    {target.name}",
                f"check:     {info.id}  {info.title}",
                f"defined:   {info.origin}",
                f"reads:     {info.setting}",
                f"expected:  {info.expected}",
                f"actual:    {json.dumps(result.actual, ensure_ascii=False)}",
                f"status:    {result.status.value}",
            ]
            lines += [f"origin:    {origin}" for origin in result.origins]
            if check_.kind is not None and (fact := target.lookup(check_.kind, check_.key)):
                lines.append(f"fact:      {json.dumps(fact.entry(), ensure_ascii=False)}")
            if result.reason:
                lines.append(f"reason:    {result.reason}")
            if info.remediation:
                lines.append(f"remedy:    {info.remediation}")
            click.echo(visible("\n".join(lines) + "\n"))
    if errors:
        raise InputErrors(errors)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def policies(as_json: bool) -> None:
    """List the shipped benchmarks with their version (a STIG's release), check counts and
    categories."""
    rows: list[dict[str, Any]] = []
    for name in shipped_names():
        benchmark = load_benchmarks([str(shipped_dir() / f"{name}.yaml")])[0]
        counts: dict[str, int] = {}
        for info in benchmark.info.checks:
            counts[info.category.value] = counts.get(info.category.value, 0) + 1
        rows.append(
            {
                "id": benchmark.info.id,
                "title": benchmark.info.title,
                "version": benchmark.info.version,
                "checks": len(benchmark.checks),
                "categories": dict(sorted(counts.items())),
            }
        )
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        categories: dict[str, int] = row["categories"]
        cats = ", ".join(f"{name} {n}" for name, n in categories.items())
        head = f"{row['id']:<36} {row['version']:<6} {row['checks']:>4} checks  {row['title']}"
        click.echo(f"{head}\n{'':<43} {cats}")


@click.command()
@click.argument("search", required=False)
@click.option(
    "--coverage",
    "coverage_paths",
    multiple=True,
    type=click.Path(path_type=Path, exists=True),
    help="Intune exports: count their settings mapped exactly, partially or not at all.",
)
@click.option(
    "--osconfig",
    type=click.Path(path_type=Path, exists=True),
    help="OSConfig baseline CSVs: report the table's agreement with their CSP/registry pairs.",
)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def mapping(
    search: str | None, coverage_paths: tuple[Path, ...], osconfig: Path | None, as_json: bool
) -> None:
    """Show the Intune -> Group Policy mapping table, its coverage of exports, and its
    agreement with OSConfig.  SEARCH filters entries by setting id or registry key."""
    table = load_mapping()
    out: dict[str, Any] = {"entries": len(table.entries)}
    if coverage_paths:
        errors: list[InputError] = []
        targets = read_targets(list(coverage_paths), errors)
        found = coverage([source for target in targets for source in target.sources], table)
        out["coverage"] = {
            "settings": found.total,
            "exact": found.exact,
            "partial": found.partial,
            "unmapped": found.unmapped,
            "with_gp_equivalent": found.with_gp_equivalent,
            "mapped_with_gp_equivalent": found.mapped_with_gp_equivalent,
            "mapped_percent_of_gp_equivalent": round(float(100 * found.equivalent_ratio), 1),
        }
        if errors:
            raise InputErrors(errors)
    if osconfig is not None:
        cross = crosscheck_osconfig(osconfig, table)
        out["osconfig"] = {
            "compared": cross.compared,
            "agreeing": cross.agreeing,
            "agreement_percent": round(float(100 * cross.agreement), 1),
            "disagreements": [
                {"setting": d.setting, "osconfig": d.osconfig, "table": list(d.table)}
                for d in cross.disagreements
            ],
            "not_in_table": list(cross.only_osconfig),
        }
    if search is not None or not (coverage_paths or osconfig):
        needle = (search or "").casefold()
        out["matches"] = [
            {
                "setting": entry.id,
                "confidence": entry.confidence.value,
                "reason": entry.reason,
                "targets": [f"{t.kind.value}:{t.key}" for t in entry.targets],
            }
            for entry in sorted(table.entries.values(), key=lambda e: e.id)
            if needle in entry.id or any(needle in t.key.casefold() for t in entry.targets)
        ]
    click.echo(json.dumps(out, indent=2) if as_json else render_mapping(out))
