"""``python -m tools.benchgen GENERATOR ARGS...``: run one benchmark generator.

``python -m tools.benchgen GENERATOR --help`` lists a generator's options.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from tools.benchgen import gpo, osconfig, stig
from tools.benchgen.check import GenerationError

GENERATORS: dict[str, Callable[[Sequence[str]], int]] = {
    "gpo": gpo.main,
    "stig": stig.main,
    "osconfig": osconfig.main,
}
"""Generator name -> its ``main(argv)``."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.benchgen", description="Generate a benchmark YAML."
    )
    parser.add_argument("generator", choices=GENERATORS)
    parser.add_argument("args", nargs=argparse.REMAINDER, help="the generator's arguments")
    args = parser.parse_args(argv)
    try:
        return GENERATORS[args.generator](args.args)
    except GenerationError as exc:
        print(f"{parser.prog} {args.generator}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
