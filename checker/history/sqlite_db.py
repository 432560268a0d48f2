"""The embedded history: one SQLite file (the default store).

The file is in WAL mode and writers take the write lock up front (``BEGIN IMMEDIATE``) and
wait for it (``busy_timeout``), so pipelines that record into one file at once all land
one after the other.  A process killed mid-write leaves the runs committed before it.

The file says what it is in ``PRAGMA application_id`` and which schema it has in
``PRAGMA user_version``; a file of another application or of a newer schema is refused
before anything is written to it (WAL mode rewrites the file's header).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from checker.core.results import timestamp
from checker.history.database import Database, HistoryError, Row
from checker.history.location import Backend, Location

APPLICATION_ID = 0x42534C4E
"""``BSLN``: marks a SQLite file as a baseliner history."""


BUSY_TIMEOUT_MS = 60_000
"""How long a writer waits for another writer's transaction before giving up."""


_LAYOUT = """
SELECT (SELECT application_id FROM pragma_application_id()),
       (SELECT user_version FROM pragma_user_version()),
       (SELECT count(*) FROM sqlite_master)
"""


class SQLiteHistory:
    """A :class:`~checker.history.database.Database` on one SQLite file."""

    backend = Backend.SQLITE

    def __init__(self, db: sqlite3.Connection, location: Location) -> None:
        self.db = db
        self.location = location

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[None]:
        if write:
            self.version()  # before WAL mode, which would rewrite a file that is not ours
            self._write_ahead()
        self.db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException:
            # SQLite has rolled back already after some errors (a full disk): rolling back
            # again would raise "no transaction is active" and hide the error.
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def version(self) -> int:
        # One statement, so one snapshot: read one by one, a writer creating the file could
        # commit between them, and its tables would be seen without its application id.
        app, version, tables = self.db.execute(_LAYOUT).fetchone()
        if app == 0 and version == 0 and tables == 0:
            return 0
        if app != APPLICATION_ID:
            raise HistoryError(
                self.location, "not a baseliner history file (another SQLite database)"
            )
        return int(version)

    def set_version(self, version: int) -> None:
        self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        self.db.execute(f"PRAGMA user_version = {int(version)}")

    def lock_schema(self) -> None:
        """Nothing to do: ``BEGIN IMMEDIATE`` holds the file's write lock already."""

    def query(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return self.db.execute(sql, params).fetchall()

    def execute(self, sql: str, params: Sequence[object] = ()) -> None:
        if sql.strip():
            self.db.execute(sql, params)

    def insert_run(self, sql: str, params: Sequence[object]) -> int:
        return int(self.db.execute(sql, params).lastrowid or 0)

    def bulk(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
        marks = ", ".join("?" * len(columns))
        self.db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def to_time(self, at: datetime) -> object:
        return timestamp(at)  # text that sorts as time: `at >= ?` compares it

    def from_time(self, value: object) -> datetime:
        if not isinstance(value, str):
            raise TypeError(f"time {value!r} of the wrong type")
        return datetime.fromisoformat(value).astimezone(UTC)

    def _write_ahead(self) -> None:
        """Put the file in WAL mode, so readers never block the writer nor the writer readers.

        SQLite answers "database is locked" at once, without its busy handler, when another
        connection holds the file while the mode changes (two writers on a new file), so the
        change is retried here for as long as a writer would wait.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            try:
                self.db.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)


@contextmanager
def connect(location: Location, *, create: bool) -> Iterator[Database]:
    """An open connection that waits for writers; SQLite failures become HistoryError."""
    path = location.path
    assert path is not None
    if not create and not path.is_file():
        raise HistoryError(
            location, "no history file (record one with `baseliner check --history`)"
        )
    if path.exists() and not path.is_file():  # /dev/null, a pipe: SQLite's errors say less
        raise HistoryError(location, "not a file: a history is an SQLite file of its own")
    try:
        uri = path.resolve().as_uri() + ("?mode=rwc" if create else "?mode=rw")
        with closing(
            sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        ) as db:
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            yield SQLiteHistory(db, location)
    except sqlite3.Error as exc:
        raise HistoryError(location, _explain(exc, path, recording=create)) from exc


ROOM = 64 * 1024
"""Free bytes under which a failed write is put down to a full disk."""


def _full(exc: sqlite3.Error, path: Path) -> bool:
    """Whether the disk of ``path`` is full: SQLite says so (SQLITE_FULL) only when a
    write of the database or its journal ran out of room; a full disk that stops it from
    sizing the WAL index (``-shm``) is an I/O error (SQLITE_IOERR_SHMSIZE), so those are
    put down to the disk when it has no room left."""
    name = getattr(exc, "sqlite_errorname", "")
    if name == "SQLITE_FULL" or "disk is full" in str(exc):
        return True
    if not name.startswith("SQLITE_IOERR"):
        return False
    try:
        found = os.statvfs(path.parent)
    except OSError:
        return False
    return found.f_bavail * found.f_frsize < ROOM


def _explain(exc: sqlite3.Error, path: Path, *, recording: bool) -> str:
    text = str(exc)
    if "not a database" in text or "malformed" in text:
        return f"not a readable history file ({text})"
    if _full(exc, path):
        lost = ": nothing of this run was recorded" if recording else ""
        return f"the disk is full{lost} ({text})"
    if "locked" in text:
        return f"locked by another writer for over {BUSY_TIMEOUT_MS / 1000:g} s ({text})"
    return text
