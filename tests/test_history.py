"""Run history: round trip, errors on bad files, concurrent writers, a writer killed mid-run."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from checker.core.results import RunSummary
from checker.core.statuses import Category
from checker.history.store import APPLICATION_ID, SCHEMA_VERSION, HistoryError, record, runs
from checker.reporters.history import render_history, to_series
from tests.conftest import ROOT
from tests.reporters import factory

T0 = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)

WRITER = """
import sys
import time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from checker.history.store import record
from tests.reporters import factory
path, prefix, count = Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
report = factory.fleet_of_three() if count > 0 else factory.generated_fleet(300, 60)
go = path.with_name("go")
while not go.exists():
    time.sleep(0.005)
n = 0
while count <= 0 or n < count:
    record(path, report, label=f"{prefix}-{n}")
    n += 1
"""


def _writer(path: Path, prefix: str, count: int) -> subprocess.Popen[bytes]:
    """A separate Python process recording ``count`` runs (forever when ``count`` is 0),
    starting when a file ``go`` appears beside ``path`` so that writers start together."""
    argv = [sys.executable, "-c", WRITER, str(ROOT), str(path), prefix, str(count)]
    return subprocess.Popen(argv, stderr=subprocess.PIPE)


def _query(path: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute(sql, args).fetchall()


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    assert record(path, factory.fleet_of_three(), label="abc123", at=T0) == 1
    assert record(path, factory.single_device(), at=T0 + timedelta(days=1)) == 2
    first, second = runs(path)
    assert first == RunSummary(
        id=1,
        at=T0,
        label="abc123",
        tool_version="0.1.0",
        targets=3,
        overall=100 * 14.5 / 39,
        categories=(
            (Category.APPLICATION, 50.0),
            (Category.OS, 100 * 2 / 3),
            (Category.NETWORK, 100 / 3),
            (Category.ACCOUNTS, 100 * 20 / 36),
            (Category.SECURITY_CONTROLS, 0.0),
        ),
        uncertain_range=(100 * 14.5 / 39, 100 * 14.5 / 39),
        exposed=10,
    )
    assert (second.id, second.label, second.targets, second.exposed) == (2, None, 1, 4)
    assert second.overall == pytest.approx(100 * 9 / 39)


def test_per_target_and_per_check_rows(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    record(path, factory.fleet_of_three(), at=T0)
    targets = _query(path, "SELECT no, name, round(percent, 2) FROM run_target ORDER BY no")
    assert targets == [(0, "WS-0001", 30.77), (1, "WS-0002", 43.59), (2, "SRV-01", 36.11)]
    checks = _query(
        path,
        "SELECT check_id, exposed, total, round(ratio, 4) FROM run_check ORDER BY no",
    )
    assert checks == [
        ("MS-ACC-001", 1, 3, 0.6667),
        ("MS-ACC-006", 2, 3, 0.3333),
        ("MS-APP-005", 1, 2, 0.5),
        ("MS-NET-002", 2, 3, 0.3333),
        ("MS-OS-003", 1, 3, 0.6667),
        ("MS-SC-004", 3, 3, 0.0),
    ]
    statuses = _query(
        path,
        "SELECT check_id, status FROM target_status JOIN run_check"
        " ON run_check.run = target_status.run AND run_check.no = check_no"
        " WHERE target = 2 ORDER BY check_id",
    )
    assert statuses == [
        ("MS-ACC-006", "fail"),
        ("MS-APP-005", "not_applicable"),
        ("MS-NET-002", "not_configured"),
        ("MS-SC-004", "not_configured"),
    ]
    categories = _query(
        path,
        "SELECT category, round(percent, 2) FROM target_category"
        " WHERE target = 0 ORDER BY category",
    )
    assert categories == [
        ("accounts", 33.33),
        ("application", 100.0),
        ("network", 0.0),
        ("os", 100.0),
        ("security_controls", 0.0),
    ]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (datetime(2026, 3, 1, 8, 30), T0),
        (datetime(2026, 3, 1, 10, 30, tzinfo=timezone(timedelta(hours=2))), T0),
    ],
    ids=["naive-is-utc", "aware-converted"],
)
def test_time_is_stored_in_utc(tmp_path: Path, given: datetime, expected: datetime) -> None:
    path = tmp_path / "history.db"
    record(path, factory.single_device(), at=given)
    assert runs(path)[0].at == expected
    assert _query(path, "SELECT at FROM run") == [("2026-03-01T08:30:00Z",)]


def test_last_runs(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    for day in range(4):
        record(path, factory.single_device(), label=str(day), at=T0 + timedelta(days=day))
    assert [run.label for run in runs(path, last=2)] == ["2", "3"]
    assert runs(path, last=0) == []


def _other_database(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")


def _newer_schema(path: Path) -> None:
    record(path, factory.single_device(), at=T0)
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database\n" * 100)


def _truncated(path: Path) -> None:
    record(path, factory.generated_fleet(50, 30), at=T0)
    data = path.read_bytes()
    path.write_bytes(data[:100] + b"\xff" * 2000 + data[2100:])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _edited(sql: str) -> Callable[[Path], None]:
    """A history file with ``sql`` run on it (an edit by hand that SQLite's types allow)."""

    def make(path: Path) -> None:
        record(path, factory.single_device(), at=T0)
        with sqlite3.connect(path) as db:
            db.execute(sql)

    return make


BAD_FILES = [
    ("missing", lambda path: None, "no history file"),
    ("garbage", _garbage, "not a readable history file (file is not a database)"),
    ("damaged", _truncated, "not a readable history file"),
    ("other-sqlite", _other_database, "not a baseliner history file (another SQLite database)"),
    ("newer-schema", _newer_schema, f"written by a newer baseliner (schema {SCHEMA_VERSION + 1}"),
    ("empty", _empty, "not a baseliner history file (an empty database)"),
    # These were internal errors (an assert, Category(), datetime.fromisoformat()).
    ("bad-time", _edited("UPDATE run SET at = 'yesterday'"), "damaged history file: Invalid"),
    ("score-type", _edited("UPDATE run SET percent = 'high'"), "damaged history file: run 1:"),
    (
        "bad-category",
        _edited("UPDATE run_category SET category = 'gaming' WHERE category = 'os'"),
        "damaged history file: unknown category 'gaming'",
    ),
]


@pytest.mark.parametrize(
    ("make", "message"), [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_bad_history_files_read(tmp_path: Path, make: object, message: str) -> None:
    path = tmp_path / "history.db"
    assert callable(make)
    make(path)
    with pytest.raises(HistoryError) as caught:
        runs(path)
    assert caught.value.path == path
    assert caught.value.message.startswith(message)
    assert str(caught.value).startswith(f"{path}: {message}")


@pytest.mark.parametrize("make", [_garbage, _other_database, _newer_schema])
def test_recording_into_a_bad_file_leaves_it_alone(tmp_path: Path, make: object) -> None:
    path = tmp_path / "history.db"
    assert callable(make)
    make(path)
    before = path.read_bytes()
    with pytest.raises(HistoryError):
        record(path, factory.single_device(), at=T0)
    assert path.read_bytes() == before


def test_new_file_is_marked(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    record(path, factory.single_device(), at=T0)
    assert _query(path, "PRAGMA application_id") == [(APPLICATION_ID,)]
    assert _query(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert _query(path, "PRAGMA journal_mode") == [("wal",)]


def _two_runs() -> list[RunSummary]:
    base = RunSummary(
        id=1,
        at=T0,
        label="abc123",
        tool_version="0.1.0",
        targets=3,
        overall=61.25,
        categories=((Category.OS, 50.0), (Category.NETWORK, 75.555)),
        uncertain_range=(60.0, 70.0),
        exposed=7,
    )
    later = RunSummary(
        id=2,
        at=T0 + timedelta(days=1),
        label=None,
        tool_version="0.1.0",
        targets=12,
        overall=70.0,
        categories=((Category.OS, 80.0),),
        uncertain_range=(70.0, 70.0),
        exposed=3,
    )
    return [base, later]


def test_series() -> None:
    point = {"run": 1, "at": "2026-03-01T08:30:00Z", "label": "abc123"}
    later = {"run": 2, "at": "2026-03-02T08:30:00Z", "label": None}
    assert to_series(_two_runs()) == {
        "overall": [{**point, "percent": 61.25}, {**later, "percent": 70.0}],
        "os": [{**point, "percent": 50.0}, {**later, "percent": 80.0}],
        "network": [{**point, "percent": 75.56}],
    }


def test_series_of_a_file(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    record(path, factory.fleet_of_three(), label="a", at=T0)
    assert list(to_series(runs(path))) == ["overall", *(c.value for c in Category)]


def test_render_text() -> None:
    assert render_history(_two_runs(), "text") == (
        "run  at (UTC)              label   targets  overall  change     os  network\n"
        "  1  2026-03-01T08:30:00Z  abc123        3    61.2%          50.0%    75.6%\n"
        "  2  2026-03-02T08:30:00Z  -            12    70.0%    +8.8  80.0%        -\n"
    )
    assert render_history([], "text") == "no runs recorded\n"


def test_render_json() -> None:
    document = json.loads(render_history(_two_runs(), "json"))
    assert document["runs"][1] == {
        "id": 2,
        "at": "2026-03-02T08:30:00Z",
        "label": None,
        "tool_version": "0.1.0",
        "targets": 12,
        "overall": 70.0,
        "categories": {"os": 80.0},
        "uncertain_range": [70.0, 70.0],
        "exposed": 3,
    }
    assert document["series"] == to_series(_two_runs())


def test_concurrent_writers_all_land(tmp_path: Path) -> None:
    """Two processes start together on a file that does not exist yet; 40 runs each."""
    path = tmp_path / "history.db"
    writers = [_writer(path, name, 40) for name in ("a", "b")]
    time.sleep(0.5)  # both imported and waiting
    (tmp_path / "go").touch()
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err.decode()
    recorded = runs(path)
    assert sorted(run.label or "" for run in recorded) == sorted(
        f"{name}-{n}" for name in ("a", "b") for n in range(40)
    )
    assert [run.id for run in recorded] == list(range(1, 81))
    assert _query(path, "SELECT count(*) FROM run_target") == [(240,)]


def test_kill_mid_write_keeps_committed_runs(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    writer = _writer(path, "k", 0)
    (tmp_path / "go").touch()
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if path.is_file() and _count_runs(path) >= 3:
                break
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    recorded = runs(path)
    assert len(recorded) >= 3
    assert all(run.targets == 300 for run in recorded)
    per_run = _query(path, "SELECT run, count(*) FROM run_target GROUP BY run ORDER BY run")
    assert per_run == [(run.id, 300) for run in recorded]
    assert _query(path, "PRAGMA integrity_check") == [("ok",)]
    assert record(path, factory.single_device(), at=T0) == recorded[-1].id + 1


def _count_runs(path: Path) -> int:
    try:
        return len(runs(path))
    except HistoryError:
        return 0


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes")
def test_a_history_path_that_is_not_a_file_is_refused(tmp_path: Path) -> None:
    """/dev/null or a pipe: SQLite said 'cannot rollback - no transaction is active'."""
    pipe = tmp_path / "history.db"
    os.mkfifo(pipe)
    with pytest.raises(HistoryError) as caught:
        record(pipe, factory.single_device(), at=T0)
    assert caught.value.message == "not a file: a history is an SQLite file of its own"
