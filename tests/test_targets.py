"""Targets of report shapes: a ``Get-GPOReport -All`` report is one target per GPO (or one,
when a manifest lists it as a target's source), a planned RSoP is a planned target, and
firewall facts come from the registry values that hold them, whatever the source."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.core.values import Fact, Origin
from checker.kinds import Kind
from checker.targets.firewall import firewall_fact
from checker.targets.load import load_target, plan
from checker.targets.plans import TargetPlan
from tests.conftest import FIXTURES

ALL = FIXTURES / "gpreport" / "all-gpos.xml"
BACKUP = FIXTURES / "gpo-with-report" / "{16161616-0000-4000-8000-000000000016}"
FIREWALL = "HKLM\\Software\\Policies\\Microsoft\\WindowsFirewall"
NAMES = [
    "Workstations {16000000-0000-4000-8000-00000000000a}",
    "Workstations {16000000-0000-4000-8000-00000000000b}",
    "Servers",
]


def _loaded(target_plan: TargetPlan) -> list[str | None]:
    target, errors = load_target(target_plan)
    assert errors == [] and target is not None
    return [source.name for source in target.sources]


def test_an_all_report_is_a_target_per_gpo() -> None:
    planned = plan([ALL])
    assert [t.name for t in planned.targets] == NAMES
    assert [_loaded(t) for t in planned.targets] == [
        ["Workstations"],
        ["Workstations"],
        ["Servers"],
    ]


def test_in_a_folder_an_all_report_still_is_a_target_per_gpo(tmp_path: Path) -> None:
    (tmp_path / "domain.xml").write_bytes(ALL.read_bytes())
    (tmp_path / "one.xml").write_bytes((FIXTURES / "gpreport" / "small-gpreport.xml").read_bytes())
    planned = plan([tmp_path])
    assert [t.name for t in planned.targets] == [*NAMES, tmp_path.name]
    assert [p.path.name for p in planned.targets[-1].sources] == ["one.xml"]


def _manifest(tmp_path: Path, entry: str) -> Path:
    (tmp_path / "domain.xml").write_bytes(ALL.read_bytes())
    manifest = tmp_path / "targets.yaml"
    manifest.write_text(f"targets:\n  - name: domain\n    {entry}\n")
    return manifest


def test_a_manifest_source_keeps_an_all_report_one_target(tmp_path: Path) -> None:
    planned = plan([], _manifest(tmp_path, "sources: [domain.xml]"))
    (target,) = planned.targets
    assert _loaded(target) == ["Workstations", "Workstations", "Servers"]


def test_manifest_devices_make_a_target_per_gpo(tmp_path: Path) -> None:
    planned = plan([], _manifest(tmp_path, "devices: domain.xml"))
    assert [t.name for t in planned.targets] == NAMES


def test_a_planned_rsop_is_a_planned_target_named_by_its_file() -> None:
    (target_plan,) = plan([FIXTURES / "gpresult" / "planned-rsop.xml"]).targets
    target, _ = load_target(target_plan)
    assert target is not None
    assert (target.name, target.meta["planned"]) == ("planned-rsop", True)


def _firewall(path: Path) -> dict[str, tuple[object, str | None]]:
    (target_plan,) = plan([path]).targets
    target, errors = load_target(target_plan)
    assert errors == [] and target is not None, errors
    return {f.key: (f.value, f.type) for f in target.facts.get(Kind.FIREWALL, {}).values()}


def test_firewall_facts_are_the_same_from_raw_files_and_report() -> None:
    expected = {
        "Domain/EnableFirewall": (1, "REG_DWORD"),
        "Domain/DefaultInboundAction": (1, "REG_DWORD"),
        "Public/LogFileSize": (16384, "REG_DWORD"),
    }
    assert _firewall(BACKUP) == expected
    assert _firewall(BACKUP / "gpreport.xml") == expected


@pytest.mark.parametrize(
    ("key", "deleted", "expected"),
    [
        (f"{FIREWALL}\\DomainProfile!EnableFirewall", False, ("Domain/EnableFirewall", False)),
        (f"{FIREWALL}\\publicprofile\\Logging!LogFileSize", False, ("Public/LogFileSize", False)),
        # A later GPO deleting the value deletes the setting.
        (f"{FIREWALL}\\PrivateProfile!EnableFirewall", True, ("Private/EnableFirewall", True)),
        # The Windows Firewall ADMX's standard profile is no profile of today's firewall.
        (f"{FIREWALL}\\StandardProfile!EnableFirewall", False, None),
        (f"{FIREWALL}\\FirewallRules!{{rule}}", False, None),
    ],
)
def test_a_firewall_fact_follows_its_registry_value(
    key: str, deleted: bool, expected: tuple[str, bool] | None
) -> None:
    fact = Fact(Kind.REGISTRY, key, None if deleted else 1, Origin("r.pol"), "REG_DWORD", deleted)
    found = firewall_fact(fact)
    assert (None if found is None else (found.key, found.deleted)) == expected
    if found is not None:
        assert (found.kind, found.value, found.type, found.origin) == (
            Kind.FIREWALL,
            fact.value,
            "REG_DWORD",
            fact.origin,
        )
