"""SARIF as code scanning gets it: from an installed wheel, in a scratch repository, on a
fleet and on an Intune export; Microsoft's SARIF multitool (``validate --rule-kind
"Sarif;Gh"``, from npm) finds no error; 20 devices against every shipped benchmark stay under
GitHub's 10 MB gzipped.

The wheel is built from this checkout (``python -m build``) and installed into a folder of
its own, so the shipped benchmarks sit where they sit for users (not in the repository).
Skipped, with the reason, when the wheel cannot be built here or npm is missing.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from checker.policy.load import shipped_names
from tests.conftest import ROOT
from tests.test_packaging import build

POLICY = "msft-windows11-24h2"
MULTITOOL = "@microsoft/sarif-multitool"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout, installed (without dependencies: the test's
    environment has them) into a folder of its own."""
    dist = tmp_path_factory.mktemp("dist")
    build(dist, "--wheel")
    site = tmp_path_factory.mktemp("site")
    wheel = next(dist.glob("baseliner-*.whl"))
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), wheel],
        capture_output=True,
        check=True,
        timeout=300,
    )
    return site


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A policy repository in git: a fleet of 25 generated devices, 20 more, and an Intune
    export (the project's fixture)."""
    repo = tmp_path_factory.mktemp("scanned") / "policy-repo"
    (repo / "exports").mkdir(parents=True)
    for name, devices in (("fleet", 25), ("twenty", 20)):
        folder = str(repo / "exports" / name)
        subprocess.run(
            [sys.executable, "-m", "tools.make_fleet", folder, "--devices", str(devices)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=300,
        )
    shutil.copytree(ROOT / "fixtures" / "intune" / "intunemanagement", repo / "exports" / "intune")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    return repo


def _check(installed: Path, repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``baseliner check`` of the installed wheel, run from a subfolder of the repository
    (the source root is the git top level, not the working folder)."""
    where = repo / "exports"
    env = {**os.environ, "PYTHONPATH": str(installed), "BASELINER_NO_CACHE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "checker", "check", *args],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _locations(log: Any) -> Iterator[dict[str, Any]]:
    for run in log["runs"]:
        for result in run["results"]:
            for location in result["locations"]:
                yield location["physicalLocation"]["artifactLocation"]
        for note in run["invocations"][0].get("toolExecutionNotifications", []):
            for location in note.get("locations", []):
                yield location["physicalLocation"]["artifactLocation"]


@pytest.mark.parametrize(
    ("inputs", "layout"),
    [(["fleet"], "fleet"), (["intune"], "device")],
    ids=["fleet-of-25", "intune-export"],
)
def test_uris_are_relative_and_inside_the_repository(
    installed: Path, scratch: Path, inputs: list[str], layout: str
) -> None:
    out = scratch / f"{inputs[0]}.sarif"
    done = _check(installed, scratch, *inputs, "--policy", POLICY, "-o", f"sarif={out}")
    assert done.returncode in (0, 1), done.stderr
    log = json.loads(out.read_text(encoding="utf-8"))
    assert len(log["runs"]) == 1 and "automationDetails" not in log["runs"][0]
    results = log["runs"][0]["results"]
    assert results
    assert ("target" in results[0]["properties"]) is (layout == "device")
    locations = list(_locations(log))
    assert [loc for loc in locations if loc.get("uriBaseId") != "%SRCROOT%"] == []
    uris = {loc["uri"] for loc in locations}
    assert [uri for uri in uris if ":" in uri or uri.startswith(("/", ".."))] == []
    # Every location is a file of the repository: an export, never the installed benchmark.
    assert [uri for uri in uris if not uri.startswith(f"exports/{inputs[0]}/")] == []
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert {rule["id"] for rule in rules} == {result["ruleId"] for result in results}


def test_category_only_with_sarif_category(installed: Path, scratch: Path) -> None:
    out = scratch / "category.sarif"
    done = _check(
        installed, scratch, "intune", "--policy", POLICY, "-o", f"sarif={out}",
        "--sarif-category", "baselines/win11",
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    run = json.loads(out.read_text(encoding="utf-8"))["runs"][0]
    assert run["automationDetails"] == {"id": "baselines/win11/"}


@pytest.fixture(scope="module")
def every_benchmark(installed: Path, scratch: Path) -> Path:
    """20 devices against every shipped benchmark: the largest log before the fleet
    layout."""
    out = scratch / "every-benchmark.sarif"
    policies = [arg for name in shipped_names() for arg in ("--policy", name)]
    done = _check(installed, scratch, "twenty", *policies, "-o", f"sarif={out}", "--jobs", "2")
    assert done.returncode in (0, 1), done.stderr
    return out


def test_twenty_devices_every_benchmark_under_ten_mb(every_benchmark: Path) -> None:
    data = every_benchmark.read_bytes()
    size = len(gzip.compress(data, mtime=0))
    assert size < 10 * 1024 * 1024, f"{size:,} bytes gzipped"
    run = json.loads(data)["runs"][0]
    assert len({r["properties"]["target"] for r in run["results"]}) == 20


@pytest.fixture(scope="module")
def multitool(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Microsoft's SARIF multitool from npm (its platform binary: the npm wrapper runs it
    through a shell, which would split ``Sarif;Gh``)."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("needs npm and node to install @microsoft/sarif-multitool")
    prefix = tmp_path_factory.mktemp("npm")
    installed = subprocess.run(
        ["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund", MULTITOOL],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if installed.returncode != 0:
        pytest.skip(f"npm could not install {MULTITOOL}: {installed.stderr[-300:]}")
    found = subprocess.run(
        ["node", "-e", f"process.stdout.write(require('{MULTITOOL}'))"],
        cwd=prefix,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    binary = Path(found)
    binary.chmod(0o755)  # npm may not run the package's postinstall chmod
    return binary


def _validate(multitool: Path, log: Path) -> list[str]:
    output = log.with_suffix(".validation.sarif")
    output.unlink(missing_ok=True)
    # The log of every benchmark is over the multitool's default 10,000 KB (raw, not
    # gzipped), which it would skip, not validate.
    options = ["--rule-kind", "Sarif;Gh", "--output", str(output)]
    options += ["--max-file-size-in-kb", "1000000"]
    done = subprocess.run(
        [str(multitool), "validate", *options, str(log)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1"},
    )
    assert "Analysis completed successfully" in done.stdout, done.stdout + done.stderr
    return [line for line in done.stdout.splitlines() if re.search(r": error [A-Z]+\d+", line)]


@pytest.mark.parametrize("name", ["fleet", "intune"])
def test_multitool_finds_no_error(
    installed: Path, scratch: Path, multitool: Path, name: str
) -> None:
    out = scratch / f"{name}-validated.sarif"
    done = _check(installed, scratch, name, "--policy", POLICY, "-o", f"sarif={out}")
    assert done.returncode in (0, 1), done.stderr
    assert _validate(multitool, out) == []


def test_multitool_finds_no_error_in_every_benchmark_log(
    every_benchmark: Path, multitool: Path
) -> None:
    assert _validate(multitool, every_benchmark) == []
