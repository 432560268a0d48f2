"""What ``--history`` takes: a file, ``sqlite:///…``, or a PostgreSQL URL without a password."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.history.location import Backend, Location, parse_location

TAKEN = [
    ("scores.sqlite", Location(Backend.SQLITE, path=Path("scores.sqlite"))),
    ("C:\\ci\\scores.sqlite", Location(Backend.SQLITE, path=Path("C:\\ci\\scores.sqlite"))),
    ("sqlite:///rel/h.db", Location(Backend.SQLITE, path=Path("rel/h.db"))),
    ("sqlite:////abs/h.db", Location(Backend.SQLITE, path=Path("/abs/h.db"))),
    ("SQLite:///h.db", Location(Backend.SQLITE, path=Path("h.db"))),
    (
        "postgresql://ci@db.example:5433/fleet?sslmode=verify-full",
        Location(
            Backend.POSTGRESQL, url="postgresql://ci@db.example:5433/fleet?sslmode=verify-full"
        ),
    ),
    ("postgres://ci@db/fleet", Location(Backend.POSTGRESQL, url="postgres://ci@db/fleet")),
]


@pytest.mark.parametrize(("value", "expected"), TAKEN, ids=[value for value, _ in TAKEN])
def test_taken(value: str, expected: Location) -> None:
    assert parse_location(value) == expected
    assert str(parse_location(value)) == str(expected.path or expected.url)


REFUSED = [
    ("postgresql://ci:pw@db/fleet", "the URL holds a password"),
    ("postgresql://ci@db/fleet?sslmode=require&PassWord=pw", "the URL holds a password"),
    ("postgresql://:pw@db/fleet", "the URL holds a password"),
    ("mysql://ci@db/fleet", "mysql:// is not a history store"),
    ("sqlite://h.db", "a SQLite URL is sqlite:///relative/path"),
    ("sqlite:///", "a SQLite URL is sqlite:///relative/path"),
]


@pytest.mark.parametrize(("value", "message"), REFUSED, ids=[value for value, _ in REFUSED])
def test_refused(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_location(value)
