"""``--executor dask``: the same reports as the local pool, on a real Dask cluster.

Dask's clusters here are real (``LocalCluster``: worker processes on 127.0.0.1, started by
the fixtures and stopped after the module); so is the S3 server of the object-storage test
(moto's, on 127.0.0.1).  Fleets are small, but past the spool threshold, and large enough
that a task is lost mid-run.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from checker.core.errors import EXIT_ERROR, EXIT_OK
from checker.reporters import REPORTERS
from tests.cli.run import baseliner
from tests.conftest import ROOT
from tools.make_fleet import write_fleet

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
pytest.importorskip("pyarrow", reason="the parquet extra is not installed")
duckdb = pytest.importorskip("duckdb", reason="duckdb (test extra) is not installed")

POLICY = "msft-windows11-24h2"
DEVICES = 500
COMMON = ("--policy", POLICY, "--today", "2026-11-28", "--soft-fail", "--no-progress")


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fleet")
    devices = write_fleet(folder, DEVICES)
    # One export that cannot be read: an error in every executor's report alike.
    (folder / "zz-cut.xml").write_bytes(devices[7].read_bytes()[:3000])
    return folder


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """Two single-threaded worker processes, as the issue asks."""
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        host="127.0.0.1",
        silence_logs=50,
    ) as local:
        yield local


def _outputs(folder: Path) -> list[str]:
    return [
        arg
        for name, reporter in REPORTERS.items()
        for arg in ("-o", f"{name}={folder / name}.{reporter.extension}")
    ]


def _check(fleet: Path, out: Path, *extra: str) -> dict[str, bytes]:
    out.mkdir()
    done = baseliner("check", fleet, *COMMON, *_outputs(out), *extra)
    assert done.code == EXIT_ERROR, done.err  # the cut export
    assert "zz-cut.xml: line" in done.err, done.err
    return {path.name: path.read_bytes() for path in sorted(out.iterdir())}


@pytest.fixture(scope="module")
def local_reports(fleet: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return _check(fleet, tmp_path_factory.mktemp("local") / "out", "--jobs", "2")


def test_every_report_is_byte_identical_on_a_local_cluster(
    fleet: Path, local_reports: dict[str, bytes], tmp_path: Path
) -> None:
    """No --scheduler and no configured one: baseliner starts a local cluster itself."""
    dask = _check(fleet, tmp_path / "out", "--executor", "dask", "--jobs", "2", "--batch", "60")
    assert list(dask) == list(local_reports)
    assert len(local_reports) == len(REPORTERS)
    for name, data in local_reports.items():
        assert dask[name] == data, name


def test_reports_are_byte_identical_on_a_scheduler(
    fleet: Path, local_reports: dict[str, bytes], cluster: Any, tmp_path: Path
) -> None:
    """An existing cluster, by --scheduler, with a batch size that leaves a short last one."""
    address = cluster.scheduler_address
    dask = _check(fleet, tmp_path / "out", "--executor", "dask", "--scheduler", address)
    assert dask == local_reports


def _history(db: Path) -> list[list[tuple[Any, ...]]]:
    with sqlite3.connect(db) as connection:
        tables = ["run_category", "run_check", "run_target", "target_category", "target_status"]
        rows = [sorted(connection.execute(f"SELECT * FROM {table}")) for table in tables]
        rows.append(sorted(connection.execute("SELECT label FROM run")))
    return rows


def test_history_is_the_same(fleet: Path, cluster: Any, tmp_path: Path) -> None:
    runs = {}
    for executor in ("local", "dask"):
        db = tmp_path / f"{executor}.sqlite"
        done = baseliner(
            "check", fleet, *COMMON, "--executor", executor, "--scheduler",
            cluster.scheduler_address, "--history", db, "--label", "abc", "-o", "json=/dev/null",
        )  # fmt: skip
        assert done.code == EXIT_ERROR, done.err
        runs[executor] = _history(db)
    assert runs["dask"] == runs["local"]
    assert len(runs["local"][2]) == DEVICES


def _counts(report: dict[str, Any]) -> Counter[tuple[str, str]]:
    return Counter(
        (result["check"], result["status"])
        for target in report["targets"]
        for result in target["results"]
    )


def _parquet_counts(where: str, filesystem: Any = None) -> Counter[tuple[str, str]]:
    connection = duckdb.connect()
    if filesystem is not None:
        connection.register_filesystem(filesystem)
    rows = connection.sql(
        f"SELECT \"check\", status, count(*) FROM read_parquet('{where}/*.parquet') GROUP BY ALL"
    ).fetchall()
    return Counter({(check, status): count for check, status, count in rows})


def _checks_per_device(report: dict[str, Any]) -> int:
    return len(report["targets"][0]["results"])


def test_a_worker_killed_mid_run(fleet: Path, cluster: Any, tmp_path: Path) -> None:
    """The run completes on the other worker; each device is counted once in the report
    and in the Parquet rows (a part whose task ran again is replaced, not added)."""
    client = distributed.Client(cluster)
    try:
        pids = client.run(os.getpid)
        rows, out = tmp_path / "rows", tmp_path / "fleet.json"
        args = [
            sys.executable, "-m", "checker", "check", str(fleet), *COMMON, "--executor",
            "dask", "--scheduler", cluster.scheduler_address, "--batch", "10",
            "-o", f"json={out}", "-o", f"parquet={rows}",
        ]  # fmt: skip
        run = subprocess.Popen(args, cwd=ROOT, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while len(list(rows.glob("part-*.parquet"))) < 5 and run.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        written = len(list(rows.glob("part-*.parquet")))
        os.kill(next(iter(pids.values())), signal.SIGKILL)
        _, err = run.communicate(timeout=300)
    finally:
        client.close()
    assert written < (DEVICES + 9) // 10, "the run ended before a worker was killed"
    assert run.returncode == EXIT_ERROR, err
    report = json.loads(out.read_bytes())
    names = [target["name"] for target in report["targets"]]
    assert (len(names), len(set(names))) == (DEVICES, DEVICES)
    assert len(list(rows.glob("part-*.parquet"))) == (DEVICES + 1 + 9) // 10
    counts = _parquet_counts(str(rows))
    assert sum(counts.values()) == DEVICES * _checks_per_device(report)
    assert counts == _counts(report)


def test_a_worker_of_another_version_is_refused(fleet: Path, tmp_path: Path) -> None:
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, dashboard_address=":0", host="127.0.0.1",
            silence_logs=50,
        ) as other,
        distributed.Client(other) as client,
    ):  # fmt: skip
        client.run(_pretend_version, "0.0.0-other")
        done = baseliner(
            "check", fleet, *COMMON, "--executor", "dask", "--scheduler",
            other.scheduler_address, "-o", f"json={tmp_path / 'fleet.json'}",
        )  # fmt: skip
    assert done.code == EXIT_ERROR
    assert " runs baseliner 0.0.0-other, the driver 0.1.0: install" in done.err, done.err
    assert "Traceback" not in done.err
    assert not (tmp_path / "fleet.json").exists()


def _pretend_version(version: str) -> None:
    import checker

    checker.__version__ = version


def test_tls_scheduler_with_certificates_from_dask_configuration(
    fleet: Path, tmp_path: Path
) -> None:
    """A tls:// cluster with throwaway certificates: the CLI takes its own from Dask's
    configuration (here its environment variables), and cannot connect without them."""
    security = distributed.Security.temporary()
    files = {}
    for name in ("tls_ca_file", "tls_client_cert", "tls_client_key"):
        files[name] = tmp_path / f"{name}.pem"
        files[name].write_text(getattr(security, name))
    env = {
        "DASK_DISTRIBUTED__COMM__REQUIRE_ENCRYPTION": "True",
        "DASK_DISTRIBUTED__COMM__TLS__CA_FILE": str(files["tls_ca_file"]),
        "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT": str(files["tls_client_cert"]),
        "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY": str(files["tls_client_key"]),
    }
    devices = tmp_path / "devices"
    devices.mkdir()
    for path in sorted(fleet.glob("*.xml"))[:30]:
        (devices / path.name).write_bytes(path.read_bytes())
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, dashboard_address=":0", host="127.0.0.1",
        protocol="tls://", security=security, silence_logs=50,
    ) as secure:  # fmt: skip
        address = secure.scheduler_address
        assert address.startswith("tls://")
        args = ("check", devices, *COMMON, "--executor", "dask", "-o", "json")
        done = baseliner(*args, env={**env, "DASK_SCHEDULER_ADDRESS": address})
        refused = baseliner(*args, "--scheduler", address, timeout=120)
    local = baseliner("check", devices, *COMMON, "-o", "json")
    assert done.code == EXIT_OK, done.err
    assert done.out == local.out
    assert refused.code == EXIT_ERROR
    assert refused.err.startswith("error: "), refused.err
    assert "Traceback" not in refused.err
