"""GPO backup folders: discovery and order, raw files, generated fixtures, bad backups."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from checker.core.errors import InputFormatError
from checker.kinds import Kind, canonical_key
from checker.loaders import gpo_backup, gpreport, registry_pol
from checker.policy.expect import compile_expect
from checker.targets.merge import build_target
from tests.conftest import FIXTURES, ROOT
from tools import make_fixtures

POL = registry_pol.write([registry_pol.make_entry(r"Software\Policies\T", "V", 1)])


def put(root: Path, relative: str, data: bytes = POL) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("relative", "is_backup"),
    [
        ("b/DomainSysvol/GPO/Machine/registry.pol", True),
        ("b/domainsysvol/x", True),
        ("b/Backup.xml", True),
        ("b/BKUPINFO.XML", True),
        ("b/GPO/Machine/registry.pol", True),
        ("b/gpo/User/x", True),
        ("b/GPO/Other/x", False),
        ("b/Machine/registry.pol", False),
    ],
)
def test_is_backup(tmp_path: Path, relative: str, is_backup: bool) -> None:
    put(tmp_path, relative, b"")
    assert gpo_backup.is_backup(tmp_path / "b") is is_backup
    assert gpo_backup.sniff(tmp_path / "b", b"") is is_backup


def test_find_backups_order_and_nesting(tmp_path: Path) -> None:
    for folder in (
        "20-hardening/{B}",
        "10-base/{A}",
        "10-base/{A}/nested/{X}",
        "Z/GPO/Machine",
        "a/{C}",
    ):
        put(
            tmp_path,
            f"{folder}/DomainSysvol/GPO/Machine/registry.pol"
            if "{" in folder
            else f"{folder}/registry.pol",
        )
    found = [p.relative_to(tmp_path).as_posix() for p in gpo_backup.find_backups(tmp_path)]
    assert found == ["10-base/{A}", "20-hardening/{B}", "Z", "a/{C}"]
    assert gpo_backup.find_backups(tmp_path / "10-base" / "{A}") == [tmp_path / "10-base" / "{A}"]


def test_raw_files_case_insensitive_order_and_name(tmp_path: Path) -> None:
    backup = tmp_path / "{G}"
    inf = b"\xff\xfe" + "[System Access]\r\nMinimumPasswordLength = 14\r\n".encode("utf-16-le")
    csv = (
        b"Machine Name,Policy Target,Subcategory,Subcategory GUID,Inclusion Setting,"
        b"Exclusion Setting,Setting Value\r\n"
        b",System,Audit Logon,{0cce9215-69ae-11d9-bed3-505054503030},Success,,1\r\n"
    )
    put(backup, "domainsysvol/gpo/machine/MICROSOFT/Windows NT/secedit/gpttmpl.INF", inf)
    put(backup, "domainsysvol/gpo/machine/MICROSOFT/Windows NT/audit/Audit.csv", csv)
    put(backup, "domainsysvol/gpo/USER/Registry.pol")
    put(backup, "domainsysvol/gpo/machine/registry.pol")
    put(
        backup,
        "Backup.xml",
        b"<a xmlns='urn:x'><GroupPolicyCoreSettings><DisplayName>From Backup</DisplayName>"
        b"</GroupPolicyCoreSettings></a>",
    )
    [source] = gpo_backup.load(tmp_path)
    assert (source.path, source.format, source.name, source.meta) == (
        str(backup),
        "gpo-backup",
        "From Backup",
        (),
    )
    assert [(f.kind, f.key, f.value, f.origin.source) for f in source.facts] == [
        (Kind.REGISTRY, r"HKLM\Software\Policies\T!V", 1, "From Backup"),
        (Kind.REGISTRY, r"HKCU\Software\Policies\T!V", 1, "From Backup"),
        (Kind.SECURITY, "System Access/MinimumPasswordLength", 14, "From Backup"),
        (Kind.AUDIT, "Logon", "Success", "From Backup"),
    ]


def test_plain_layout_with_gpttmpl_beside_machine(tmp_path: Path) -> None:
    inf = b"[System Access]\r\nLockoutBadCount = 5\r\n"
    put(tmp_path, "Enterprise/GPO/Machine/GptTmpl.inf", inf)
    [source] = gpo_backup.load(tmp_path)
    assert (source.path, source.name) == (str(tmp_path / "Enterprise"), None)
    assert [(f.key, f.value) for f in source.facts] == [("System Access/LockoutBadCount", 5)]


def test_backup_without_raw_files_is_read_from_its_gpreport(tmp_path: Path) -> None:
    data = (FIXTURES / "gpreport" / "two-gpos.xml").read_bytes()
    report = put(tmp_path, "{G}/gpreport.xml", data)
    put(
        tmp_path,
        "{G}/bkupInfo.xml",
        b"<BackupInst><GPODisplayName><![CDATA[Only Report]]></GPODisplayName></BackupInst>",
    )
    sources = gpo_backup.load(tmp_path)
    assert sources == gpreport.load(report)
    assert {source.format for source in sources} == {"gpreport"}


def test_hostile_backup_xml_is_an_input_error(tmp_path: Path) -> None:
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]>'
        b"<BackupInst><GPODisplayName>&e;</GPODisplayName></BackupInst>"
    )
    put(tmp_path, "{G}/bkupInfo.xml", hostile)
    with pytest.raises(InputFormatError):
        gpo_backup.load(tmp_path)


# -- the generated fixtures -------------------------------------------------------------------


def test_fixtures_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tools.make_fixtures", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def _failing(folder: Path, benchmark: Path) -> dict[str, object]:
    """Check id -> value read, for every check of ``benchmark`` the backup fails."""
    target = build_target(folder.name, gpo_backup.load(folder))
    failing = {}
    for check in make_fixtures.load_checks(benchmark):
        kind = Kind(check.kind)
        fact = target.lookup(kind, canonical_key(kind, check.ref))
        value = None if fact is None or fact.deleted else fact.value
        judge, _text, _absent = compile_expect(check.expect)
        if not judge(value):
            failing[check.id] = value
    return failing


def _documented(section: str) -> dict[str, object]:
    """Check id -> fixture value from the README table of ``section`` (None when absent)."""
    text = (FIXTURES / "gpo" / "README.md").read_text()
    part = text.split(f"`{section}/`", 1)[1].split("\n- `", 1)[0]
    rows = [
        line.split(" | ") for line in part.splitlines() if line.startswith("| ") and "`" in line
    ]
    return {row[0][2:]: None if row[3] == "(absent)" else row[3].strip("`") for row in rows}


def _benchmark() -> Path:
    return make_fixtures.SHIPPED if make_fixtures.SHIPPED.is_file() else make_fixtures.SAMPLE


def test_compliant_fixture_passes_every_check() -> None:
    assert _failing(FIXTURES / "gpo" / "compliant", _benchmark()) == {}


@pytest.mark.parametrize("section", ["misconfigured", "missing"])
def test_deviating_fixtures_fail_exactly_the_documented_checks(section: str) -> None:
    failing = _failing(FIXTURES / "gpo" / section, _benchmark())
    documented = _documented(section)
    assert sorted(failing) == sorted(documented)
    assert 8 <= len(documented) <= 12
    if section == "missing":
        assert set(failing.values()) == {None}


def test_sample_benchmark_fixtures(tmp_path: Path) -> None:
    make_fixtures.write_tree(tmp_path, make_fixtures.gpo_fixtures(make_fixtures.SAMPLE))
    assert _failing(tmp_path / "compliant", make_fixtures.SAMPLE) == {}
    failing = _failing(tmp_path / "misconfigured", make_fixtures.SAMPLE)
    assert failing["SAMPLE-001"] == 1
    assert failing["SAMPLE-010"] == 7
    assert "S-1-1-0" in next(v for v in failing.values() if isinstance(v, list))
    assert "No Auditing" in failing.values()


def test_fixture_files_are_real_shaped() -> None:
    [backup] = gpo_backup.find_backups(FIXTURES / "gpo" / "compliant")
    inf = gpo_backup.find_path(
        backup,
        ("DomainSysvol", "GPO", "Machine", "microsoft", "windows nt", "SecEdit", "GptTmpl.inf"),
    )
    assert inf is not None
    data = inf.read_bytes()
    assert data.startswith(b"\xff\xfe[\x00U\x00n\x00i\x00c\x00o\x00d\x00e\x00]\x00\r\x00\n\x00")
    assert gpo_backup.display_name(backup) == "Baseliner Fixture - Compliant"


CSV = "Machine/microsoft/windows nt/Audit/audit.csv"
INF = "Machine/microsoft/windows nt/SecEdit/GptTmpl.inf"
POL = "Machine/registry.pol"
BAD = {
    "csv-disagreeing-value": "{CSV}: line 2: "
    "Inclusion Setting 'Success' disagrees with Setting Value 3 (Success and Failure)",
    "csv-empty": "{CSV}: line 1: empty file: expected the audit policy CSV header",
    "csv-malformed": "{CSV}: line 3: expected 7 columns, found 5",
    "inf-bad-utf16": "{INF}: byte 84: not valid UTF-16-LE text: illegal UTF-16 surrogate",
    "inf-empty": "{INF}: line 1: empty file: expected a secedit security template",
    "inf-malformed-line": "{INF}: line 4: "
    "expected 'Name = value', found 'MinimumPasswordLength 14'",
    "pol-dword-size": "{POL}: byte 152: REG_DWORD value 'Short' has 2 data bytes, expected 4",
    "pol-empty": "{POL}: byte 0: "
    "empty file: a registry.pol starts with the signature 'PReg' and version 1",
    "pol-odd-string": "{POL}: byte 10: odd byte count (3) in the UTF-16 key",
    "pol-size-past-end": "{POL}: byte 60: "
    "data size 4,000 runs past the end of the file (6 bytes left)",
    "pol-truncated": "{POL}: byte 144: "
    "truncated entry: file ends where ';' after the data size was expected",
    "pol-wrong-signature": "{POL}: byte 0: not a registry.pol file: "
    "starts with b'REGF\\x01\\x00\\x00\\x00', expected b'PReg\\x01\\x00\\x00\\x00'",
    "pol-wrong-version": "{POL}: byte 0: unsupported registry.pol version 2 (expected 1)",
}


def test_every_bad_case_is_tested() -> None:
    assert sorted(p.name for p in (FIXTURES / "bad").iterdir()) == sorted(BAD)


@pytest.mark.parametrize(("case", "message"), sorted(BAD.items()))
def test_bad_backups(case: str, message: str) -> None:
    folder = FIXTURES / "bad" / case
    [backup] = gpo_backup.find_backups(folder)
    with pytest.raises(InputFormatError) as caught:
        gpo_backup.load(folder)
    expected = message.format(CSV=CSV, INF=INF, POL=POL)
    assert str(caught.value) == f"{backup}/DomainSysvol/GPO/{expected}"
