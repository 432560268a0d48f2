"""What the history needs of a database, whichever it is: one SQLite file or PostgreSQL.

The store (``store``), the schema and its migrations (``schema``) are written once, in SQL
that both dialects run, against :class:`Database`; ``sqlite_db`` and ``postgres_db`` are its
two implementations.  Every value reaches the database as a parameter (``?`` in the SQL
text; the PostgreSQL side turns it into psycopg's ``%s``): labels, groups and check ids
are stored as text, whatever quotes or SQL they hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol

from checker.core.errors import BaselinerError
from checker.history.location import Backend, Location

Row = tuple[Any, ...]


class HistoryError(BaselinerError):
    """A history that is missing, not a history, damaged, refused or locked too long."""

    def __init__(self, where: Location | str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = str(where)
        self.message = message

    def lines(self) -> Iterator[str]:
        yield f"history error: {self}"


class Database(Protocol):
    """An open connection to a history, in the dialect-neutral terms the store uses."""

    backend: Backend
    location: Location

    def transaction(self, *, write: bool) -> AbstractContextManager[None]:
        """One transaction: committed when the block ends, rolled back on any exception.

        A read sees one snapshot.  A write checks first that the store is a history this
        version can write (:meth:`version` raises otherwise), then holds what the store
        needs so that concurrent writers land one after the other or side by side."""
        ...

    def version(self) -> int:
        """The schema version, 0 for an empty store; HistoryError for a store of another
        application.  Read in one statement (see sqlite_db) where a creator may race."""
        ...

    def set_version(self, version: int) -> None: ...

    def lock_schema(self) -> None:
        """Serialize schema changes: a second creator waits, then sees the tables."""
        ...

    def query(self, sql: str, params: Sequence[object] = ()) -> list[Row]: ...

    def execute(self, sql: str, params: Sequence[object] = ()) -> None: ...

    def insert_run(self, sql: str, params: Sequence[object]) -> int:
        """Run an ``INSERT`` of one ``run`` row; the id it got."""
        ...

    def bulk(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
        """Insert many rows (PostgreSQL: COPY, SQLite: one prepared statement)."""
        ...

    def to_time(self, at: datetime) -> object:
        """``at`` (UTC) as the ``at`` column takes it."""
        ...

    def from_time(self, value: object) -> datetime:
        """An ``at`` column's value as an aware UTC datetime; ValueError if it is not one."""
        ...


def connect(location: Location, *, create: bool) -> AbstractContextManager[Database]:
    """An open :class:`Database` for ``location``; its driver's errors become HistoryError.

    ``create``: a SQLite file that does not exist yet is made (PostgreSQL's database must
    exist: its tables are made by the first write)."""
    if location.backend is Backend.POSTGRESQL:
        try:  # psycopg is needed only for PostgreSQL
            from checker.history import postgres_db
        except ImportError as exc:
            raise HistoryError(
                location,
                f"a PostgreSQL history needs psycopg ({exc}): pip install 'baseliner[postgresql]'",
            ) from exc
        return postgres_db.connect(location)
    from checker.history import sqlite_db

    return sqlite_db.connect(location, create=create)
