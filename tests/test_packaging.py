"""The installed package carries its benchmarks and data (what `pip install .` gives a user)."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
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


def build(dist: Path, *options: str) -> None:
    """``python -m build`` of this checkout into ``dist``; skips the test when it cannot
    build here (no network for the build requirements)."""
    built = subprocess.run(
        [sys.executable, "-m", "build", *options, "--outdir", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if built.returncode != 0:
        pytest.skip(f"the distributions could not be built here: {built.stderr[-400:]}")


@pytest.fixture(scope="module")
def distributions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sdist, and the wheel built from it (``python -m build``'s default path)."""
    dist = tmp_path_factory.mktemp("dist")
    build(dist)
    return next(dist.glob("baseliner-*.tar.gz")), next(dist.glob("baseliner-*.whl"))


def test_sdist_leaves_the_tests_out_and_ships_the_licence(distributions: tuple[Path, Path]) -> None:
    """The suite needs the git checkout (fixtures, tools, examples, the shared corpus): it
    is left out rather than shipped without what it needs."""
    with tarfile.open(distributions[0]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"LICENSE", "README.md", "pyproject.toml", "checker/__init__.py"} <= names
    assert "policies/msft-windows11-24h2.yaml" in names
    left_in = [n for n in names if n.split("/")[0] in ("tests", "tools", "bench", "fixtures")]
    assert left_in == []


def test_wheel_metadata_spdx_licence_and_runtime_dependencies(
    distributions: tuple[Path, Path],
) -> None:
    with zipfile.ZipFile(distributions[1]) as wheel:
        metadata_name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = wheel.read(metadata_name).decode("utf-8")
        names = wheel.namelist()
    fields = [line.split(": ", 1) for line in metadata.splitlines() if ": " in line]
    assert ["License-Expression", "MIT"] in fields
    assert ["License-File", "LICENSE"] in fields
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    runtime = [value for key, value in fields if key == "Requires-Dist" and "extra ==" not in value]
    assert not any(value.startswith("defusedxml") for value in runtime)
    assert any(value.startswith("platformdirs") for value in runtime)
