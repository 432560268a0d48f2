"""Every GPO backup of the corpus's first sets: gpreport.xml and the raw files give the same
facts (tests/loaders/test_gp_statuses.py compares every backup of the corpus by statuses).

Both sides are reduced to {kind: {canonical key: (value, deleted)}} after merging in file
order, for the kinds both can express (registry values, security settings, privileges,
advanced audit, services; firewall facts are made from registry values when a target is
built, tests/test_targets.py compares them).  The differences that cannot be closed are
listed below, each with its reason; the test fails on any other difference and on a listed
one that no longer occurs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from checker.core.values import Fact
from checker.kinds import Kind
from checker.loaders import gpo_backup, gpreport
from checker.targets.merge import merge_facts
from tests.conftest import FIXTURES, first_set

EVERY_SHAPE = FIXTURES / "gpo-with-report" / "{16161616-0000-4000-8000-000000000016}"
KINDS = (Kind.REGISTRY, Kind.SECURITY, Kind.PRIVILEGE, Kind.AUDIT, Kind.SERVICE)
Table = dict[tuple[Kind, str], tuple[object, bool]]


@dataclass(frozen=True, slots=True)
class Known:
    """A difference that stays: backup GUID, key pattern, which side has it, and why."""

    backup: str
    key: str
    only_in: str
    reason: str


_RULES = "the report shows firewall rules without their rule ID, the registry value name"
_ALLOW_WINDOWS = (
    "AppLocker's AllowWindows, which older AppLocker editors wrote beside each enforcement"
    " mode: the report does not show it"
)

KNOWN = (
    Known("{E471372E-9280-47FB-963A-7B2A75182ACC}", r"\\firewallrules!", "raw", _RULES),
    Known("{1CC39F6D-972E-4E7F-A5BD-AEB9C0B1083F}", r"\\firewallrules!", "raw", _RULES),
    Known(
        "{E2B8214C-729F-4324-A876-F067E58B740B}",
        r"\\srpv2\\\w+!allowwindows$",
        "raw",
        _ALLOW_WINDOWS,
    ),
    # The report says "Configure the 'Block at First Sight' feature" is Disabled, while the
    # backup's registry.pol has no DisableBlockAtFirstSeen: the two files disagree.
    Known(
        "{72D1AD12-B481-44E3-9529-AC7C658508B2}",
        r"\\spynet!disableblockatfirstseen$",
        "report",
        "report and registry.pol of this backup disagree",
    ),
)


def _table(facts: list[Fact]) -> Table:
    merged = merge_facts(facts)
    return {
        (kind, key): (fact.value, fact.deleted)
        for kind in KINDS
        for key, fact in merged.get(kind, {}).items()
    }


def _differences(report: Table, raw: Table) -> set[tuple[str, str]]:
    """(canonical key, the side it is only in or 'value') for each disagreement."""
    out = set()
    for kind_key in report.keys() | raw.keys():
        if report.get(kind_key) != raw.get(kind_key):
            side = "report" if kind_key not in raw else "raw" if kind_key not in report else "value"
            out.add((f"{kind_key[0].value}:{kind_key[1]}", side))
    return out


@pytest.fixture(scope="module")
def compared(corpus: Path) -> dict[str, set[tuple[str, str]]]:
    """Backup GUID -> differences, for every backup holding a gpreport.xml."""
    out = {}
    for report in first_set(sorted((corpus / "gpo").rglob("gpreport.xml"))):
        report_facts = [fact for source in gpreport.load(report) for fact in source.facts]
        raw_facts = [fact for source in gpo_backup.load(report.parent) for fact in source.facts]
        out[report.parent.name] = _differences(_table(report_facts), _table(raw_facts))
    return out


def _explained(backup: str, key: str, side: str) -> Known | None:
    for known in KNOWN:
        if known.backup == backup and known.only_in == side and re.search(known.key, key):
            return known
    return None


def test_every_backup_has_a_report(compared: dict[str, set[tuple[str, str]]]) -> None:
    assert len(compared) == 26


def test_report_and_raw_files_agree(compared: dict[str, set[tuple[str, str]]]) -> None:
    unexplained = {
        backup: sorted(d for d in diffs if _explained(backup, *d) is None)
        for backup, diffs in compared.items()
    }
    assert {backup: diffs for backup, diffs in unexplained.items() if diffs} == {}


def test_known_differences_still_occur(compared: dict[str, set[tuple[str, str]]]) -> None:
    used = {_explained(backup, *d) for backup, diffs in compared.items() for d in diffs}
    assert [known for known in KNOWN if known not in used] == []


def test_twenty_two_backups_are_identical(compared: dict[str, set[tuple[str, str]]]) -> None:
    assert sum(not diffs for diffs in compared.values()) == 22


def test_raw_files_and_report_of_every_shape_give_the_same_facts() -> None:
    """The project's own GPO of every shape that differs between the two (fixtures written
    by tools/make_report_fixtures.py): firewall profiles, multi-line text, list box, a name
    of an older release, a curated policy, AppLocker, REG_BINARY, GptTmpl text with commas,
    user rights by name and by SID, event log size."""
    report = [
        fact for source in gpreport.load(EVERY_SHAPE / "gpreport.xml") for fact in source.facts
    ]
    raw = [fact for source in gpo_backup.load(EVERY_SHAPE) for fact in source.facts]
    report_table, raw_table = _table(report), _table(raw)
    assert _differences(report_table, raw_table) == set()
    assert len(raw_table) == 17
    typed = {(f.key, f.type) for f in raw + report if f.type == "REG_BINARY"}
    assert {(key.rpartition("!")[2], t) for key, t in typed} == {
        ("FullPrivilegeAuditing", "REG_BINARY")
    }
