"""Run history: every recorded run's scores in one SQLite file (DESIGN §5 "History").

One run is one transaction, so a run is either wholly in the file or not at all: a process
killed mid-write leaves the runs committed before it.  The file is in WAL mode and writers
take the write lock up front (``BEGIN IMMEDIATE``) and wait for it (``busy_timeout``), so
pipelines that record at the same time into one file all land.

What a run keeps: when (UTC) and a label (e.g. a git sha); the fleet's overall and
per-category scores; each target's overall and per-category scores; each check's fleet
ratio, exposed and total counts and score impact; and each target's status per check.
Statuses are stored only where they are not ``pass`` (about a fifth of a real fleet's
results), so a 5,000-device run stays a few MB; a check with no row for a target passed.

The file says what it is in ``PRAGMA application_id`` and which layout it has in
``PRAGMA user_version``; a file of another application or of a newer layout is refused with
a :class:`HistoryError` rather than read wrongly.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from checker.core.errors import BaselinerError
from checker.core.results import Report, RunSummary, Score, timestamp
from checker.core.statuses import Category, Status
from checker.core.text import storable

APPLICATION_ID = 0x42534C4E
"""``BSLN``: marks a SQLite file as a baseliner history."""


SCHEMA_VERSION = 1


BUSY_TIMEOUT_MS = 60_000
"""How long a writer waits for another writer's transaction before giving up."""


_SCHEMA = """
CREATE TABLE run (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    label TEXT,
    tool_version TEXT NOT NULL,
    targets INTEGER NOT NULL,
    percent REAL NOT NULL,
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    uncertain_low REAL NOT NULL,
    uncertain_high REAL NOT NULL
);
CREATE TABLE run_category (
    run INTEGER NOT NULL REFERENCES run (id),
    category TEXT NOT NULL,
    percent REAL NOT NULL,
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    PRIMARY KEY (run, category)
) WITHOUT ROWID;
CREATE TABLE run_check (
    run INTEGER NOT NULL REFERENCES run (id),
    no INTEGER NOT NULL,
    check_id TEXT NOT NULL,
    category TEXT NOT NULL,
    impact INTEGER NOT NULL,
    ratio REAL NOT NULL,
    exposed INTEGER NOT NULL,
    total INTEGER NOT NULL,
    score_impact REAL NOT NULL,
    PRIMARY KEY (run, no)
) WITHOUT ROWID;
CREATE TABLE run_target (
    run INTEGER NOT NULL REFERENCES run (id),
    no INTEGER NOT NULL,
    name TEXT NOT NULL,
    percent REAL NOT NULL,
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    PRIMARY KEY (run, no)
) WITHOUT ROWID;
CREATE TABLE target_category (
    run INTEGER NOT NULL,
    target INTEGER NOT NULL,
    category TEXT NOT NULL,
    percent REAL NOT NULL,
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    PRIMARY KEY (run, target, category),
    FOREIGN KEY (run, target) REFERENCES run_target (run, no)
) WITHOUT ROWID;
CREATE TABLE target_status (
    run INTEGER NOT NULL,
    target INTEGER NOT NULL,
    check_no INTEGER NOT NULL,
    status TEXT NOT NULL,
    PRIMARY KEY (run, target, check_no),
    FOREIGN KEY (run, target) REFERENCES run_target (run, no),
    FOREIGN KEY (run, check_no) REFERENCES run_check (run, no)
) WITHOUT ROWID;
"""


