"""Hostile and broken inputs through the real command: exit 2, a clear message naming the
file (and position where there is one), never a traceback, and the rest of the fleet still
reported.  Also: a report being written survives the process being killed.
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from checker.core.errors import InputFormatError
from checker.policy.load import load_benchmarks
from checker.run.options import RunOptions
from checker.run.orchestrate import run
from checker.targets.load import plan
from checker.targets.plans import Plan
from tests.cli.run import baseliner
from tests.conftest import FIXTURES, ROOT
from tools.make_fleet import device_xml, encode, write_fleet

GOOD = FIXTURES / "gpresult" / "small-rsop.xml"
GOOD_NAME = "WS01"
POLICY = "msft-windows11-24h2"
RSOP = '<Rsop xmlns="http://www.microsoft.com/GroupPolicy/Rsop">'

Make = Callable[[Path], Path]
"""Builds the bad input inside the given folder and returns the path to name on the command."""


def _utf16(text: str) -> bytes:
    return codecs.BOM_UTF16_LE + text.encode("utf-16-le")


def _billion_laughs(folder: Path) -> Path:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    path = folder / "bomb.xml"
    body = f"<!DOCTYPE Rsop [{''.join(entities)}]>\n{RSOP}<ReadTime>&lol9;</ReadTime></Rsop>"
    path.write_text('<?xml version="1.0"?>\n' + body, encoding="utf-8")
    return path


def _external_entity(folder: Path) -> Path:
    path = folder / "xxe.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE Rsop [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        f"{RSOP}<ReadTime>&x;</ReadTime></Rsop>",
        encoding="utf-8",
    )
    return path


def _sparse_2gb(folder: Path) -> Path:
    path = folder / "huge.xml"
    with path.open("wb") as handle:
        handle.write(_utf16(f'<?xml version="1.0" encoding="utf-16"?>\r\n{RSOP}\r\n'))
        handle.truncate(2 * 1024**3)
    return path


def _loop(folder: Path) -> Path:
    (folder / "loop" / "nested").mkdir(parents=True)
    (folder / "loop" / "nested" / "again").symlink_to(folder / "loop", target_is_directory=True)
    return folder / "loop"


def _escape(folder: Path) -> Path:
    outside = folder.parent / "outside.xml"
    outside.write_bytes(GOOD.read_bytes())
    (folder / "linked").mkdir()
    (folder / "linked" / "escape.xml").symlink_to(outside)
    return folder / "linked"


def _truncated_utf16(folder: Path) -> Path:
    data = encode(device_xml(0))
    path = folder / "truncated.xml"
    path.write_bytes(data[: len(data) // 2 + 1])
    return path


def _invalid_utf8(folder: Path) -> Path:
    path = folder / "badutf8.xml"
    path.write_bytes(
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        + RSOP.encode()
        + b"\n<ReadTime>2024-01-01\xc3\x28</ReadTime></Rsop>\n"
    )
    return path


def _json_bomb(folder: Path) -> Path:
    depth = 100_000
    path = folder / "bomb.json"
    path.write_text(
        '{"@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy", '
        f'"name": "x", "settings": {"[" * depth}{"]" * depth}}}',
        encoding="utf-8",
    )
    return path


def _empty_folder(folder: Path) -> Path:
    (folder / "empty").mkdir()
    return folder / "empty"


def _fifo(folder: Path) -> Path:
    path = folder / "pipe.xml"
    os.mkfifo(path)
    return path


def _backup_member(replace: Callable[[Path], None]) -> Make:
    """A copy of a GPO backup fixture whose Machine/registry.pol ``replace`` makes bad."""

    def make(folder: Path) -> Path:
        backup = folder / "backup"
        shutil.copytree(FIXTURES / "gpo" / "misconfigured", backup)
        (member,) = backup.glob("*/DomainSysvol/GPO/Machine/registry.pol")
        member.unlink()
        replace(member)
        return backup

    return make


def _report_link_out(folder: Path) -> Path:
    """A report-only backup whose gpreport.xml is a link to a file outside it."""
    backup = folder / "reportonly"
    (backup / "DomainSysvol").mkdir(parents=True)
    outside = folder.parent / "report.xml"
    outside.write_bytes((FIXTURES / "gpreport" / "two-gpos.xml").read_bytes())
    (backup / "gpreport.xml").symlink_to(outside)
    return backup


def _sidecar_link_out(folder: Path) -> Path:
    """An IntuneManagement intent whose settings sidecar is a link to a file outside."""
    source = FIXTURES / "intune" / "intunemanagement"
    intent = folder / "bitlocker_intent.json"
    intent.write_bytes((source / "bitlocker_intent.json").read_bytes())
    outside = folder.parent / "settings.json"
    outside.write_bytes((source / "bitlocker_intent_Settings.json").read_bytes())
    (folder / "bitlocker_intent_Settings.json").symlink_to(outside)
    return intent


@dataclass(frozen=True)
class Case:
    make: Make
    message: str
    """Text the error line must hold (besides the file name)."""
    named: str = ""
    """The file the error line names, when not the one given on the command line."""


CASES = {
    "billion-laughs": Case(_billion_laughs, "entity"),
    "external-entity": Case(_external_entity, "declares entities (x)"),
    "sparse-2gb": Case(_sparse_2gb, "2,147,483,648 bytes, over the"),
    "directory-loop": Case(_loop, "symbolic link loop"),
    "symlink-out": Case(_escape, "symbolic link leads out of the input folder"),
    "truncated-utf16": Case(_truncated_utf16, "malformed XML"),
    "invalid-utf8": Case(_invalid_utf8, "line 3"),
    "json-bomb": Case(_json_bomb, "invalid JSON"),
    "empty-folder": Case(_empty_folder, "no Group Policy or Intune export found"),
    "fifo": Case(_fifo, "pipe.xml"),
    # A GPO backup's own files: each was read through the link (a file outside the export,
    # quoted in the error) or silently skipped (checks then said "not configured").
    "backup-file-links-out": Case(
        _backup_member(lambda member: member.symlink_to("/etc/hostname")),
        "registry.pol: symbolic link leads out of the GPO backup",
    ),
    "backup-file-is-a-folder": Case(
        _backup_member(lambda member: member.mkdir()), "registry.pol: not a file"
    ),
    "backup-file-link-loop": Case(
        _backup_member(lambda member: member.symlink_to(member.name)),
        "registry.pol: cannot read: Symlink loop",
    ),
    "backup-file-link-to-nothing": Case(
        _backup_member(lambda member: member.symlink_to("gone.pol")),
        "registry.pol: cannot read: No such file or directory",
    ),
    "intune-sidecar-links-out": Case(
        _sidecar_link_out,
        "symbolic link leads out of the export's folder",
        named="bitlocker_intent_Settings.json",
    ),
    "backup-report-links-out": Case(
        _report_link_out, "gpreport.xml: symbolic link leads out of the GPO backup"
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_an_error_and_the_rest_is_reported(tmp_path: Path, name: str) -> None:
    case = CASES[name]
    inputs = tmp_path / "in"
    inputs.mkdir()
    good = inputs / "good.xml"
    good.write_bytes(GOOD.read_bytes())
    bad = case.make(inputs)
    out = tmp_path / "report.json"
    started = time.monotonic()
    done = baseliner("check", good, bad, "--policy", POLICY, "-o", f"json={out}", "--no-progress")
    assert time.monotonic() - started < 60
    assert done.code == 2, done.err
    assert "Traceback" not in done.err + done.out
    errors = [line for line in done.err.splitlines() if line.startswith("input error: ")]
    named = case.named or bad.name
    assert any(named in line and case.message in line for line in errors), done.err
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [target["name"] for target in report["targets"]] == [GOOD_NAME]
    assert report["errors"] and all(error["message"] for error in report["errors"])


def test_positions_are_given_where_they_apply(tmp_path: Path) -> None:
    """Malformed XML names the line and column; the JSON error carries them too."""
    bad = _invalid_utf8(tmp_path)
    out = tmp_path / "report.json"
    done = baseliner("check", bad, "--policy", POLICY, "-o", f"json={out}", "--no-progress")
    assert done.code == 2
    (error,) = json.loads(out.read_text(encoding="utf-8"))["errors"]
    assert (error["path"], error["position"]) == (str(bad), "line 3, column 21")
    assert error["message"].startswith("malformed XML: Invalid bytes in character encoding")


def test_sparse_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    from checker.core.files import read_bytes

    huge = _sparse_2gb(tmp_path)
    started = time.monotonic()
    with pytest.raises(InputFormatError, match="over the"):
        read_bytes(huge)
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(("limit", "refused"), [(10, True), (1 << 20, False)])
def test_file_larger_than_its_stat_size_is_read_to_the_limit(limit: int, refused: bool) -> None:
    """A file that grows after ``stat`` (here a /proc file, whose size reads as 0) is read
    on, and refused once past the limit."""
    from checker.core.files import read_bytes

    status = Path("/proc/self/status")
    if not status.exists() or status.stat().st_size:
        pytest.skip("needs a Linux /proc file that stat reports empty")
    if refused:
        with pytest.raises(InputFormatError, match="grew past the 10-byte limit"):
            read_bytes(status, limit)
    else:
        assert read_bytes(status, limit).startswith(b"Name:")


def test_file_that_disappears_after_planning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Planned, then deleted before it is read: an error naming it, the rest reported."""
    from checker.run import orchestrate as runner

    write_fleet(tmp_path, 3)
    doomed = tmp_path / "gpresult-00001.xml"

    def plan_then_delete(paths: list[Path], manifest: Path | None = None, *more: object) -> Plan:
        result = plan(paths, manifest)
        doomed.unlink()
        return result

    monkeypatch.setattr(runner, "plan", plan_then_delete)
    report = run(load_benchmarks([POLICY]), [tmp_path], RunOptions(jobs=1))
    assert [(e.path, e.message) for e in report.errors] == [
        (str(doomed), "cannot read: No such file or directory")
    ]
    assert len(report.targets) == 2


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_fifo_swapped_in_after_planning_blocks_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Planned as a file, then replaced by a named pipe nobody writes: an error naming it,
    the rest reported (a worker blocked on it for ever)."""
    from checker.run import orchestrate as runner

    write_fleet(tmp_path, 3)
    swapped = tmp_path / "gpresult-00001.xml"

    def plan_then_swap(paths: list[Path], manifest: Path | None = None, *more: object) -> Plan:
        result = plan(paths, manifest)
        swapped.unlink()
        os.mkfifo(swapped)
        return result

    monkeypatch.setattr(runner, "plan", plan_then_swap)
    report = run(load_benchmarks([POLICY]), [tmp_path], RunOptions(jobs=1))
    assert [(e.path, e.message) for e in report.errors] == [
        (str(swapped), "cannot read: not a regular file")
    ]
    assert len(report.targets) == 2


def test_a_history_locked_too_long_loses_no_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another writer holds the history past the busy timeout: the reports are written,
    then the lock is said (exit 2)."""
    import sqlite3

    from checker.cli import main
    from checker.history import sqlite_db

    history, out = tmp_path / "h.sqlite", tmp_path / "r.json"
    args = ["check", str(FIXTURES / "gpo" / "compliant"), "--policy", POLICY, "--jobs", "1"]
    assert main([*args, "--history", str(history)]) == 0
    monkeypatch.setattr(sqlite_db, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(history, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code = main([*args, "--history", str(history), "-o", f"json={out}"])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 2
    assert "locked by another writer for over 0.2 s" in capsys.readouterr().err
    assert json.loads(out.read_text(encoding="utf-8"))["targets"]


# --- a killed writer leaves the previous report intact ------------------------------------

FLEET = 300


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fleet")
    write_fleet(folder, FLEET)
    return folder


def test_report_survives_a_kill_mid_write(fleet: Path, tmp_path: Path) -> None:
    """Killed while it writes its reports, a run leaves the previous report as it was, and
    no run in the history: the history is written last (issue 21 found a history row with
    no report)."""
    out = tmp_path / "report.json"
    history = tmp_path / "history.sqlite"
    previous = '{"schema_version": "previous good report"}\n'
    out.write_text(previous, encoding="utf-8")
    recorded = baseliner(
        "check", fleet, "--policy", POLICY, "--history", history, "--label", "before",
        "--soft-fail", "--no-progress", "--jobs", "2",
    )  # fmt: skip
    assert recorded.code == 0, recorded.err
    command = [sys.executable, "-m", "checker", "check", str(fleet), "--policy", POLICY]
    command += ["-o", f"json={out}", "--soft-fail", "--no-progress", "--jobs", "2"]
    command += ["--history", str(history), "--label", "killed"]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        partial = _wait_for_partial(tmp_path, proc)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert partial > 0
    assert out.read_text(encoding="utf-8") == previous
    runs = baseliner("history", "--history", history, "--format", "json")
    assert [run["label"] for run in json.loads(runs.out)["runs"]] == ["before"]


def _wait_for_partial(folder: Path, proc: subprocess.Popen[bytes]) -> int:
    """Size of the report's temporary file once a good part of it is written."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the run ended before it could be killed mid-write"
        temps = list(folder.glob(".report.json.*.tmp"))
        if temps:
            try:
                size = temps[0].stat().st_size
            except FileNotFoundError:
                continue
            if size > 1_000_000:
                return size
        time.sleep(0.005)
    raise AssertionError("no partial report appeared")


# --- a worker killed mid-run ends the run with an error, not a hang -------------------------


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds workers in /proc")
def test_killed_worker_is_an_error_and_the_rest_is_reported(fleet: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    command = [sys.executable, "-m", "checker", "check", str(fleet), "--policy", POLICY]
    command += ["-o", f"json={out}", "--no-progress", "--jobs", "2"]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        os.kill(_a_worker(proc), signal.SIGKILL)
        _, stderr = proc.communicate(timeout=120)  # before the fix: waited for ever
    finally:
        proc.kill()
    message = stderr.decode()
    assert proc.returncode == 2, message
    assert "Traceback" not in message
    assert "not checked: a worker process ended unexpectedly" in message
    report = json.loads(out.read_text(encoding="utf-8"))
    lost = [e for e in report["errors"] if "not checked" in e["message"]]
    assert lost, "the killed worker's targets are listed as not checked"
    assert len(report["targets"]) + len(lost) == FLEET


def _a_worker(proc: subprocess.Popen[bytes]) -> int:
    """The process id of one of ``proc``'s workers, once it has one."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the run ended before a worker could be killed"
        for children in Path(f"/proc/{proc.pid}/task").glob("*/children"):
            found = children.read_text().split()
            if found:
                return int(found[0])
        time.sleep(0.005)
    raise AssertionError("no worker process appeared")
