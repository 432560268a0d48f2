"""Where ``-o FORMAT=PATH`` writes: a file is replaced atomically; a path that is not a file
(``/dev/stdout``, a named pipe, a device) is written into, never replaced by a file (which
took ``/dev/stdout`` and ``/dev/full`` away from every later process, as root); a folder is
an error."""

from __future__ import annotations

import json
import os
import stat
import sys
import threading
from pathlib import Path

import pytest

from tests.cli.run import baseliner
from tests.conftest import FIXTURES

CHECK = ("check", FIXTURES / "gpo" / "misconfigured", "--policy", "msft-windows11-24h2")
LINUX = pytest.mark.skipif(sys.platform != "linux", reason="Linux device files")


def test_a_file_is_written_and_replaced(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "report.json"
    for _ in range(2):
        done = baseliner(*CHECK, "-o", f"json={out}", "--soft-fail")
        assert done.code == 0, done.err
        assert json.loads(out.read_text(encoding="utf-8"))["schema_version"] == "1.0"
    assert [path.name for path in out.parent.iterdir()] == ["report.json"]  # no temporary left


def _read_in_background(pipe: Path, into: list[bytes]) -> threading.Thread:
    # A daemon: were the pipe replaced by a file, nobody would ever open it for writing.
    reader = threading.Thread(target=lambda: into.append(pipe.read_bytes()), daemon=True)
    reader.start()
    return reader


@LINUX
@pytest.mark.parametrize("through_link", [False, True], ids=["pipe", "link-to-pipe"])
def test_a_named_pipe_is_written_into(tmp_path: Path, through_link: bool) -> None:
    """A pipe, and a link to one as ``/dev/stdout`` is (tested here, not on /dev/stdout:
    a regression would replace the system's link, as it did before)."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    target = pipe
    if through_link:
        target = tmp_path / "stdout"
        target.symlink_to(pipe)
    received: list[bytes] = []
    reader = _read_in_background(pipe, received)
    done = baseliner(*CHECK, "-o", f"sarif={target}", "--soft-fail")
    reader.join(timeout=60)
    assert done.code == 0, done.err
    assert received and json.loads(received[0])["version"] == "2.1.0"
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    assert target.is_symlink() == through_link


def test_a_folder_is_an_error(tmp_path: Path) -> None:
    done = baseliner(*CHECK, "-o", f"json={tmp_path}", "--soft-fail")
    assert done.code == 2
    assert done.err == f"error: [Errno 21] is a directory, not a file to write: '{tmp_path}'\n"
