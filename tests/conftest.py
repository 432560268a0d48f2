"""Shared test fixtures: the project root, the shared corpus (skipped when absent)."""

from __future__ import annotations

import importlib.util
import os
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from checker.history.location import Location, parse_location
from tools.pg_server import PostgresServer, binaries

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BASELINER_SHARED") or ROOT.parent / "shared")
"""The shared corpus folder: ``../shared`` beside the clone, or ``$BASELINER_SHARED`` (a
worktree elsewhere)."""
CORPUS = SHARED / "corpus"
FIXTURES = ROOT / "fixtures"

ADDED_LATER = (
    "gpo-older",
    "gpo/disa-2019-07",
    "intune/more-shapes",
    "rsop/more",
    "mapping/admx-history",
    "benchmarks/stig-xccdf",
)
"""Corpus sets added after the first (the corpus README's second table).  Tests that pin
exact counts of the first sets leave these out; the new sets have tests of their own."""


def first_set(paths: Iterable[Path]) -> list[Path]:
    """``paths`` without those under an :data:`ADDED_LATER` folder of the corpus."""
    later = [CORPUS / folder for folder in ADDED_LATER]
    return [path for path in paths if not any(path.is_relative_to(f) for f in later)]


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The run's own benchmark cache (CLI subprocesses inherit it), not the user's."""
    os.environ["BASELINER_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden",
        action="store_true",
        default=False,
        help="rewrite golden files from the current output instead of comparing",
    )


@pytest.fixture(scope="session")
def regen_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regen-golden"))


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared real-data corpus; tests using it skip when it is not beside the clone."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of the test run's own on 127.0.0.1 (tools/pg_server.py), its
    superuser's password in PGPASSWORD for the CLI's subprocesses; skipped without one."""
    if binaries() is None:
        pytest.skip("PostgreSQL is not installed (.ci/run installs Debian's postgresql)")
    if importlib.util.find_spec("psycopg") is None:
        pytest.skip("psycopg is not installed (pip install -e '.[test]')")
    with PostgresServer() as server:
        os.environ["PGPASSWORD"] = server.password
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Location]:
    """An empty history of each backend: a SQLite file that does not exist yet, or a new
    database on the test run's PostgreSQL server (dropped after the test)."""
    if request.param == "sqlite":
        yield parse_location(str(tmp_path / "history.db"))
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    name = f"t{uuid.uuid4().hex[:16]}"
    location = parse_location(server.create_database(name))
    yield location
    server.drop_database(name)
