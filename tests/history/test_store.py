"""Recording and reading the history, the same on both backends (SQLite file, PostgreSQL):
round trip, rows, series per benchmark and group, text stored as text, refused stores."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from checker.core.results import Report, RunSummary
from checker.core.statuses import Category, Status
from checker.history.database import HistoryError
from checker.history.location import Backend, Location, parse_location
from checker.history.query import Selection, runs
from checker.history.schema import SCHEMA_VERSION
from checker.history.sqlite_db import APPLICATION_ID
from checker.history.store import record, summaries
from tests.history.stores import raw, rows
from tests.reporters import factory

T0 = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
BENCHMARK = factory.BENCHMARK


def grouped(report: Report, groups: Callable[[int], str | None]) -> Report:
    """``report`` with target ``i`` in group ``groups(i)``."""
    targets = [replace(t, group=groups(i)) for i, t in enumerate(report.targets)]
    return replace(report, targets=targets)


def test_round_trip(store: Location) -> None:
    assert record(store, factory.fleet_of_three(), label="abc123", at=T0) == 1
    assert record(store, factory.single_device(), at=T0 + timedelta(days=1)) == 2
    first, second = runs(store)
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
        benchmark=BENCHMARK,
        group=None,
    )
    assert (second.id, second.label, second.targets, second.exposed) == (2, None, 1, 4)
    assert second.overall == pytest.approx(100 * 9 / 39)


def test_summaries_are_what_is_read_back(store: Location) -> None:
    """The HTML report draws the run before it is recorded: from ``summaries``."""
    report = factory.generated_fleet(12, 40)
    ahead = summaries(report, label="x", at=T0 + timedelta(microseconds=5), run=1)
    record(store, report, label="x", at=T0)
    assert runs(store) == ahead
    assert [run.benchmark for run in ahead] == list(factory.GENERATED_BENCHMARKS[::-1])


def test_per_target_and_per_check_rows(store: Location) -> None:
    record(store, factory.fleet_of_three(), at=T0)
    targets = rows(
        store,
        "SELECT t.no, t.name, round(CAST(s.percent AS NUMERIC), 2) FROM run_target t"
        " JOIN target_score s ON s.run = t.run AND s.target = t.no ORDER BY t.no",
    )
    assert [(no, name, float(p)) for no, name, p in targets] == [
        (0, "WS-0001", 30.77),
        (1, "WS-0002", 43.59),
        (2, "SRV-01", 36.11),
    ]
    checks = rows(store, "SELECT check_id, benchmark, title, exposed, total FROM run_check")
    assert sorted(checks)[:2] == [
        ("MS-ACC-001", BENCHMARK, "Minimum password length is at least 14", 1, 3),
        ("MS-ACC-006", BENCHMARK, "Audit Credential Validation: Success and Failure", 2, 3),
    ]
    statuses = rows(
        store,
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
    categories = rows(store, "SELECT category FROM target_category WHERE target = 0")
    assert sorted(name for (name,) in categories) == sorted(c.value for c in Category)


@pytest.mark.parametrize(
    "given",
    [
        datetime(2026, 3, 1, 8, 30),
        datetime(2026, 3, 1, 10, 30, tzinfo=timezone(timedelta(hours=2))),
    ],
    ids=["naive-is-utc", "aware-converted"],
)
def test_time_is_stored_in_utc(store: Location, given: datetime) -> None:
    record(store, factory.single_device(), at=given)
    assert runs(store)[0].at == T0
    if store.backend is Backend.SQLITE:
        assert rows(store, "SELECT at FROM run") == [("2026-03-01T08:30:00Z",)]


def test_last_and_since(store: Location) -> None:
    for day in range(4):
        record(store, factory.single_device(), label=str(day), at=T0 + timedelta(days=day))
    assert [run.label for run in runs(store, Selection(last=2))] == ["2", "3"]
    since = Selection(since=T0 + timedelta(days=1))
    assert [run.label for run in runs(store, since)] == ["1", "2", "3"]
    assert runs(store, Selection(since=T0 + timedelta(days=9))) == []


def test_a_series_per_benchmark_and_group(store: Location) -> None:
    """A run of two benchmarks is a point on each one's series; groups are series of their
    own; a benchmark or group filter reads only its series."""
    report = grouped(factory.generated_fleet(10, 30), lambda i: "servers" if i < 4 else "ws")
    record(store, report, label="both", at=T0)
    record(store, factory.fleet_of_three(), label="w11", at=T0 + timedelta(days=1))
    fleet = runs(store)
    assert [(r.benchmark, r.group, r.label, r.targets) for r in fleet] == [
        ("gen-defender", None, "both", 10),
        ("gen-workstation", None, "both", 10),
        (BENCHMARK, None, "w11", 3),
    ]
    by_group = runs(store, Selection(by_group=True))
    assert [(r.benchmark, r.group, r.targets) for r in by_group] == [
        ("gen-defender", "servers", 4),
        ("gen-defender", "ws", 6),
        ("gen-workstation", "servers", 4),
        ("gen-workstation", "ws", 6),
    ]
    one = runs(store, Selection(benchmark="gen-defender", group="ws"))
    assert [(r.benchmark, r.group) for r in one] == [("gen-defender", "ws")]
    whole = {r.benchmark: r for r in fleet}["gen-defender"]
    parts = [r for r in by_group if r.benchmark == "gen-defender"]
    assert whole.exposed == sum(r.exposed for r in parts)


HOSTILE = "x'); DROP TABLE run; -- \" ; SELECT 1 /* ? %s $1"
"""Quotes, a statement terminator, comments, and every placeholder style."""


def test_text_with_quotes_and_sql_is_stored_as_text(store: Location) -> None:
    check = replace(factory.CHECKS[0], id=f"CHECK-{HOSTILE}", title=HOSTILE)
    results = [replace(factory.result(factory.CHECKS[0].id, Status.FAIL), check=check)]
    target = replace(factory.target(f"host {HOSTILE}", results), group=f"group {HOSTILE}")
    report = factory.report([target])
    record(store, report, label=f"label {HOSTILE}", at=T0)
    record(store, report, label=f"label {HOSTILE}", at=T0 + timedelta(days=1))
    (run, *_) = runs(store, Selection(group=f"group {HOSTILE}"))
    assert (run.label, run.group) == (f"label {HOSTILE}", f"group {HOSTILE}")
    assert rows(store, "SELECT check_id, title FROM run_check WHERE run = ?", 1) == [
        (f"CHECK-{HOSTILE}", HOSTILE)
    ]
    assert rows(store, "SELECT name FROM run_target WHERE run = ?", 2) == [(f"host {HOSTILE}",)]
    assert rows(store, "SELECT count(*) FROM run") == [(2,)]


def test_nul_and_lone_surrogates_are_kept_visible(store: Location) -> None:
    record(store, factory.single_device(), label="a\x00b\udcff", at=T0)
    assert runs(store)[0].label == "a\\x00b\\udcff"


def test_a_newer_schema_is_refused(store: Location) -> None:
    record(store, factory.single_device(), at=T0)
    if store.backend is Backend.SQLITE:
        raw(store, f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    else:
        raw(store, f"UPDATE schema_version SET version = {SCHEMA_VERSION + 1}")
    message = f"written by a newer baseliner (schema {SCHEMA_VERSION + 1}; this one reads"
    for attempt in (lambda: runs(store), lambda: record(store, factory.single_device())):
        with pytest.raises(HistoryError) as caught:
            attempt()
        assert caught.value.message.startswith(message)
    assert rows(store, "SELECT count(*) FROM run") == [(1,)]


def test_reading_an_empty_store(store: Location) -> None:
    if store.backend is Backend.SQLITE:
        assert store.path is not None
        store.path.write_bytes(b"")
    with pytest.raises(HistoryError) as caught:
        runs(store)
    assert caught.value.message in {
        "not a baseliner history file (an empty database)",
        "no baseliner history in this database (record one with `baseliner check --history`)",
    }


DEVICE_TABLES = ("run_check", "run_target", "target_score", "target_category", "target_status")


def test_history_reads_no_device_row(tmp_path: Path) -> None:
    """With every per-check and per-device table gone, the series read the same."""
    location = parse_location(str(tmp_path / "history.db"))
    for day in range(3):
        record(location, factory.generated_fleet(30, 40, seed=day), label=str(day))
    selections = [Selection(), Selection(by_group=True), Selection(benchmark="gen-defender")]
    before = [runs(location, selection) for selection in selections]
    raw(location, *(f"DROP TABLE {table}" for table in DEVICE_TABLES))
    assert [runs(location, selection) for selection in selections] == before


# --- SQLite files ---------------------------------------------------------------------------


def _file(tmp_path: Path) -> Location:
    return parse_location(str(tmp_path / "history.db"))


def _query(location: Location, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(str(location.path)) as db:
        return db.execute(sql).fetchall()


def _other_database(location: Location) -> None:
    raw(location, "CREATE TABLE notes (text TEXT)")


def _newer_schema(location: Location) -> None:
    record(location, factory.single_device(), at=T0)
    raw(location, f"PRAGMA user_version = {SCHEMA_VERSION + 1}")


def _garbage(location: Location) -> None:
    assert location.path is not None
    location.path.write_bytes(b"this is not a database\n" * 100)


def _truncated(location: Location) -> None:
    assert location.path is not None
    record(location, factory.generated_fleet(50, 30), at=T0)
    data = location.path.read_bytes()
    location.path.write_bytes(data[:100] + b"\xff" * 2000 + data[2100:])


def _edited(sql: str) -> Callable[[Location], None]:
    """A history file with ``sql`` run on it (an edit by hand that SQLite's types allow)."""

    def make(location: Location) -> None:
        record(location, factory.single_device(), at=T0)
        raw(location, sql)

    return make


BAD_FILES = [
    ("missing", lambda location: None, "no history file"),
    ("garbage", _garbage, "not a readable history file (file is not a database)"),
    ("damaged", _truncated, "not a readable history file"),
    ("other-sqlite", _other_database, "not a baseliner history file (another SQLite database)"),
    ("newer-schema", _newer_schema, f"written by a newer baseliner (schema {SCHEMA_VERSION + 1}"),
    # These were internal errors (an assert, Category(), datetime.fromisoformat()).
    ("bad-time", _edited("UPDATE run SET at = 'yesterday'"), "damaged history file: Invalid"),
    ("score-type", _edited("UPDATE run_score SET percent = 'high'"), "damaged history file: run"),
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
    location = _file(tmp_path)
    assert callable(make)
    make(location)
    with pytest.raises(HistoryError) as caught:
        runs(location)
    assert caught.value.where == str(location.path)
    assert caught.value.message.startswith(message)
    assert str(caught.value).startswith(f"{location.path}: {message}")


@pytest.mark.parametrize("make", [_garbage, _other_database, _newer_schema])
def test_recording_into_a_bad_file_leaves_it_alone(tmp_path: Path, make: object) -> None:
    location = _file(tmp_path)
    assert callable(make) and location.path is not None
    make(location)
    before = location.path.read_bytes()
    with pytest.raises(HistoryError):
        record(location, factory.single_device(), at=T0)
    assert location.path.read_bytes() == before


def test_new_file_is_marked(tmp_path: Path) -> None:
    location = _file(tmp_path)
    record(location, factory.single_device(), at=T0)
    assert _query(location, "PRAGMA application_id") == [(APPLICATION_ID,)]
    assert _query(location, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert _query(location, "PRAGMA journal_mode") == [("wal",)]


def test_a_history_path_that_is_not_a_file_is_refused(tmp_path: Path) -> None:
    """/dev/null or a pipe: SQLite said 'cannot rollback - no transaction is active'."""
    pipe = tmp_path / "history.db"
    mkfifo = getattr(__import__("os"), "mkfifo", None)
    if mkfifo is None:
        pytest.skip("named pipes")
    mkfifo(pipe)
    with pytest.raises(HistoryError) as caught:
        record(parse_location(str(pipe)), factory.single_device(), at=T0)
    assert caught.value.message == "not a file: a history is an SQLite file of its own"
