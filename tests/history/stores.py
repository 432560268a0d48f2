"""Helpers of the history tests: raw SQL on a store of either backend, and a store of
schema 1 (tests/data/history) to upgrade."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import Any

from checker.history.database import connect
from checker.history.location import Backend, Location
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "history"


def rows(location: Location, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """``sql`` (with ``?`` for parameters) read through the store's own connection."""
    with connect(location, create=False) as db, db.transaction(write=False):
        return db.query(sql, params)


def raw(location: Location, *statements: str) -> None:
    """Statements run outside the store's checks: an edit by hand, a damaged store."""
    if location.backend is Backend.SQLITE:
        with closing(sqlite3.connect(str(location.path), isolation_level=None)) as db:
            for statement in statements:
                db.execute(statement)
        return
    import psycopg

    with psycopg.connect(str(location.url), autocommit=True) as db:
        db.execute("SET search_path TO baseliner")
        for statement in statements:
            db.execute(statement.encode())


def schema_1(location: Location) -> None:
    """Make ``location`` the history of schema 1 that baseliner 0.1.0 wrote (three runs)."""
    dump = (DATA / "schema-1.sql").read_text(encoding="utf-8")
    if location.backend is Backend.SQLITE:
        with closing(sqlite3.connect(str(location.path))) as db:
            db.executescript(dump)
        return
    inserts = [
        line
        for line in dump.splitlines()
        if line.startswith("INSERT INTO") and "sqlite_sequence" not in line
    ]
    ddl = (DATA / "schema-1.postgresql.sql").read_text(encoding="utf-8")
    raw(location, ddl, *inserts, "SELECT setval(pg_get_serial_sequence('run', 'id'), 3)")
