"""A spooled fleet's JSON, JUnit and SARIF are the same bytes whichever way they are made.

A run over more than ``SPOOL_ABOVE`` targets has its workers write their targets and JSON
lines to the spool file and collects the findings digest as targets arrive (in arrival order,
not name order); the reporters then write those.  The files must equal what the reporters
make from the targets themselves, held in memory, with one job or two, also when some
targets (or all) cannot be loaded.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import tempfile
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest

from checker.core.errors import EXIT_ERROR
from checker.core.files import chunks
from checker.core.results import Report
from checker.policy.load import load_benchmarks
from checker.reporters import json, junit, preparations, sarif
from checker.run.options import SPOOL_ABOVE, Prepared, RunOptions, preparing
from checker.run.orchestrate import run
from checker.scoring.gate import verdict
from tests.cli.run import baseliner
from tests.conftest import ROOT
from tools.make_fleet import write_fleet

POLICY = "msft-windows11-24h2"
DEVICES = SPOOL_ABOVE + 20
FILES = {"json": "fleet.json", "junit": "fleet.xml", "sarif": "fleet.sarif"}
BROKEN = (0, 30, 90)
"""Devices whose export is cut short (so they cannot be loaded) in a copy of their own,
named to sort next to them: the first target of the fleet, and two between good ones."""


def _break(folder: Path, devices: tuple[int, ...]) -> list[str]:
    """Add a truncated copy of each of ``devices``' exports; returns the copies' names."""
    names = []
    for path in sorted(folder.iterdir()):
        if int(path.stem.rpartition("-")[2]) in devices:
            cut = path.with_name(f"{path.stem}-cut.xml")
            cut.write_bytes(path.read_bytes()[:3000])
            names.append(cut.name)
    return names


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fleet")
    write_fleet(folder, DEVICES)
    _break(folder, BROKEN)
    return folder


@pytest.fixture(scope="module")
def spooled(fleet: Path) -> Report:
    """The fleet checked in process, spooled, with nothing prepared for any output, and the
    gate's verdict ``check --soft-fail`` states."""
    report = run(load_benchmarks([POLICY]), [fleet], RunOptions(jobs=1))
    return replace(report, gate=verdict(report, None, {}, ("fail",), soft=True))


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
    assert (done.code, done.err.count("-cut.xml: line ")) == (EXIT_ERROR, len(BROKEN)), done.err
    return {name: (out / file).read_bytes() for name, file in FILES.items()}


def test_fleet_is_spooled(spooled: Report) -> None:
    assert (len(spooled.targets), type(spooled.targets).__name__, len(spooled.errors)) == (
        DEVICES,
        "SpooledTargets",
        len(BROKEN),
    )


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


def test_fleet_of_unloadable_targets_renders_like_an_empty_one(tmp_path: Path) -> None:
    (device,) = write_fleet(tmp_path, 1)
    for index in range(SPOOL_ABOVE + 1):
        tmp_path.joinpath(f"cut-{index:03}.xml").write_bytes(device.read_bytes()[:3000])
    device.unlink()
    options = _options(FILES, jobs=2)
    report = run(load_benchmarks([POLICY]), [tmp_path], options)
    in_memory = replace(report, targets=())
    assert [len(report.targets), len(report.errors)] == [0, SPOOL_ABOVE + 1]
    assert {name: _render(report, name) for name in FILES} == {
        name: _render(in_memory, name) for name in FILES
    }


def _open_temporary_files() -> int:
    """Files of this process open in the temporary folder and already removed (a spool)."""
    folder = Path("/proc/self/fd")
    return sum(_removed_temporary(folder / fd) for fd in os.listdir(folder))


def _removed_temporary(fd: Path) -> bool:
    try:
        link = os.readlink(fd)
    except FileNotFoundError:  # the descriptor that listed the folder, closed since
        return False
    return link.startswith(tempfile.gettempdir()) and link.endswith(" (deleted)")


class Interrupted(Exception):
    pass


def _interrupt(done: int, total: int) -> None:
    if done == total // 2:
        raise Interrupted


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="lists open files in /proc")
@pytest.mark.parametrize("jobs", [1, 2])
def test_run_failing_midway_stops_its_workers_and_closes_its_spool(jobs: int, fleet: Path) -> None:
    before = _open_temporary_files()
    with pytest.raises(Interrupted) as failed:
        run(load_benchmarks([POLICY]), [fleet], RunOptions(jobs=jobs), _interrupt)
    # While its traceback is kept (as a caller that reports it may), the failed run's frames
    # are alive; its workers and spool must not be.
    assert failed.traceback
    assert (multiprocessing.active_children(), _open_temporary_files()) == ([], before)


LINES, DIGEST, REPORTS = Prepared.LINES, Prepared.DIGEST, Prepared.REPORTS


