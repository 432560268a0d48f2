"""A spooled fleet's JSON, JUnit and SARIF are the same bytes whichever way they are made.

A run over more than ``SPOOL_ABOVE`` targets has its workers render JSON lines and collects
the findings digest as targets arrive (in arrival order, not name order); the reporters then
write those.  The files must equal what the reporters make from the targets themselves, held
in memory, with one job or two.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from checker.model import Report
from checker.outputs import chunks
from checker.policy import load_benchmarks
from checker.reporters import json, junit, sarif
from checker.runner import SPOOL_ABOVE, RunOptions, run
from tests.cli.run import baseliner
from tests.conftest import ROOT
from tools.make_fleet import write_fleet

POLICY = "msft-windows11-24h2"
DEVICES = SPOOL_ABOVE + 20
FILES = {"json": "fleet.json", "junit": "fleet.xml", "sarif": "fleet.sarif"}


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fleet")
    write_fleet(folder, DEVICES)
    return folder


@pytest.fixture(scope="module")
def spooled(fleet: Path) -> Report:
    """The fleet checked in process, spooled, with nothing prepared for any output."""
    return run(load_benchmarks([POLICY]), [fleet], RunOptions(jobs=1))


def _render(report: Report, name: str) -> bytes:
    if name == "sarif":
        return sarif.render(report, root=ROOT).encode()
    return b"".join(chunks({"json": json.render, "junit": junit.render}[name](report)))


@pytest.fixture(scope="module")
def in_memory(spooled: Report) -> dict[str, bytes]:
    """Each output rendered from the targets held in memory (no spool, no prepared parts)."""
    report = replace(spooled, targets=tuple(spooled.targets))
    return {name: _render(report, name) for name in FILES}


@pytest.fixture(scope="module", params=[1, 2], ids=["jobs1", "jobs2"])
def written(
    request: pytest.FixtureRequest, fleet: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, bytes]:
    """The three outputs as ``baseliner check`` writes them in one run."""
    out = tmp_path_factory.mktemp("out")
    outputs = [arg for name, file in FILES.items() for arg in ("-o", f"{name}={out / file}")]
    jobs = str(request.param)
    done = baseliner(
        "check", fleet, "--policy", POLICY, "--jobs", jobs, *outputs, "--soft-fail", "--no-progress"
    )
    assert done.code == 0, done.err
    return {name: (out / file).read_bytes() for name, file in FILES.items()}


def test_fleet_is_spooled(spooled: Report) -> None:
    assert (len(spooled.targets), type(spooled.targets).__name__) == (DEVICES, "SpooledTargets")


@pytest.mark.parametrize("name", list(FILES))
def test_cli_output_equals_in_memory_rendering(
    name: str, written: dict[str, bytes], in_memory: dict[str, bytes]
) -> None:
    assert written[name] == in_memory[name]


@pytest.mark.parametrize("name", list(FILES))
def test_unprepared_spool_renders_the_same(
    name: str, spooled: Report, in_memory: dict[str, bytes]
) -> None:
    assert _render(spooled, name) == in_memory[name]