class HistoryError(BaselinerError):
    """A history file that is missing, not a history, damaged or locked too long."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message

    def lines(self) -> Iterator[str]:
        yield f"history error: {self}"


def _utc(at: datetime | None) -> datetime:
    """``at`` in UTC (a naive time is taken to be UTC already), or now."""
    if at is None:
        return datetime.now(UTC)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


@contextmanager
def _database(path: Path, *, create: bool) -> Iterator[sqlite3.Connection]:
    """An open connection that waits for writers; SQLite failures become :class:`HistoryError`."""
    if not create and not path.is_file():
        raise HistoryError(path, "no history file (record one with `baseliner check --history`)")
    if path.exists() and not path.is_file():  # /dev/null, a pipe: SQLite's errors say less
        raise HistoryError(path, "not a file: a history is an SQLite file of its own")
    try:
        uri = path.resolve().as_uri() + ("?mode=rwc" if create else "?mode=rw")
        with closing(
            sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        ) as db:
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            yield db
    except sqlite3.Error as exc:
        raise HistoryError(path, _explain(exc)) from exc


def _explain(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "not a database" in text or "malformed" in text:
        return f"not a readable history file ({text})"
    if "disk is full" in text or getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL":
        return f"the disk is full: nothing of this run was recorded ({text})"
    if "locked" in text:
        return f"locked by another writer for over {BUSY_TIMEOUT_MS / 1000:g} s ({text})"
    return text


_LAYOUT = """
SELECT (SELECT application_id FROM pragma_application_id()),
       (SELECT user_version FROM pragma_user_version()),
       (SELECT count(*) FROM sqlite_master)
"""


def _layout(db: sqlite3.Connection, path: Path) -> int:
    """The file's schema version, after making sure the file is a baseliner history."""
    # One statement, so one snapshot: read one by one, a writer creating the file could
    # commit between them, and its tables would be seen without its application id.
    app, version, tables = db.execute(_LAYOUT).fetchone()
    version = int(version)
    if app == 0 and version == 0 and tables == 0:
        return 0
    if app != APPLICATION_ID:
        raise HistoryError(path, "not a baseliner history file (another SQLite database)")
    if version > SCHEMA_VERSION:
        raise HistoryError(
            path,
            f"written by a newer baseliner (schema {version}; this one reads {SCHEMA_VERSION})",
        )
    return version


def _ensure_schema(db: sqlite3.Connection, path: Path) -> None:
    """Create the tables in a new file; called inside the write transaction."""
    if _layout(db, path) == 0:
        # One by one: executescript() would commit the open transaction first.
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _write_ahead(db: sqlite3.Connection) -> None:
    """Put the file in WAL mode, so readers never block the writer nor the writer readers.

    SQLite answers "database is locked" at once, without its busy handler, when another
    connection holds the file while the mode changes (two writers on a new file), so the
    change is retried here for as long as a writer would wait.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            db.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _score_row(score: Score) -> tuple[float, float, float]:
    return (score.percent, float(score.points), float(score.max_points))


def _insert(db: sqlite3.Connection, report: Report, label: str | None, at: datetime) -> int:
    fleet = report.fleet
    low, high = fleet.uncertain_range
    cursor = db.execute(
        "INSERT INTO run (at, label, tool_version, targets, percent, points, max_points,"
        " uncertain_low, uncertain_high) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            timestamp(at),
            None if label is None else storable(label),
            report.tool_version,
            len(report.targets),
            *_score_row(fleet.overall),
            low,
            high,
        ),
    )
    run = int(cursor.lastrowid or 0)
    db.executemany(
        "INSERT INTO run_category VALUES (?, ?, ?, ?, ?)",
        ((run, category.value, *_score_row(score)) for category, score in fleet.categories),
    )
    checks = sorted(fleet.checks, key=lambda c: c.check.id)
    numbers = {item.check.id: no for no, item in enumerate(checks)}
    db.executemany(
        "INSERT INTO run_check VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                run,
                no,
                c.check.id,
                c.check.category.value,
                c.check.impact,
                float(c.ratio),
                c.exposed,
                c.total,
                float(c.score_impact),
            )
            for no, c in enumerate(checks)
        ),
    )
    for no, target in enumerate(report.targets):
        db.execute(
            "INSERT INTO run_target VALUES (?, ?, ?, ?, ?, ?)",
            (run, no, storable(target.name), *_score_row(target.score.overall)),
        )
        db.executemany(
            "INSERT INTO target_category VALUES (?, ?, ?, ?, ?, ?)",
            ((run, no, c.value, *_score_row(s)) for c, s in target.score.categories),
        )
        db.executemany(
            "INSERT OR REPLACE INTO target_status VALUES (?, ?, ?, ?)",
            (
                (run, no, numbers[r.check.id], r.status.value)
                for r in target.results
                if r.status is not Status.PASS
            ),
        )
    return run


def summary(report: Report, *, label: str | None, at: datetime, run: int) -> RunSummary:
    """The run ``record`` would store for ``report``, as :func:`runs` reads it back (``run``
    is the id it would get): so reports drawing the history can be written before the
    history is."""
    fleet = report.fleet
    return RunSummary(
        id=run,
        at=datetime.fromisoformat(timestamp(at)),
        label=None if label is None else storable(label),
        tool_version=report.tool_version,
        targets=len(report.targets),
        overall=fleet.overall.percent,
        categories=tuple((category, score.percent) for category, score in fleet.categories),
        uncertain_range=fleet.uncertain_range,
        exposed=sum(check.exposed for check in fleet.checks),
    )


def record(
    path: Path, report: Report, *, label: str | None = None, at: datetime | None = None
) -> int:
    """Store one run in the history at ``path`` (created when absent); its run id.

    ``at`` defaults to now; a naive datetime is taken as UTC.
    """
    when = _utc(at)
    with _database(path, create=True) as db:
        _layout(db, path)  # before WAL mode, which would rewrite a file that is not ours
        _write_ahead(db)
        db.execute("BEGIN IMMEDIATE")
        try:
            _ensure_schema(db, path)
            run = _insert(db, report, label, when)
            db.execute("COMMIT")
        except BaseException:
            # SQLite has rolled back already after some errors (a full disk): rolling back
            # again would raise "no transaction is active" and hide the error.
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
    return run


_RUNS = """
SELECT run.id, run.at, run.label, run.tool_version, run.targets, run.percent,
       run.uncertain_low, run.uncertain_high,
       (SELECT coalesce(sum(exposed), 0) FROM run_check WHERE run_check.run = run.id)
