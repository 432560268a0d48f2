"""The repository's own quality gates (the same as .pre-commit-config.yaml), run in CI."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT

GATES = {
    "ruff check": [sys.executable, "-m", "ruff", "check", "checker", "tests", "tools", "bench"],
    "ruff format": [sys.executable, "-m", "ruff", "format", "--check", "checker", "tests",
                    "tools", "bench"],
    "mypy": [sys.executable, "-m", "mypy", "--strict", "checker"],
}  # fmt: skip


@pytest.mark.parametrize("gate", sorted(GATES))
def test_gate(gate: str) -> None:
    tool = GATES[gate][2]
    if (
        shutil.which(tool) is None
        and subprocess.run(
            [sys.executable, "-m", tool, "--version"], capture_output=True, check=False
        ).returncode
    ):
        pytest.skip(f"{tool} is not installed (pip install -e '.[test]')")
    done = subprocess.run(
        GATES[gate], cwd=ROOT, capture_output=True, text=True, check=False, timeout=600
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
