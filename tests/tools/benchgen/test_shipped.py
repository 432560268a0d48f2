"""Regenerating the shipped benchmarks from the corpus gives the checks their generator gave.

``policies/*.yaml`` were generated once and edited by hand since, so they are not the
reference.  ``shipped_runs.yaml`` holds the arguments of each run; ``shipped_digests.yaml``
a digest of each generated check's YAML text (and of the text above the checks), in order.
The digests were first taken from the generators as they stood before they became
``tools.benchgen`` (``tools/gen_*.py``, last runnable at commit 5ead9e1).  After an intended
change of the output, ``--regen-golden`` rewrites them; their diff names the checks that
changed.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.policy.load import load_benchmark
from tests.conftest import ROOT
from tools.benchgen.__main__ import main

DATA = Path(__file__).parent / "data"
RUNS: dict[str, dict[str, Any]] = yaml.safe_load((DATA / "shipped_runs.yaml").read_text())
DIGESTS = DATA / "shipped_digests.yaml"

_GENERATED_BY = re.compile(r"^# Generated (once )?by .+? from ", re.MULTILINE)
"""The header names the generator's command, which moved (tools/gen_benchmark.py was one)."""
_CHECK_START = re.compile(r"^(?=  - id: )", re.MULTILINE)


def digests(text: str) -> dict[str, str]:
    """``head`` (the text above the checks, the generator's name left out) and each check id
    -> the first 16 hex digits of the SHA-256 of its text, in the benchmark's order."""
    head, _, body = text.partition("\nchecks:\n")
    found = {"head": _digest(_GENERATED_BY.sub(r"# Generated \1by <generator> from ", head))}
    for block in filter(None, _CHECK_START.split(body)):
        found[block.partition("\n")[0].removeprefix("  - id: ")] = _digest(block)
    return found


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _differences(got: dict[str, str], want: dict[str, str]) -> list[str]:
    changed = [key for key in got.keys() & want.keys() if got[key] != want[key]]
    lines = [
        f"changed: {sorted(changed)}",
        f"missing: {sorted(want.keys() - got.keys())}",
        f"new: {sorted(got.keys() - want.keys())}",
    ]
    if not changed and got.keys() == want.keys():
        lines.append("the same checks in another order")
    return lines


def _arguments(name: str, corpus: Path, output: Path) -> list[str]:
    run = RUNS[name]
    args = [arg.replace("{corpus}", str(corpus)) for arg in run["args"]]
    return [run["generator"], *args, "-o", str(output)]


@pytest.mark.parametrize("name", sorted(RUNS))
def test_regenerated_checks_are_unchanged(
    name: str, corpus: Path, tmp_path: Path, regen_golden: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / f"{name}.yaml"
    assert main(_arguments(name, corpus, output)) == 0
    assert f"checks -> {output}" in capsys.readouterr().out
    got = digests(output.read_text(encoding="utf-8"))
    recorded: dict[str, dict[str, str]] = yaml.safe_load(DIGESTS.read_text()) or {}
    if regen_golden:
        recorded[name] = got
        DIGESTS.write_text(yaml.safe_dump(dict(sorted(recorded.items())), sort_keys=False))
        return
    want = recorded[name]
    assert list(got.items()) == list(want.items()), "\n".join(
        [f"{name} generated into {output}:", *_differences(got, want)]
    )
    assert len(load_benchmark(output).checks) == len(got) - 1


def test_digests_cover_every_run() -> None:
    assert sorted(yaml.safe_load(DIGESTS.read_text())) == sorted(RUNS)


def test_every_generated_shipped_benchmark_has_a_run() -> None:
    """Each shipped benchmark whose header says a generator made it is in the runs table."""
    policies = ROOT / "policies"
    generated = {
        path.stem
        for path in policies.glob("*.yaml")
        if path.read_text(encoding="utf-8").startswith("# Generated ")
    }
    assert generated == set(RUNS)
