"""Upgrading a history of schema 1 (as baseliner 0.1.0 wrote it), on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from checker.history import schema
from checker.history.database import connect
from checker.history.location import Backend, Location, parse_location
from checker.history.query import runs
from checker.history.schema import SCHEMA_VERSION
from checker.history.store import record
from tests.history.stores import rows, schema_1
from tests.reporters import factory

KNOWN = {check.id: check.benchmark for check in factory.CHECKS}
"""The benchmarks at hand: the factory's, whose checks runs 1 and 2 of schema-1.sql ran."""


def _version(location: Location) -> int:
    with connect(location, create=False) as db, db.transaction(write=False):
        return db.version()


def _columns(location: Location) -> dict[str, set[tuple[str, str, bool]]]:
    """Each table's columns: name, declared type, NOT NULL."""
    if location.backend is Backend.SQLITE:
        return {
            table: {
                (name, kind, bool(notnull))
                for _, name, kind, notnull, *_ in rows(location, f"PRAGMA table_info({table})")
            }
            for table in schema.TABLES
        }
    out: dict[str, set[tuple[str, str, bool]]] = {}
    for table, name, kind, nullable in rows(
        location,
        "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns"
        " WHERE table_schema = 'baseliner' AND table_name <> 'schema_version'",
    ):
        out.setdefault(table, set()).add((name, kind, nullable == "NO"))
    return out


def test_schema_1_is_upgraded(store: Location) -> None:
    schema_1(store)
    assert _version(store) == 1
    recorded = runs(store, known=lambda: KNOWN)
    assert _version(store) == SCHEMA_VERSION
    assert [(run.id, run.benchmark, run.label) for run in recorded] == [
        (3, "", None),  # checks of two benchmarks not at hand: a series of its own
        (1, factory.BENCHMARK, "abc123"),
        (2, factory.BENCHMARK, "it's'); DROP TABLE run; --"),
    ]
    first = recorded[1]
    assert first.overall == pytest.approx(100 * 14.5 / 39)
    assert (first.targets, first.exposed, len(first.categories)) == (3, 10, 5)
    assert first.at == datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    targets = rows(
        store, "SELECT count(*) FROM target_score WHERE benchmark = ?", factory.BENCHMARK
    )
    assert targets == [(4,)]
    record(store, factory.single_device(), label="new")
    assert [run.label for run in runs(store)][-1] == "new"
    assert [run.id for run in runs(store)] == [3, 1, 2, 4]


def test_an_upgraded_store_has_the_tables_of_a_new_one(
    store: Location, tmp_path_factory: pytest.TempPathFactory
) -> None:
    schema_1(store)
    record(store, factory.single_device(), known=lambda: KNOWN)
    if store.backend is Backend.SQLITE:
        fresh = parse_location(str(tmp_path_factory.mktemp("fresh") / "new.db"))
    else:  # the same database, once the upgraded schema is renamed out of the way
        upgraded = _columns(store)
        with connect(store, create=False) as db, db.transaction(write=True):
            db.execute("ALTER SCHEMA baseliner RENAME TO upgraded")
        fresh = store
    if store.backend is Backend.SQLITE:
        upgraded = _columns(store)
    record(fresh, factory.single_device())
    assert _columns(fresh) == upgraded


def test_an_upgrade_that_fails_leaves_schema_1(
    store: Location, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The upgrade is the transaction of the run that found it: half done, it is undone."""
    schema_1(store)
    before = rows(store, "SELECT * FROM run ORDER BY id")
    create = schema.create_table

    def failing(db: object, table: str) -> None:
        if table == "target_score":  # run_score and run_category are made by then
            raise RuntimeError("the disk went away")
        create(db, table)  # type: ignore[arg-type]

    monkeypatch.setattr(schema, "create_table", failing)
    with pytest.raises(RuntimeError):
        record(store, factory.single_device(), known=lambda: KNOWN)
    assert _version(store) == 1
    assert rows(store, "SELECT * FROM run ORDER BY id") == before
    tables = {table for table in _columns(store) if _columns(store)[table]}
    assert "run_score" not in tables
