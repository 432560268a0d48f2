"""The benchmark scripts still run: a few devices through each fleet script, in a fresh
process, with the fleet cache in the test's own folder.

They reach into the runner and the loaders (bench_stages.py times each step a worker takes),
so a change there that breaks a script fails here rather than at the next measurement.  The
figures themselves are never asserted (DESIGN §8): only that each row is printed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

STEPS = (
    "read the file",
    "parse",
    "normalize",
    "build the target",
    "evaluate + score",
    "tally",
    "the JSON line",
    "digest offers",
    "pack (when kept)",
)


def _run(module: str, *args: str | Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", module, *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_stages_prints_each_step_and_the_parent_share(tmp_path: Path) -> None:
    out = _run("bench.bench_stages", "--devices", "3", "--fleet", "4", "--cache", tmp_path)
    for step in STEPS:
        assert re.search(rf"^  {re.escape(step)} +\d+\.\d{{3}} ms$", out, re.M), step
    for part in ("start-up", "collect", "reports", "parent", "workers"):
        assert re.search(rf"^  {part} +\d+\.\d{{3}} s$", out, re.M), part
    assert re.search(r"^per device: workers [\d.]+ ms, parent collecting [\d.]+ ms", out, re.M)


@pytest.mark.parametrize("corpus_copies", [False, True], ids=["generated", "corpus"])
def test_fleet_prints_a_row_per_size(
    corpus_copies: bool, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if corpus_copies:
        request.getfixturevalue("corpus")  # skips without ../shared/corpus
    extra = ["--corpus"] if corpus_copies else []
    out = _run(
        "bench.bench_fleet", "--devices", "2", "3", "--rounds", "1", "--cache", tmp_path, *extra
    )
    rows = re.findall(r"^ +([23]) +\d+ +[\d.]+ +[\d.]+ +[\d.]+x ", out, re.M)
    assert rows == ["2", "3"], out
    assert re.search(r"^target: end-to-end <= [\d.]+x parse-only: (met|NOT met)$", out, re.M)
    assert re.search(r"^a device.s JSON line: json.dumps [\d.]+ ms, orjson [\d.]+ ms", out, re.M)


def test_json_bench_compares_orjson_byte_for_byte(tmp_path: Path) -> None:
    out = _run("bench.bench_json", "--devices", "3", "--rounds", "1", "--cache", tmp_path)
    assert re.search(
        r"^byte-identical to the reporter's lines: json.dumps 3/3, orjson \d/3", out, re.M
    )
    assert re.search(r"^  target_line \(the reporter\) +\d+\.\d{3} ms a device$", out, re.M)


def test_history_prints_both_stores(postgres: object) -> None:
    """(The ``postgres`` fixture only to skip without PostgreSQL: the script starts its own.)"""
    out = _run("bench.bench_history", "--devices", "3", "--rounds", "1", "--year")
    for store in ("SQLite", "PostgreSQL"):
        assert re.search(rf"^{store} +[\d.]+ +[\d.]+ +[\d.]+$", out, re.M), out
        assert re.search(rf"^{store} +[\d.]+ +364$", out, re.M), out
    assert re.search(r"^target: PostgreSQL <= 2x SQLite: (met|NOT met)$", out, re.M)
