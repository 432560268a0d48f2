"""Exports in object storage: a real S3 API (moto's server on 127.0.0.1, started here and
stopped after the module) serves the inputs; the JSON report and the Parquet rows go back
to it, and DuckDB reads the rows back from it to the report's per-check counts."""

from __future__ import annotations

import json
import socket
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from checker.core.errors import EXIT_ERROR
from tests.cli.run import baseliner
from tools.make_fleet import write_fleet

s3fs = pytest.importorskip("s3fs", reason="the s3 extra is not installed")
moto_server = pytest.importorskip("moto.server", reason="moto[server] (test extra) is absent")
pytest.importorskip("pyarrow", reason="the parquet extra is not installed")
pytest.importorskip("distributed", reason="the dask extra is not installed")
duckdb = pytest.importorskip("duckdb", reason="duckdb (test extra) is not installed")

POLICY = "msft-windows11-24h2"
DEVICES = 120
BUCKET = "fleet-exports"
COMMON = ("--policy", POLICY, "--today", "2026-11-28", "--soft-fail", "--no-progress")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, str]]]:
    """The server, its bucket holding the fleet under ``devices/``, and the environment
    that points the CLI (and its workers) at it: credentials only by the environment."""
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint,
        "FSSPEC_S3_ENDPOINT_URL": endpoint,
    }
    fs = s3fs.S3FileSystem(key="testing", secret="testing", endpoint_url=endpoint)
    try:
        fs.mkdir(BUCKET)
        folder = tmp_path_factory.mktemp("fleet")
        devices = write_fleet(folder, DEVICES)
        fs.put([str(p) for p in devices], f"{BUCKET}/devices/")
        fs.pipe(f"{BUCKET}/broken/cut.xml", devices[0].read_bytes()[:3000])
        yield fs, env
    finally:
        server.stop()


def _counts(report: dict[str, Any]) -> Counter[tuple[str, str]]:
    return Counter(
        (result["check"], result["status"])
        for target in report["targets"]
        for result in target["results"]
    )


def test_fleet_in_s3_reports_and_rows_go_back_to_s3(s3: tuple[Any, dict[str, str]]) -> None:
    fs, env = s3
    done = baseliner(
        "check", f"s3://{BUCKET}/devices/", f"s3://{BUCKET}/broken/*.xml", *COMMON,
        "--executor", "dask", "--jobs", "2", "--batch", "50", "--label", "nightly",
        "-o", f"json=s3://{BUCKET}/out/fleet.json", "-o", f"parquet=s3://{BUCKET}/out/rows",
        env=env,
    )  # fmt: skip
    # The cut export is named by its URL, never by the copy it was read from.
    assert done.code == EXIT_ERROR, done.err
    assert f"input error: s3://{BUCKET}/broken/cut.xml: line " in done.err, done.err
    report = json.loads(fs.cat(f"{BUCKET}/out/fleet.json"))
    assert len(report["targets"]) == DEVICES
    assert report["targets"][0]["sources"][0].startswith(f"s3://{BUCKET}/devices/")
    assert sorted(fs.ls(f"{BUCKET}/out/rows")) == [
        f"{BUCKET}/out/rows/part-{number:05d}.parquet" for number in range(3)
    ]
    connection = duckdb.connect()
    connection.register_filesystem(fs)
    rows = connection.sql(
        'SELECT "check", status, count(*), min(run), count(DISTINCT target) '
        f"FROM read_parquet('s3://{BUCKET}/out/rows/*.parquet') GROUP BY ALL"
    ).fetchall()
    assert Counter({(check, status): n for check, status, n, _, _ in rows}) == _counts(report)
    assert {(run, targets <= DEVICES) for *_, run, targets in rows} == {("nightly", True)}


def test_a_text_file_of_urls_names_the_targets(
    s3: tuple[Any, dict[str, str]], tmp_path: Path
) -> None:
    """No listing: each line is one object; a line that is not a URL, or an object that is
    not there, is an input error naming it, and the others are checked."""
    fs, env = s3
    urls = [f"s3://{path}" for path in sorted(fs.ls(f"{BUCKET}/devices"))[:3]]
    listing = "\n".join(["# three devices", *urls, f"s3://{BUCKET}/devices/gone.xml", "x.xml"])
    fs.pipe(f"{BUCKET}/lists/nightly.txt", listing.encode())
    out = tmp_path / "fleet.json"
    done = baseliner(
        "check", "--targets", f"s3://{BUCKET}/lists/nightly.txt", *COMMON, "-o", f"json={out}",
        env=env,
    )  # fmt: skip
    assert done.code == EXIT_ERROR, done.err
    assert f"s3://{BUCKET}/devices/gone.xml: cannot read: no such object" in done.err
    assert f"s3://{BUCKET}/lists/nightly.txt: line 6: not a URL: 'x.xml'" in done.err
    assert len(json.loads(out.read_bytes())["targets"]) == 3


def test_a_local_manifest_names_devices_and_sources_at_urls(
    s3: tuple[Any, dict[str, str]], tmp_path: Path
) -> None:
    """``devices`` and ``sources`` of a targets.yaml may be URLs (a glob here): each device
    is a target of the entry's group, with the shared sources applied first."""
    _, env = s3
    manifest = tmp_path / "targets.yaml"
    manifest.write_text(
        "targets:\n"
        f"  - devices: s3://{BUCKET}/devices/gpresult-0000[0-4].xml\n"
        "    group: finance\n"
        "    tags: [eu]\n"
    )
    out = tmp_path / "fleet.json"
    done = baseliner("check", "--targets", manifest, *COMMON, "-o", f"json={out}", env=env)
    assert done.code == 0, done.err
    targets = json.loads(out.read_bytes())["targets"]
    assert [(t["group"], t["tags"], len(t["sources"])) for t in targets] == [
        ("finance", ["eu"], 1)
    ] * 5
