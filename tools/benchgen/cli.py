"""What the generators' command lines share: the benchmark's own options, and writing it."""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from tools.benchgen.check import Check
from tools.benchgen.emit import Meta, render
from tools.benchgen.sources import Sources


def benchmark_options(parser: argparse.ArgumentParser, source: str) -> None:
    """The options that say what the benchmark is: id, check id prefix, title, version,
    source (default ``source``), description, scope, reference; and the ADMX folder and the
    output file."""
    parser.add_argument("--id", required=True)
    parser.add_argument("--check-prefix", required=True, help="check id prefix, e.g. msft-w11-24h2")
    parser.add_argument("--title", required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--source", default=source)
    parser.add_argument("--description", default="")
    parser.add_argument("--os", action="append", default=[], help="applies_to os (repeatable)")
    parser.add_argument("--role", action="append", default=[], help="applies_to role")
    parser.add_argument("--reference", required=True, help="the baseline's reference id")
    io_options(parser)


def io_options(parser: argparse.ArgumentParser) -> None:
    """The ADMX folder that names registry policies, and the benchmark file written."""
    parser.add_argument("--admx", type=Path, help="folder of ADMX files with en-US/ ADML")
    parser.add_argument("-o", "--output", type=Path, required=True)


def meta_of(args: argparse.Namespace, description: str, header: Sequence[str]) -> Meta:
    """The benchmark's metadata from :func:`benchmark_options`."""
    return Meta(
        args.id, args.title, args.version, args.source, description, tuple(args.os),
        args.reference, tuple(args.role), tuple(header),
    )  # fmt: skip


def write(meta: Meta, checks: Sequence[Check], sources: Sources, output: Path) -> None:
    """Render the benchmark to ``output`` and print its check counts (every generator)."""
    output.write_text(render(meta, checks, sources.intune), encoding="utf-8", newline="\n")
    summary = Counter((c.area.category, c.severity) for c in checks)
    print(f"{len(checks)} checks -> {output}")
    for (category, severity), count in sorted(summary.items()):
        print(f"  {category:18} {severity:9} {count}")
