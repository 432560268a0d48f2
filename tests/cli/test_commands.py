"""lint, normalize, explain, policies and mapping through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.run import baseliner
from tests.conftest import FIXTURES, ROOT

POLICY = "msft-windows11-24h2"
BAD_POLICIES = ROOT / "tests" / "data" / "policies" / "bad"


def test_lint_accepts_shipped_benchmarks() -> None:
    done = baseliner("lint", ROOT / "policies")
    assert done.code == 0, done.err


def test_lint_broken_jmespath_names_file_line_and_column() -> None:
    path = BAD_POLICIES / "bad-jmespath.yaml"
    done = baseliner("lint", path)
    assert done.code == 2
    assert f"{path}:11:24: error: bad JMESPath" in done.out


def test_normalize_prints_the_device_document_with_origins() -> None:
    done = baseliner("normalize", FIXTURES / "gpo" / "misconfigured")
    assert done.code == 0, done.err
    (target,) = json.loads(done.out)["targets"]
    entry = target["document"]["security"]["system access/minimumpasswordlength"]
    assert entry["value"] == 7
    assert entry["origin"]["path"].endswith("GptTmpl.inf") and entry["origin"]["line"] > 0
    audit = target["document"]["audit"]["credential validation"]
    assert audit["value"] == "No Auditing"


def test_explain_shows_value_origin_and_verdict() -> None:
    check = "msft-w11-24h2-defender-disablerealtimemonitoring"
    done = baseliner("explain", check, FIXTURES / "gpo" / "misconfigured", "--policy", POLICY)
    assert done.code == 0, done.err
    assert "status:    fail" in done.out
    assert "actual:    1" in done.out
    assert "expected:  == 0" in done.out
    assert "registry.pol@" in done.out


def test_policies_lists_shipped_benchmarks() -> None:
    done = baseliner("policies", "--json")
    rows = {row["id"]: row for row in json.loads(done.out)}
    assert rows[POLICY]["checks"] >= 200
    assert set(rows[POLICY]["categories"]) == {
        "accounts",
        "application",
        "network",
        "os",
        "security_controls",
    }


def test_policies_shows_each_stig_release() -> None:
    done = baseliner("policies")
    lines = [line for line in done.out.splitlines() if line.startswith("stig-")]
    assert [line.split()[:3] for line in lines] == [
        ["stig-defender-antivirus", "V2R4", "41"],
        ["stig-windows-server-2019-dc", "V3R1", "187"],
        ["stig-windows-server-2019-member", "V3R1", "180"],
        ["stig-windows-server-2022-dc", "V1R3", "185"],
        ["stig-windows-server-2022-member", "V1R3", "178"],
        ["stig-windows10", "V2R9", "220"],
        ["stig-windows11", "V1R6", "213"],
    ]


def test_mapping_search_shows_entries() -> None:
    done = baseliner("mapping", "configurelsaprotectedprocess", "--json")
    matches = json.loads(done.out)["matches"]
    assert any(
        m["targets"] == ["registry:HKLM\\Software\\Policies\\Microsoft\\Windows\\System!RunAsPPL"]
        for m in matches
    )


def test_version_and_help() -> None:
    assert baseliner("--version").out.startswith("baseliner, version ")
    assert "Commands:" in baseliner("--help").out
    assert baseliner("nonsense").code == 2


def test_missing_input_is_exit_2(tmp_path: Path) -> None:
    done = baseliner("check", tmp_path / "nope", "--policy", POLICY)
    assert done.code == 2
    assert "no such file or folder" in done.err
