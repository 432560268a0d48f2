"""Write the README's tables of export formats, check kinds and report formats from the
registries (checker/loaders FORMATS, checker/kinds.py KINDS, checker/reporters REPORTERS and
TASK_OUTPUTS).

Each table sits between ``<!-- generated: NAME -->`` and ``<!-- end: NAME -->`` in README.md;
tests/test_registries.py fails when one differs from what the registry says:

    python -m tools.gen_docs
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from checker.kinds import KINDS
from checker.loaders import FORMATS
from checker.reporters import REPORTERS, TASK_OUTPUTS

README = Path(__file__).resolve().parents[1] / "README.md"


def _row(*cells: str) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def formats() -> str:
    rows = [
        _row(
            f"`{name}`",
            loader.DESCRIPTION,
            loader.READS,
            "one device per file" if loader.DEVICE else "joins its folder's target",
        )
        for name, loader in FORMATS.items()
    ]
    return "\n".join(
        ["| format | input | what baseliner reads | target |", "|---|---|---|---|", *rows]
    )


def kinds() -> str:
    rows = [
        _row(f"`{kind.value}`", f"`{spec.example}`", spec.value) for kind, spec in KINDS.items()
    ]
    query = _row(
        "`query`",
        "`'registry.*.value | length(@)'`",
        "raw JMESPath over the device document (`baseliner normalize` shows it)",
    )
    return "\n".join(["| key | example | value read |", "|---|---|---|", *rows, query])


def reporters() -> str:
    rows = [
        _row(f"`{name}`", reporter.audience, reporter.notes) for name, reporter in REPORTERS.items()
    ]
    rows += [
        _row(f"`{name}=DIR_OR_URL`", writer.audience, f"written by each batch: {writer.notes}")
        for name, writer in TASK_OUTPUTS.items()
    ]
    return "\n".join(["| format | for | notes |", "|---|---|---|", *rows])


BLOCKS: dict[str, Callable[[], str]] = {
    "formats": formats,
    "kinds": kinds,
    "reporters": reporters,
}


def rendered(text: str) -> str:
    """``text`` (the README) with every generated block made anew."""
    for name, make in BLOCKS.items():
        pattern = re.compile(
            rf"(<!-- generated: {name} -->\n)(?:.*?\n)?(<!-- end: {name} -->)", re.DOTALL
        )
        if not pattern.search(text):
            raise SystemExit(f"README.md has no block '{name}'")
        text = pattern.sub(lambda m, make=make: m.group(1) + make() + "\n" + m.group(2), text)
    return text


def main() -> None:
    text = README.read_text("utf-8")
    if rendered(text) != text:
        README.write_text(rendered(text), "utf-8")
        print(f"wrote {README}")


if __name__ == "__main__":
    main()
