"""--history, `history` and `diff` through the real entry point, on both backends."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from checker.history.location import Location
from tests.cli.run import baseliner
from tests.conftest import FIXTURES

POLICY = "msft-windows11-24h2"
FIXED = "msft-w11-24h2-defender-disablerealtimemonitoring"


def _check(target: Path, tmp_path: Path, name: str, *extra: str | Path) -> Path:
    out = tmp_path / f"{name}.json"
    done = baseliner(
        "check", target, "--policy", POLICY, "--soft-fail", "-o", f"json={out}", *extra
    )
    assert done.code == 0, done.err
    return out


def _before_and_after(tmp_path: Path) -> tuple[Path, Path]:
    """The same target before and after a fix: the misconfigured backup, then the compliant
    one, under one folder name."""
    before_dir, after_dir = tmp_path / "b" / "device", tmp_path / "a" / "device"
    shutil.copytree(FIXTURES / "gpo" / "misconfigured", before_dir)
    shutil.copytree(FIXTURES / "gpo" / "compliant", after_dir)
    return before_dir, after_dir


def test_history_shows_runs_over_time(store: Location, tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    for name in ("misconfigured", "compliant"):
        _check(
            FIXTURES / "gpo" / name, tmp_path, name,
            "--history", str(store), "--label", name, "-o", f"html={html}",
        )  # fmt: skip
    done = baseliner("history", "--history", store, "--format", "json")
    history = json.loads(done.out)
    assert [run["label"] for run in history["runs"]] == ["misconfigured", "compliant"]
    (series,) = history["series"]
    assert (series["benchmark"], series["group"]) == (POLICY, None)
    overall = [point["percent"] for point in series["scores"]["overall"]]
    assert overall[0] < overall[1] == 100.0
    chart = html.read_text(encoding="utf-8")
    assert "2 recorded runs, oldest on the left." in chart
    assert re.search(r"<title>\S+ compliant: overall 100\.0%</title>", chart)
    text = baseliner("history", "--history", store).out
    assert text.startswith(f"{POLICY}, every target\n")


def test_diff_names_fixed_check_and_score_change(tmp_path: Path) -> None:
    before_dir, after_dir = _before_and_after(tmp_path)
    before = _check(before_dir, tmp_path, "before")
    after = _check(after_dir, tmp_path, "after")
    done = baseliner("diff", before, after, "--format", "json")
    result = json.loads(done.out)
    fixed = {item["check"] for item in result["fixed"]}
    assert FIXED in fixed
    assert len(fixed) == 10
    assert result["score"]["new"] == 100.0 and result["score"]["old"] < 100.0
    markdown = baseliner("diff", before, after, "--format", "markdown").out
    assert FIXED in markdown
    assert baseliner("diff", after, before, "--fail-on-new").code == 1


def test_diff_of_two_recorded_runs_is_the_diff_of_their_files(
    store: Location, tmp_path: Path
) -> None:
    before_dir, after_dir = _before_and_after(tmp_path)
    before = _check(before_dir, tmp_path, "before", "--history", store, "--label", "v1")
    after = _check(after_dir, tmp_path, "after", "--history", store, "--label", "v2")
    files = json.loads(baseliner("diff", before, after, "--format", "json").out)
    for old, new in (("v1", "v2"), ("1", "2")):
        done = baseliner("diff", old, new, "--history", store, "--format", "json")
        assert done.code == 0, done.err
        assert json.loads(done.out) == files
    assert baseliner("diff", "v2", "v1", "--history", store, "--fail-on-new").code == 1
    for ref in ("v9", "9" * 30):
        missing = baseliner("diff", "v1", ref, "--history", store)
        assert missing.code == 2 and f"no run has the id or label {ref!r}" in missing.err


def test_no_change_between_different_benchmarks(store: Location, tmp_path: Path) -> None:
    """A STIG run after a Windows 11 run: `history` shows two series and `diff` refuses."""
    w11 = _check(FIXTURES / "gpo" / "compliant", tmp_path, "w11", "--history", store)
    stig = tmp_path / "stig.json"
    done = baseliner(
        "check", FIXTURES / "gpo" / "compliant", "--policy", "stig-windows10", "--soft-fail",
        "-o", f"json={stig}", "--history", store,
    )  # fmt: skip
    assert done.code == 0, done.err
    listed = baseliner("history", "--history", store).out
    assert "change" in listed and not re.search(r"[+-]\d+\.\d\b", listed)
    assert [line for line in listed.splitlines() if line.endswith("every target")] == [
        f"{POLICY}, every target",
        "stig-windows10, every target",
    ]
    refused = baseliner("diff", "1", "2", "--history", store)
    assert refused.code == 2
    assert "a change is computed only between runs of the same benchmark" in refused.err
    files = baseliner("diff", w11, stig)
    assert files.code == 2 and "only between runs of the same benchmarks" in files.err


def test_history_by_group_and_since(store: Location, tmp_path: Path) -> None:
    devices = tmp_path / "devices"
    for name in ("misconfigured", "compliant"):
        shutil.copytree(FIXTURES / "gpo" / name, devices / name)
    manifest = tmp_path / "targets.yaml"
    manifest.write_text(
        "targets:\n"
        "  - {name: ws-1, sources: [devices/misconfigured], group: workstations}\n"
        '  - {name: srv-1, sources: [devices/compliant], group: "servers\'; --"}\n'
    )
    done = baseliner(
        "check", "--targets", manifest, "--policy", POLICY, "--soft-fail", "--history", store,
        cwd=tmp_path,
    )  # fmt: skip
    assert done.code == 0, done.err
    grouped = json.loads(
        baseliner("history", "--history", store, "--by", "group", "--format", "json").out
    )
    assert [(s["group"], s["scores"]["overall"][0]["percent"]) for s in grouped["series"]] == [
        ("servers'; --", 100.0),
        ("workstations", grouped["series"][1]["scores"]["overall"][0]["percent"]),
    ]
    one = baseliner("history", "--history", store, "--group", "workstations", "--format", "json")
    assert [s["group"] for s in json.loads(one.out)["series"]] == ["workstations"]
    later = baseliner("history", "--history", store, "--since", "2999-01-01")
    assert later.code == 0 and later.out == "no runs recorded\n"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("postgresql://ci:s3cret@db.example/fleet", "the URL holds a password"),
        ("postgresql://ci@db.example/fleet?password=s3cret", "the URL holds a password"),
        ("mysql://ci@db.example/fleet", "mysql:// is not a history store"),
    ],
)
def test_history_urls_refused(tmp_path: Path, value: str, message: str) -> None:
    done = baseliner("history", "--history", value)
    assert done.code == 2 and message in done.err
    assert "s3cret" not in done.err.replace(value, "")


def test_a_history_that_cannot_be_reached_loses_no_report(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    done = baseliner(
        "check", FIXTURES / "gpo" / "compliant", "--policy", POLICY, "-o", f"json={out}",
        "--history", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=3",
    )  # fmt: skip
    assert done.code == 2 and out.is_file()
    assert done.err.startswith("history error: postgresql://nobody@127.0.0.1:1/none")


def test_history_of_a_missing_file_is_exit_2(tmp_path: Path) -> None:
    done = baseliner("history", "--history", tmp_path / "none.sqlite")
    assert done.code == 2 and done.err.startswith("history error: ")


def test_sqlite_urls(tmp_path: Path) -> None:
    export = FIXTURES / "gpo" / "compliant"
    for history in ("sqlite:///h.db", f"sqlite:///{tmp_path / 'h.db'}"):
        done = baseliner("check", export, "--policy", POLICY, "--history", history, cwd=tmp_path)
        assert done.code == 0, done.err
    listed = baseliner("history", "--history", tmp_path / "h.db")
    assert listed.code == 0 and listed.out.count("\n") == 4  # title, header, two runs


def test_diff_of_bad_json_names_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"targets": [\n  oops]\n}')
    done = baseliner("diff", bad, bad)
    assert done.code == 2
    assert f"input error: {bad}: line 2, column 3" in done.err
