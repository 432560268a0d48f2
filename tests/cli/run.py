"""Run the CLI through its real entry point (``python -m checker``) in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT


@dataclass(frozen=True)
class Completed:
    code: int
    out: str
    err: str


def clone_environment() -> dict[str, str]:
    """This process's environment, importing the clone's own package whatever the working
    directory (an installed baseliner, of another version, would win in a folder of its
    own)."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path}


def baseliner(
    *args: str | Path,
    cwd: Path = ROOT,
    stdin: str | None = None,
    timeout: float = 300,
    env: dict[str, str] | None = None,
) -> Completed:
    """``env``: variables added to this process's environment."""
    proc = subprocess.run(
        [sys.executable, "-m", "checker", *map(str, args)],
        cwd=cwd,
        env={**clone_environment(), **(env or {})},
        capture_output=True,
        text=True,
        input=stdin,
        timeout=timeout,
        check=False,
    )
    return Completed(proc.returncode, proc.stdout, proc.stderr)
