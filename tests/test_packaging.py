"""The installed package carries its benchmarks and data (what `pip install .` gives a user)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    build = tmp_path_factory.mktemp("build")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(build), "TMPDIR": str(build)},
    )
    if done.returncode != 0:
        pytest.skip(f"pip could not build the package here: {done.stderr[-300:]}")
    return target


def test_installed_package_lists_and_runs_shipped_benchmarks(
    installed: Path, tmp_path: Path
) -> None:
    shipped = sorted(p.stem for p in (ROOT / "policies").glob("*.yaml"))
    code = (
        "from checker.policy.load import shipped_names, load_benchmarks; "
        "print(','.join(shipped_names())); "
        "print(sum(len(b.checks) for b in load_benchmarks(['msft-windows11-24h2'])))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(installed)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    names, count = done.stdout.split()
    assert names.split(",") == shipped
    assert int(count) >= 200
    for data in ("benchmark.schema.json", "mapping.json.gz", "admx_index.json.gz"):
        assert (installed / "checker" / "data" / data).is_file()