def _options(formats: Iterable[str], jobs: int = 1, recorded: bool = False) -> RunOptions:
    """Options of a run whose outputs are ``formats``, as ``check`` makes them."""
    prepare, line = preparations(formats, recorded)
    return RunOptions(jobs=jobs, prepare=prepare, line=line)


@pytest.mark.parametrize(
    ("formats", "recorded", "prepared"),
    [
        ({"json", "junit", "sarif"}, False, {LINES, DIGEST}),
        ({"json"}, False, {LINES}),
        ({"json", "csv"}, False, {LINES, REPORTS}),
        ({"console"}, False, {REPORTS}),
        ({"sarif"}, True, {DIGEST, REPORTS}),
        (set(), False, {REPORTS}),
    ],
)
def test_a_spooled_run_stores_target_reports_only_for_readers_of_them(
    formats: set[str], recorded: bool, prepared: set[Prepared]
) -> None:
    options = _options(formats, recorded=recorded)
    assert preparing(options, spooled=True) == prepared
    assert preparing(options, spooled=False) == frozenset()


def test_reading_reports_a_run_did_not_keep_is_an_error_not_a_wrong_report(fleet: Path) -> None:
    options = _options({"json"}, jobs=1)
    report = run(load_benchmarks([POLICY]), [fleet], options)
    assert len(report.targets) == DEVICES
    with pytest.raises(RuntimeError, match="not reports"):
        report.targets[0]


def test_history_of_a_fleet_run_records_every_target(fleet: Path, tmp_path: Path) -> None:
    """--history reads every target's score: with only JSON asked for, reports are kept."""
    db = tmp_path / "history.sqlite"
    out = tmp_path / "fleet.json"
    done = baseliner(
        "check", fleet, "--policy", POLICY, "-o", f"json={out}", "--history", str(db),
        "--soft-fail", "--no-progress",
    )  # fmt: skip
    assert done.code == EXIT_ERROR, done.err
    with sqlite3.connect(db) as connection:
        (targets,) = connection.execute("SELECT COUNT(*) FROM run_target").fetchone()
    assert targets == DEVICES


@pytest.mark.parametrize("jobs", [1, 2])
def test_digests_filtered_by_each_worker_give_the_in_memory_outputs(
    jobs: int, fleet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With digests of 3 names, each worker's own digest turns most findings away before they
    reach the parent; JUnit and SARIF still equal what the targets held in memory give."""
    from checker.run import pool
    from checker.scoring import digest

    monkeypatch.setattr(pool, "FLEET_NAMES", 3)
    monkeypatch.setattr(digest, "FLEET_NAMES", 3)
    options = _options({"junit", "sarif", "csv"}, jobs=jobs)
    report = run(load_benchmarks([POLICY]), [fleet], options)
    in_memory = replace(report, targets=tuple(report.targets))
    for name in ("junit", "sarif"):
        assert _render(report, name) == _render(in_memory, name)


@pytest.mark.parametrize("jobs", [1, 2])
def test_fleet_score_from_batch_tallies_equals_one_tally_of_every_target(
    jobs: int, fleet: Path
) -> None:
    """Workers tally their batches and the parent merges them: the fleet score, counts and
    failing names are those of one tally over the targets in run order (the cut at 100
    failing names is tests/test_scoring.py's)."""
    from checker.scoring.tally import Tally

    options = _options({"csv"}, jobs=jobs)
    report = run(load_benchmarks([POLICY]), [fleet], options)
    tally = Tally()
    order = {path: number for number, path in enumerate(sorted(fleet.iterdir()))}
    for target in sorted(report.targets, key=lambda t: order[Path(t.sources[0])]):
        tally.add(target.results, target.name)
    assert tally.fleet_score() == report.fleet
    assert max(len(check.failing) for check in report.fleet.checks) > 20


def test_a_spooled_run_warns_of_targets_sharing_a_name(tmp_path: Path) -> None:
    """Names are compared in the spool's index, in name order; the plan numbers of the
    targets that loaded give their paths (a target that did not load takes no number)."""
    devices = write_fleet(tmp_path, SPOOL_ABOVE + 1)
    copies = [tmp_path / f"copy-{index}.xml" for index in range(7)]
    for copy in copies:
        copy.write_bytes(devices[3].read_bytes())
    (tmp_path / "aaa-cut.xml").write_bytes(devices[0].read_bytes()[:3000])
    report = run(load_benchmarks([POLICY]), [tmp_path], RunOptions(jobs=2))
    assert len(report.targets) == SPOOL_ABOVE + 8 and len(report.errors) == 1
    name = next(t.name for t in report.targets if any(str(devices[3]) in s for s in t.sources))
    paths = sorted([str(devices[3]), *map(str, copies)])
    (warning,) = report.warnings
    assert warning.path == paths[0]
    assert warning.message == (
        f"8 targets have the name {name.casefold()!r} (in any case: {', '.join(paths[:5])} "
        "and 3 more); diff matches targets by name and will see one"
    )
