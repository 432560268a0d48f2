"""The shared history: a PostgreSQL database that many runners record into at once.

The tables live in a schema of their own, ``baseliner``, and the version in its table
``schema_version``.  Writers need no lock of each other: each run is one transaction of
inserts, its id from an identity column.  Only a schema change (the first run, an upgrade)
takes a transaction-level advisory lock, so two runners that find an empty database make
the tables once.  Device rows go in by ``COPY``, which carries values as data, never as SQL.

A runner that finds every connection taken ("too many clients") waits and tries again, for
as long as a SQLite writer waits for the file's lock.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

import psycopg
from psycopg import errors
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from checker.history.database import Database, HistoryError, Row
from checker.history.location import Backend, Location

NAMESPACE = "baseliner"
"""The PostgreSQL schema that holds the history's tables."""


LOCK_KEY = 0x42534C4E
"""``BSLN``: the advisory lock a schema change holds."""


WAIT_SECONDS = 60.0
"""How long a runner waits for a free connection (SQLite's writers wait as long)."""


CONNECT_TIMEOUT = 20
"""Seconds libpq tries to reach the server, unless the URL says (``connect_timeout``)."""


_BUSY = {"53300", "57P03"}  # too many connections; the server is starting up


class PostgresHistory:
    """A :class:`~checker.history.database.Database` on a PostgreSQL connection."""

    backend = Backend.POSTGRESQL

    def __init__(self, connection: psycopg.Connection[Row], location: Location) -> None:
        self.connection = connection
        self.location = location

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[None]:
        with self.connection.transaction():
            if write:
                self.version()
            else:  # one snapshot: the runs and their categories from the same commits
                self.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield

    def version(self) -> int:
        found, tables = self.query(
            "SELECT to_regclass('baseliner.schema_version') IS NOT NULL,"
            " (SELECT count(*) FROM pg_tables WHERE schemaname = ?)",
            (NAMESPACE,),
        )[0]
        if not found:
            if tables:
                raise HistoryError(
                    self.location,
                    f"not a baseliner history (schema {NAMESPACE!r} has other tables)",
                )
            return 0
        rows = self.query("SELECT application, version FROM schema_version")
        if len(rows) != 1 or rows[0][0] != NAMESPACE:
            raise HistoryError(self.location, "not a baseliner history (schema_version differs)")
        return int(rows[0][1])

    def set_version(self, version: int) -> None:
        self.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (application TEXT NOT NULL,"
            " version INTEGER NOT NULL)"
        )
        self.execute("DELETE FROM schema_version")
        self.execute("INSERT INTO schema_version VALUES (?, ?)", (NAMESPACE, version))

    def lock_schema(self) -> None:
        """The advisory lock, held to the end of the transaction; the schema ``baseliner``
        made if there is none (which needs CREATE on the database: the owner's first run)."""
        self.execute("SELECT pg_advisory_xact_lock(?)", (LOCK_KEY,))
        if not self.query("SELECT 1 FROM pg_namespace WHERE nspname = ?", (NAMESPACE,)):
            self.execute(f"CREATE SCHEMA {NAMESPACE}")

    def query(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return self.connection.execute(_dialect(sql), params or None).fetchall()

    def execute(self, sql: str, params: Sequence[object] = ()) -> None:
        if sql.strip():
            self.connection.execute(_dialect(sql), params or None)

    def insert_run(self, sql: str, params: Sequence[object]) -> int:
        row = self.connection.execute(_dialect(sql) + " RETURNING id", params).fetchone()
        assert row is not None
        return int(row[0])

    def bulk(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with self.connection.cursor().copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    def to_time(self, at: datetime) -> object:
        return at.replace(microsecond=0)  # to the second, as the SQLite file keeps it

    def from_time(self, value: object) -> datetime:
        if not isinstance(value, datetime):
            raise TypeError(f"time {value!r} of the wrong type")
        return value.astimezone(UTC)


def _dialect(sql: str) -> str:
    """The store's SQL, written with ``?`` for each parameter, as psycopg takes it."""
    return sql.replace("?", "%s")


@contextmanager
def connect(location: Location) -> Iterator[Database]:
    """A connection to ``location.url`` (libpq finds the password in ``PGPASSWORD`` or
    ``~/.pgpass``, and TLS follows ``sslmode``); driver errors become HistoryError."""
    try:
        with _connection(str(location.url)) as connection:
            connection.execute("SELECT set_config('search_path', %s, false)", (NAMESPACE,))
            yield PostgresHistory(connection, location)
    except psycopg.Error as exc:
        raise HistoryError(location, _explain(exc)) from exc


def _connection(url: str) -> psycopg.Connection[Row]:
    # libpq waits for an unreachable host as long as TCP does (minutes), and a run that
    # cannot record tries twice (the HTML report's earlier runs, then the record).
    if "connect_timeout" not in conninfo_to_dict(url):
        url = make_conninfo(url, connect_timeout=CONNECT_TIMEOUT)
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            return psycopg.connect(url, autocommit=True)
        except psycopg.OperationalError as exc:
            if not _busy(exc) or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.02, 0.2))


def _busy(exc: psycopg.OperationalError) -> bool:
    text = str(exc)
    return exc.sqlstate in _BUSY or "too many clients" in text or "starting up" in text


def _explain(exc: psycopg.Error) -> str:
    text = (exc.diag.message_primary or str(exc)).strip().splitlines()[0] if str(exc) else ""
    if isinstance(exc, errors.InsufficientPrivilege):
        return (
            f"{text}: the database role lacks a privilege the history needs (the README's "
            '"Shared history" lists them)'
        )
    if "no password supplied" in str(exc):
        return f"{text}: give the password in PGPASSWORD or ~/.pgpass"
    if isinstance(exc, errors.UndefinedTable | errors.UndefinedColumn):
        return f"not a complete baseliner history ({text})"
    return text or type(exc).__name__
