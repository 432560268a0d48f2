"""Copies the sample policy repository's exports from the project's generated fixtures.

    python -m examples.make_policy_repo           # (re)write examples/policy-repo/exports
    python -m examples.make_policy_repo --check   # exit 1 if they differ from the fixtures

``exports/ws-baseline`` is fixtures/gpo/compliant (every Windows 11 baseline check passes) and
``exports/ws-pilot`` is fixtures/gpo/misconfigured (ten wrong values, see fixtures/gpo/README.md);
both are written by tools/make_fixtures.py.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from tools.make_fixtures import differences, on_disk, write_tree

ROOT = Path(__file__).resolve().parents[1]

EXPORTS = ROOT / "examples" / "policy-repo" / "exports"
COPIES = {"ws-baseline": "compliant", "ws-pilot": "misconfigured"}
"""Export folder -> fixture folder under fixtures/gpo."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if exports are stale")
    args = parser.parse_args(argv)
    stale = []
    for name, fixture in COPIES.items():
        files = on_disk(ROOT / "fixtures" / "gpo" / fixture)
        if args.check:
            stale += [f"{name}/{path}" for path in differences(EXPORTS / name, files)]
        else:
            write_tree(EXPORTS / name, files)
    for path in stale:
        print(f"out of date: examples/policy-repo/exports/{path}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
