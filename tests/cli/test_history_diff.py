"""--history, `history` and `diff` through the real entry point."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.cli.run import baseliner
from tests.conftest import FIXTURES

POLICY = "msft-windows11-24h2"


def _check(target: Path, tmp_path: Path, name: str, *extra: str) -> Path:
    out = tmp_path / f"{name}.json"
    done = baseliner(
        "check", target, "--policy", POLICY, "--soft-fail", "-o", f"json={out}", *extra
    )
    assert done.code == 0, done.err
    return out


def test_history_shows_runs_over_time(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite"
    for name in ("misconfigured", "compliant"):
        _check(FIXTURES / "gpo" / name, tmp_path, name, "--history", str(db), "--label", name)
    done = baseliner("history", "--history", db, "--format", "json")
    history = json.loads(done.out)
    assert [run["label"] for run in history["runs"]] == ["misconfigured", "compliant"]
    overall = [point["percent"] for point in history["series"]["overall"]]
    assert overall[0] < overall[1] == 100.0


def test_diff_names_fixed_check_and_score_change(tmp_path: Path) -> None:
    # The same target before and after a fix: copy the misconfigured backup, then the compliant
    # one, into one folder name.
    before_dir, after_dir = tmp_path / "b" / "device", tmp_path / "a" / "device"
    shutil.copytree(FIXTURES / "gpo" / "misconfigured", before_dir)
    shutil.copytree(FIXTURES / "gpo" / "compliant", after_dir)
    before = _check(before_dir, tmp_path, "before")
    after = _check(after_dir, tmp_path, "after")
    done = baseliner("diff", before, after, "--format", "json")
    result = json.loads(done.out)
    fixed = {item["check"] for item in result["fixed"]}
    assert "msft-w11-24h2-defender-disablerealtimemonitoring" in fixed
    assert len(fixed) == 10
    assert result["score"]["new"] == 100.0 and result["score"]["old"] < 100.0
    markdown = baseliner("diff", before, after, "--format", "markdown").out
    assert "msft-w11-24h2-defender-disablerealtimemonitoring" in markdown
    assert baseliner("diff", after, before, "--fail-on-new").code == 1


def test_history_of_a_missing_file_is_exit_2(tmp_path: Path) -> None:
    done = baseliner("history", "--history", tmp_path / "none.sqlite")
    assert done.code == 2 and done.err.startswith("history error: ")


def test_diff_of_bad_json_names_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"targets": [\n  oops]\n}')
    done = baseliner("diff", bad, bad)
    assert done.code == 2
    assert f"input error: {bad}: line 2, column 3" in done.err
