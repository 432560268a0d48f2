"""Text no encoder expects: a file name that is not valid UTF-8 (Python reads its bytes as
lone surrogates, ``\\udcff``) and ``\\ud800`` escapes in JSON inputs.  Each was an
internal error at the end of a run, its work done (JSON, HTML, SARIF, CSV, Markdown, the
history file, standard output); now every output keeps the escape (checker/outputs.utf8), a
SARIF URI the name's bytes (``%FF``)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from checker.core.files import parse_json
from tests.cli.run import baseliner
from tests.conftest import FIXTURES

POLICY = "msft-windows11-24h2"
FORMATS = ("json", "sarif", "junit", "html", "csv", "markdown")


def _outputs(folder: Path) -> list[str]:
    return [arg for name in FORMATS for arg in ("-o", f"{name}={folder / f'out.{name}'}")]


def _read_json(path: Path) -> dict:
    document: dict = parse_json(path.read_text(encoding="utf-8"), str(path))  # strict: no NaN
    return document


@pytest.mark.skipif(sys.platform != "linux", reason="file names of arbitrary bytes are Linux's")
def test_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    shutil.copytree(FIXTURES / "gpo" / "misconfigured", exports / os.fsdecode(b"\xffmis"))
    history = tmp_path / "history.db"
    label = os.fsdecode(b"\xferelease")
    done = baseliner(
        *("check", ".", "--policy", POLICY, "--history", history, "--label", label),
        *(*_outputs(tmp_path), "--soft-fail"),
        cwd=exports,
    )
    assert done.code == 0, done.err
    report = _read_json(tmp_path / "out.json")
    sources = [source for target in report["targets"] for source in target["sources"]]
    assert os.fsencode(sources[0]).startswith(b"\xffmis/")  # the escape gives the bytes back
    uris = {
        location["physicalLocation"]["artifactLocation"]["uri"]
        for result in _read_json(tmp_path / "out.sarif")["runs"][0]["results"]
        for location in result["locations"]
    }
    assert uris and all(uri.startswith("%FFmis/") for uri in uris)
    assert "\\udcffmis" in (tmp_path / "out.html").read_text(encoding="utf-8")
    listed = baseliner("history", "--history", history)
    assert listed.code == 0 and "\\udcferelease" in listed.out


def test_a_lone_surrogate_escape_in_a_json_export(tmp_path: Path) -> None:
    # (libyaml refuses the same escape in a policy file: "invalid Unicode character escape".)
    export = tmp_path / "device.json"
    text = (FIXTURES / "intune" / "array.json").read_text(encoding="utf-8-sig")
    export.write_text(text.replace("Fixture - Endpoint protection", "Fixture \\ud800"))
    done = baseliner("check", export, "--policy", POLICY, *_outputs(tmp_path), "--soft-fail")
    assert done.code == 0, done.err
    for name in ("json", "sarif"):
        _read_json(tmp_path / f"out.{name}")
    normalized = baseliner("normalize", export)
    assert normalized.code == 0, normalized.err
    assert '"Fixture \\ud800"' in normalized.out


@pytest.mark.skipif(sys.platform != "linux", reason="file names with control characters")
def test_control_characters_are_shown_not_obeyed_on_the_terminal(tmp_path: Path) -> None:
    """An escape sequence in a file name (or an exported display name) reached the terminal
    raw: it could clear the screen, retitle the window or hide a line of the report. The
    console report, explain, lint and test output and every message on stderr show it as
    ``\\x1b``; JSON keeps the name exactly (it escapes control characters itself)."""
    text = (FIXTURES / "intune" / "array.json").read_text(encoding="utf-8-sig")
    good = tmp_path / "dev\x1b[31mred.json"
    good.write_text(text)
    bad = tmp_path / "bad\x1b[2J.json"
    bad.write_text(text[:300])
    out = tmp_path / "out.json"
    done = baseliner("check", good, bad, "--policy", POLICY, "-o", "console", "-o", f"json={out}")
    assert done.code == 2
    assert "\x1b" not in done.out + done.err
    assert "dev\\x1b[31mred  (1 source)" in done.out
    assert f"input error: {tmp_path}/bad\\x1b[2J.json: line " in done.err
    names = [target["name"] for target in _read_json(out)["targets"]]
    assert names == ["dev\x1b[31mred"]
    shown = baseliner("explain", "msft-w11-24h2-smb-smb1", good, "--policy", POLICY)
    assert "\x1b" not in shown.out and "target:    dev\\x1b[31mred" in shown.out
