"""gpreport.xml loader: exact facts of the synthetic fixture, sniffing, errors, the corpus."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from checker.core.errors import InputFormatError
from checker.core.files import head
from checker.kinds import Kind
from checker.loaders import gpreport
from tests.conftest import FIXTURES, first_set

SMALL = FIXTURES / "gpreport" / "small-gpreport.xml"
Row = tuple[str, str, object, str | None, int]

EXPECTED: list[Row] = [
    ("security", "System Access/MinimumPasswordLength", 14, None, 12),
    ("security", "System Access/ClearTextPassword", 0, None, 17),
    ("security", "Kerberos Policy/MaxTicketAge", 10, None, 22),
    ("privilege", "SeDenyNetworkLogonRight", ["S-1-5-113", "S-1-5-32-546"], None, 27),
    ("privilege", "SeTcbPrivilege", [], None, 38),
    (
        "registry",
        "HKLM\\System\\CurrentControlSet\\Control\\Lsa!LmCompatibilityLevel",
        5,
        "REG_DWORD",
        41,
    ),
    (
        "registry",
        "HKLM\\Software\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon!ScRemoveOption",
        "1",
        "REG_SZ",
        45,
    ),
    ("security", "System Access/LSAAnonymousNameLookup", 0, None, 49),
    ("security", "Group Membership/S-1-5-32-555__Members", ["S-1-5-21-1-2-3-513"], None, 53),
    ("security", "Group Membership/S-1-5-32-555__Memberof", [], None, 53),
    ("service", "XboxGipSvc", 4, None, 61),
    ("audit", "Credential Validation", "Success and Failure", None, 71),
    ("firewall", "Domain/EnableFirewall", 1, None, 83),
    (
        "registry",
        "HKLM\\Software\\Policies\\Microsoft\\WindowsFirewall\\DomainProfile!EnableFirewall",
        1,
        "REG_DWORD",
        83,
    ),
    ("firewall", "Domain/LogFileSize", 16384, None, 86),
    (
        "registry",
        "HKLM\\Software\\Policies\\Microsoft\\WindowsFirewall\\DomainProfile\\Logging!LogFileSize",
        16384,
        "REG_DWORD",
        86,
    ),
    (
        "registry",
        "HKLM\\Software\\Policies\\Microsoft\\Windows NT\\DNSClient!EnableMulticast",
        0,
        "REG_DWORD",
        95,
    ),
    ("registry", "HKLM\\SYSTEM\\CurrentControlSet\\Services\\MrxSmb10!Start", 4, "REG_DWORD", 100),
    ("setting", "Custom/Somewhere/A policy no ADMX defines", "Enabled", None, 112),
    (
        "registry",
        "HKLM\\Software\\Policies\\Microsoft\\Windows\\GameDVR!AllowGameDVR",
        0,
        "REG_DWORD",
        117,
    ),
    (
        "registry",
        "HKCU\\SOFTWARE\\Policies\\Microsoft\\Windows\\CurrentVersion\\PushNotifications!NoToastApplicationNotificationOnLockScreen",
        1,
        "REG_DWORD",
        133,
    ),
]


def test_small_report_facts_exactly() -> None:
    (source,) = gpreport.load(SMALL)
    rows = [(f.kind.value, f.key, f.value, f.type, f.origin.line) for f in source.facts]
    assert rows == EXPECTED
    assert {(f.origin.path, f.origin.source) for f in source.facts} == {
        (str(SMALL), "Fixture Baseline")
    }
    assert (source.name, source.format) == ("Fixture Baseline", "gpreport")
    assert dict(source.meta) == {
        "domain": "example.test",
        "guid": "{11111111-2222-3333-4444-555555555555}",
    }
    assert [(n.kind.value, n.what, n.line) for n in source.notes] == [
        ("unmapped", "Custom/Somewhere/A policy no ADMX defines", 112)
    ]


def test_audit_fact_keeps_its_guid() -> None:
    (source,) = gpreport.load(SMALL)
    (audit,) = [f for f in source.facts if f.kind is Kind.AUDIT]
    assert audit.extra == (("guid", "{0cce923f-69ae-11d9-bed3-505054503030}"),)


def test_one_source_per_gpo_of_a_report() -> None:
    sources = gpreport.load(FIXTURES / "gpreport" / "two-gpos.xml")
    assert [(s.name, len(s.facts)) for s in sources] == [("First", 1), ("Second", 4)]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("report.bin", codecs.BOM_UTF16_LE + SMALL.read_bytes()[2:1000], True),
        ("x.xml", SMALL.read_bytes()[2:1000].decode("utf-16-le").encode(), True),
        ("x.xml", b'<Rsop xmlns="http://www.microsoft.com/GroupPolicy/Rsop">', False),
        ("gpreport.xml", b'<GPO xmlns="urn:other">', False),
        ("gpreport.xml", b"\x00\x01garbage", False),
    ],
)
def test_sniff_by_content(name: str, data: bytes, expected: bool) -> None:
    assert gpreport.sniff(Path(name), data) is expected


def test_sniff_real_head() -> None:
    assert gpreport.sniff(SMALL, head(SMALL))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'<Rsop xmlns="http://www.microsoft.com/GroupPolicy/Rsop"/>',
            "not a Get-GPOReport XML report",
        ),
        (b"<GPO><Name>x</GPO>", "malformed XML"),
        # Checked, it was a device with nothing set.
        (
            b'<report xmlns="http://www.microsoft.com/GroupPolicy/Settings"></report>',
            "Get-GPOReport XML without a GPO: no settings",
        ),
    ],
)
def test_bad_input_raises_input_format_error(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(data)
    with pytest.raises(InputFormatError, match=message):
        gpreport.load(path)


def test_corpus_reports_load(corpus: Path) -> None:
    reports = first_set(sorted((corpus / "gpo").rglob("gpreport.xml")))
    sources = [source for report in reports for source in gpreport.load(report)]
    assert len(sources) == 26
    assert all(f.origin.line for s in sources for f in s.facts)