FROM run ORDER BY run.id
"""


def runs(path: Path, *, last: int | None = None) -> list[RunSummary]:
    """The recorded runs, oldest first; only the ``last`` ones when given."""
    with _database(path, create=False) as db:
        if _layout(db, path) == 0:
            raise HistoryError(path, "not a baseliner history file (an empty database)")
        db.execute("BEGIN")  # one snapshot: runs and categories from the same commits
        rows = db.execute(_RUNS).fetchall()
        if last is not None:
            rows = rows[-last:] if last > 0 else []
        categories: dict[int, list[tuple[object, float]]] = {}
        for run, category, percent in db.execute(
            "SELECT run, category, percent FROM run_category ORDER BY run, category"
        ):
            categories.setdefault(run, []).append((category, percent))
        db.execute("COMMIT")
    try:
        return [_summary(row, categories.get(row[0], [])) for row in rows]
    except (TypeError, ValueError) as exc:  # a file edited by hand, or damaged
        raise HistoryError(path, f"damaged history file: {exc}") from exc


def _summary(row: tuple[object, ...], stored: list[tuple[object, float]]) -> RunSummary:
    """A run's row and its categories' scores as :func:`runs` reads them; TypeError or
    ValueError where a value is not what this version writes."""
    run, at, label, version, targets, percent, low, high, exposed = row
    if not isinstance(at, str) or not isinstance(percent, float):
        raise TypeError(f"run {run}: time {at!r} or score {percent!r} of the wrong type")
    categories = [(_category(name), score) for name, score in stored]
    return RunSummary(
        id=int(str(run)),
        at=datetime.fromisoformat(at),
        label=label if isinstance(label, str) else None,
        tool_version=str(version),
        targets=int(str(targets)),
        overall=percent,
        categories=tuple(sorted(categories, key=lambda pair: list(Category).index(pair[0]))),
        uncertain_range=(float(str(low)), float(str(high))),
        exposed=int(str(exposed)),
    )


def _category(name: object) -> Category:
    try:
        return Category(str(name))
    except ValueError:
        raise ValueError(f"unknown category {name!r}") from None
