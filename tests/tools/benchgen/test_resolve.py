"""tools.benchgen.resolve: titles, Group Policy paths and displayed values of settings, from
a small ADMX set, gpreport.xml and finding list (data/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.tools.benchgen.factory import fact
from tools.benchgen.admx import AdmxIndex
from tools.benchgen.gpo import finding_of
from tools.benchgen.gpreport import read_gpreport
from tools.benchgen.resolve import fallback, gpo_path_of, resolve
from tools.benchgen.sources import FindingIndex, Sources

DATA = Path(__file__).parent / "data"
CASES: list[dict[str, Any]] = yaml.safe_load((DATA / "resolve_cases.yaml").read_text())


@pytest.fixture(scope="module")
def sources() -> Sources:
    return Sources(AdmxIndex(DATA / "admx"), FindingIndex(DATA / "finding_list.csv"))


@pytest.mark.parametrize("case", CASES, ids=lambda case: str(fact(case["given"]).key))
def test_resolve(case: dict[str, Any], sources: Sources) -> None:
    given = fact(case["given"])
    report = read_gpreport(DATA / "gpreport.xml")
    resolved = resolve(given, report, sources) or fallback(given, finding_of(given, sources))
    got = {
        "title": resolved.title,
        "gpo_path": resolved.gpo_path,
        "setting": resolved.setting_text,
        "leaf": resolved.leaf,
        "path_alone": gpo_path_of(given, sources),
    }
    wanted = {key: case[key] for key in got if key in case}
    assert {key: got[key] for key in wanted} == wanted


def test_the_report_is_read() -> None:
    report = read_gpreport(DATA / "gpreport.xml")
    assert report.name == "Sample Computer"
    assert [p.name for p in report.policies] == [
        "Turn off Autoplay",
        "Disallow Autoplay for non-volume devices",
        "Configure Attack Surface Reduction rules",
    ]
    assert report.policies[0].elements == (("Turn off Autoplay on:", "All drives"),)
    assert report.members == {"SeDenyNetworkLogonRight": ("BUILTIN\\Guests", "S-1-5-114")}


def test_the_admx_index_knows_machine_policies_only(sources: Sources) -> None:
    explorer = "HKLM\\Software\\Policies\\Microsoft\\Windows\\Explorer"
    assert [p.policy for p in sources.admx.lookup(f"{explorer}!NoAutoplayfornonVolume")] == [
        "Disallow Autoplay for non-volume devices"
    ]
    assert sources.admx.lookup(f"{explorer}!UserOnly") == []
    (part,) = sources.admx.lookup(
        "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Policies\\Explorer!NoDriveTypeAutoRun"
    )
    assert part.category == ("Windows Components", "AutoPlay Policies")
    assert part.label == "Turn off Autoplay on:"
    assert part.items == ((181, "CD-ROM and removable media drives"), (255, "All drives"))
