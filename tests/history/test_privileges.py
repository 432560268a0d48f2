"""The README's least privileges for a shared history are enough, and no more."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from checker.history.location import Location, parse_location
from checker.history.query import runs
from tests.cli.run import baseliner
from tests.conftest import FIXTURES, ROOT
from tests.history.stores import raw
from tools.pg_server import PostgresServer

psycopg = pytest.importorskip(
    "psycopg", reason="psycopg is not installed (pip install -e '.[test]')"
)


def _readme_sql(marker: str) -> str:
    """The ```sql block after ``<!-- sql: marker -->`` in the README."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"<!-- sql: {marker} -->\s*```sql\n(.*?)```", text, re.S)
    assert found, f"README has no SQL block marked {marker!r}"
    return found.group(1)


ROLES = ("baseliner_owner", "baseliner_pipeline", "baseliner_dashboard")


@pytest.fixture
def fleet(postgres: PostgresServer) -> Iterator[str]:
    """A database ``fleet_…`` set up with the README's roles and grants."""
    name = "fleet_privileges"
    postgres.create_database(name)
    setup = _readme_sql("roles").replace("DATABASE fleet", f"DATABASE {name}")
    passwords = [f"ALTER ROLE {role} PASSWORD '{postgres.password}'" for role in ROLES]
    postgres.admin_sql(setup, *passwords, database=name)
    yield name
    postgres.drop_database(name)
    postgres.admin_sql(*(f"DROP ROLE {role}" for role in ROLES))


def test_the_readme_privileges(postgres: PostgresServer, fleet: str, tmp_path: object) -> None:
    owner, pipeline, dashboard = (postgres.url(fleet, role) for role in ROLES)
    made = baseliner("history", "--history", owner, "--upgrade")
    assert (made.code, made.out) == (0, "no runs recorded\n"), made.err
    postgres.admin_sql(_readme_sql("dashboard"), database=fleet)
    export = FIXTURES / "gpo" / "compliant"
    for label in ("a", "b"):
        done = baseliner("check", export, "--policy", "msft-windows11-24h2", "--history",
                         pipeline, "--label", label)  # fmt: skip
        assert done.code == 0, done.err
    for role in (pipeline, dashboard):
        listed = baseliner("history", "--history", role)
        assert listed.code == 0 and listed.out.count("\n") == 4, listed.err
    assert baseliner("diff", "a", "b", "--history", pipeline).code == 0
    denied = baseliner("diff", "a", "b", "--history", dashboard)
    assert denied.code == 2 and "lacks a privilege the history needs" in denied.err
    refused = baseliner("check", export, "--policy", "msft-windows11-24h2", "--history",
                        dashboard)  # fmt: skip
    assert refused.code == 2 and "permission denied" in refused.err
    with psycopg.connect(dashboard) as db:
        scores = db.execute(_readme_sql("fleet score")).fetchall()
    assert [(benchmark, label, float(score)) for _, benchmark, label, score, *_ in scores] == [
        ("msft-windows11-24h2", "a", 100.0),
        ("msft-windows11-24h2", "b", 100.0),
    ]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        raw(parse_location(pipeline), "DELETE FROM run")
    assert len(runs(Location(parse_location(pipeline).backend, url=pipeline))) == 2


def test_tls_through_the_url(postgres: PostgresServer, tmp_path: object) -> None:
    """``sslmode`` in the URL reaches libpq: verify-full against the server's certificate
    records over TLS; a certificate that is not the server's is refused."""
    if not postgres.certificate.is_file():
        pytest.skip("openssl is not installed: the test server has no TLS")
    name = "fleet_tls"
    base = postgres.create_database(name)
    try:
        url = f"{base}?sslmode=verify-full&sslrootcert={postgres.certificate}"
        done = baseliner(
            "check", FIXTURES / "gpo" / "compliant", "--policy", "msft-windows11-24h2",
            "--history", url, "--label", "tls",
        )  # fmt: skip
        assert done.code == 0, done.err
        with psycopg.connect(url) as db:
            row = db.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            assert row.fetchone() == (True,)
        wrong = Path(str(tmp_path)) / "other.crt"
        subprocess.run(
            ["openssl", "req", "-new", "-x509", "-days", "1", "-nodes", "-newkey", "rsa:2048",
             "-subj", "/CN=127.0.0.1", "-keyout", str(wrong.with_suffix(".key")), "-out",
             str(wrong)],
            capture_output=True, check=True, timeout=60,
        )  # fmt: skip
        refused = baseliner(
            "history", "--history", f"{base}?sslmode=verify-full&sslrootcert={wrong}"
        )
        assert refused.code == 2 and "certificate verify failed" in refused.err
    finally:
        postgres.drop_database(name)
