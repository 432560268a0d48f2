"""Where a history lives: the ``--history`` value, a file or a database URL.

- a path, or ``sqlite:///relative/path`` / ``sqlite:////absolute/path`` (SQLAlchemy's
  spelling): the embedded SQLite file, the default;
- ``postgresql://user@host:port/database?sslmode=verify-full`` (or ``postgres://``): a
  PostgreSQL database that many runners share.  Every libpq parameter may be given in the
  URL's query, except the password: it comes from ``PGPASSWORD`` or ``~/.pgpass``, so that
  it never shows in a process list, a shell history or a CI log.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit


class Backend(StrEnum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


SCHEMES = {
    "sqlite": Backend.SQLITE,
    "postgresql": Backend.POSTGRESQL,
    "postgres": Backend.POSTGRESQL,
}


@dataclass(frozen=True, slots=True)
class Location:
    """A history store: a SQLite file (``path``) or a PostgreSQL URL without a password."""

    backend: Backend
    path: Path | None = None
    url: str | None = None

    def __str__(self) -> str:
        return str(self.path) if self.path is not None else str(self.url)


def parse_location(value: str) -> Location:
    """The store ``value`` names; ValueError, with the reason, for a URL baseliner cannot use."""
    scheme, sep, rest = value.partition("://")
    if not sep or len(scheme) == 1:  # no scheme, or a Windows drive letter (C://x)
        return Location(Backend.SQLITE, path=Path(value))
    backend = SCHEMES.get(scheme.lower())
    if backend is None:
        raise ValueError(
            f"{scheme}:// is not a history store: give a file, sqlite:///PATH or postgresql://…"
        )
    if backend is Backend.SQLITE:
        if not rest.startswith("/") or rest == "/":
            raise ValueError("a SQLite URL is sqlite:///relative/path or sqlite:////absolute/path")
        return Location(backend, path=Path(rest[1:]))
    parts = urlsplit(value)
    if parts.password is not None or any(
        key.lower() == "password" for key, _ in parse_qsl(parts.query)
    ):
        raise ValueError(
            "the URL holds a password: give it in PGPASSWORD or ~/.pgpass, never on the "
            "command line"
        )
    return Location(backend, url=value)
