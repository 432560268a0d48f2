"""A throwaway PostgreSQL server on 127.0.0.1, for the tests and bench/ (shared histories).

It runs Debian's ``postgresql`` binaries (``initdb``, ``pg_ctl``: on PATH, or under
/usr/lib/postgresql/N/bin) in a temporary data directory, on a free port, TCP only, with
password (SCRAM) authentication for TCP, and removes everything when stopped.  PostgreSQL
refuses to run as root: as root, the server runs as the ``postgres`` user (which Debian's
package makes) or ``nobody``, through ``runuser``.

    with PostgresServer() as server:
        url = server.create_database("t1")      # postgresql://baseliner_admin@127.0.0.1:P/t1
        os.environ["PGPASSWORD"] = server.password

``python -m tools.pg_server`` starts one and prints its URL until interrupted.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

ADMIN = "baseliner_admin"


def binaries() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``, or None when PostgreSQL is not installed."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    return versions[-1].parent if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """A PostgreSQL server of its own; ``durable=False`` turns fsync off (tests)."""

    def __init__(self, *, durable: bool = False, max_connections: int = 100) -> None:
        bin_dir = binaries()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
        self.bin = bin_dir
        self.durable = durable
        self.max_connections = max_connections
        self.password = secrets.token_hex(16)
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="baseliner-pg-"))
        self.data = self.root / "data"
        self._as: list[str] = []
        if os.geteuid() == 0:
            user = _unprivileged_user()
            entry = pwd.getpwnam(user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            self._as = ["runuser", "-u", user, "--"]
            self._owner = (entry.pw_uid, entry.pw_gid)
        else:
            self._owner = (os.getuid(), os.getgid())

    def _run(self, *argv: str) -> None:
        done = subprocess.run(
            [*self._as, *argv], capture_output=True, text=True, check=False, timeout=120
        )
        if done.returncode != 0:
            log = self.root / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.is_file() else ""
            raise RuntimeError(f"{argv[0]} failed: {done.stderr or done.stdout}\n{tail}")

    def start(self) -> PostgresServer:
        pwfile = self.root / "pw"
        pwfile.write_text(self.password + "\n")
        os.chown(pwfile, *self._owner)
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", ADMIN, "-E", "UTF8",
            "--no-locale", "--auth-local=trust", "--auth-host=scram-sha-256",
            f"--pwfile={pwfile}",
        )  # fmt: skip
        pwfile.unlink()
        options = [
            "-c listen_addresses=127.0.0.1",
            f"-p {self.port}",
            "-c unix_socket_directories=''",
            f"-c max_connections={self.max_connections}",
        ]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        if self._certificate():
            options += [
                "-c ssl=on",
                f"-c ssl_cert_file={self.certificate}",
                f"-c ssl_key_file={self.root / 'server.key'}",
            ]
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
            "-w", "-t", "60", "-o", " ".join(options), "start",
        )  # fmt: skip
        return self

    @property
    def certificate(self) -> Path:
        """The server's self-signed TLS certificate (for 127.0.0.1), when it has one: a
        client verifies the server with ``sslmode=verify-full&sslrootcert=`` this file."""
        return self.root / "server.crt"

    def _certificate(self) -> bool:
        """Make a self-signed certificate with ``openssl``; False without it (no TLS)."""
        if shutil.which("openssl") is None:
            return False
        key = self.root / "server.key"
        done = subprocess.run(
            ["openssl", "req", "-new", "-x509", "-days", "2", "-nodes", "-newkey", "rsa:2048",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", str(key), "-out", str(self.certificate)],
            capture_output=True, check=False, timeout=60,
        )  # fmt: skip
        if done.returncode != 0:
            return False
        for path in (key, self.certificate):
            os.chown(path, *self._owner)
        key.chmod(0o600)
        self.certificate.chmod(0o644)
        return True

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")
            except RuntimeError:
                time.sleep(1)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def url(self, database: str = "postgres", user: str = ADMIN) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def admin_sql(self, *statements: str, database: str = "postgres") -> None:
        """Run ``statements`` as the superuser, outside a transaction (CREATE DATABASE)."""
        import psycopg

        with psycopg.connect(self.url(database), password=self.password, autocommit=True) as db:
            for statement in statements:
                db.execute(statement.encode())

    def create_database(self, name: str) -> str:
        """A new empty database; its URL for the superuser."""
        self.admin_sql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _unprivileged_user() -> str:
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("no unprivileged user (postgres or nobody) to run PostgreSQL as")


def main() -> None:
    with PostgresServer() as server:
        print(f"{server.url()}  PGPASSWORD={server.password}  (Ctrl-C stops it)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
