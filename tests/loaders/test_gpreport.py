"""gpreport.xml loader: exact facts of the synthetic fixture, sniffing, errors, the corpus."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from checker.core.errors import InputFormatError
from checker.core.files import head
from checker.kinds import Kind
from checker.loaders import gpreport
from tests.conftest import FIXTURES
from tools import make_report_fixtures

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
    (
        "registry",
        "HKLM\\Software\\Policies\\Microsoft\\WindowsFirewall\\DomainProfile!EnableFirewall",
        1,
        "REG_DWORD",
        83,
    ),
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
    assert [(n.kind.value, n.what, n.line, n.reason) for n in source.notes] == [
        (
            "unmapped",
            "Custom/Somewhere/A policy no ADMX defines",
            112,
            "no ADMX policy of this name is known",
        )
    ]


def test_audit_fact_keeps_its_guid() -> None:
    (source,) = gpreport.load(SMALL)
    (audit,) = [f for f in source.facts if f.kind is Kind.AUDIT]
    assert audit.extra == (("guid", "{0cce923f-69ae-11d9-bed3-505054503030}"),)


def test_one_source_per_gpo_of_a_report() -> None:
    sources = gpreport.load(FIXTURES / "gpreport" / "two-gpos.xml")
    assert [(s.name, len(s.facts)) for s in sources] == [("First", 1), ("Second", 2)]


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


# -- every report shape Windows writes -------------------------------------------------------

ALL = FIXTURES / "gpreport" / "all-gpos.xml"


def test_get_gporeport_all_is_one_source_per_gpo() -> None:
    sources = gpreport.load(ALL)
    assert [(s.name, dict(s.meta)["guid"], len(s.facts)) for s in sources] == [
        ("Workstations", "{16000000-0000-4000-8000-00000000000a}", 1),
        ("Workstations", "{16000000-0000-4000-8000-00000000000b}", 1),
        ("Servers", "{16000000-0000-4000-8000-00000000000c}", 1),
    ]


def test_the_gpos_of_an_all_report_are_parts_named_apart() -> None:
    assert gpreport.parts(ALL) == [
        "Workstations {16000000-0000-4000-8000-00000000000a}",
        "Workstations {16000000-0000-4000-8000-00000000000b}",
        "Servers",
    ]
    (second,) = gpreport.load_part(ALL, 1)
    assert [f.key for f in second.facts] == ["System Access/MinimumPasswordLength"]
    assert gpreport.parts(SMALL) == []


def _all_report(tmp_path: Path, action: str, rtype: str = "REG_SZ") -> Path:
    """An ``-All`` report whose second GPO holds a Preferences item of ``action``, ``rtype``."""
    ns = "http://www.microsoft.com/GroupPolicy/Settings"
    item = (
        f'<q1:Registry><q1:Properties action="{action}" hive="HKEY_LOCAL_MACHINE" '
        f'key="Software\\X" name="Y" type="{rtype}" value="1"/></q1:Registry>'
    )
    extension = (
        f'<ExtensionData><Extension xmlns:q1="{ns}/Windows/Registry" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:type="q1:RegistrySettings"><q1:RegistrySettings>{item}</q1:RegistrySettings>'
        "</Extension></ExtensionData>"
    )
    gpos = "".join(
        f'<GPO xmlns="{ns}"><Name>{name}</Name><Computer>{body}</Computer></GPO>\n'
        for name, body in (("Good", ""), ("Broken", extension))
    )
    path = tmp_path / "all.xml"
    path.write_text(f"<report>\n{gpos}</report>", encoding="utf-8")
    return path


def test_an_error_in_one_gpo_of_an_all_report_is_its_own(tmp_path: Path) -> None:
    path = _all_report(tmp_path, "X")
    assert gpreport.parts(path) == ["Good", "Broken"]
    (good,) = gpreport.load_part(path, 0)
    assert good.name == "Good"
    with pytest.raises(InputFormatError, match="line 3: unknown action 'X'"):
        gpreport.load_part(path, 1)


def test_a_preferences_item_of_an_unknown_type_is_noted_not_an_error(tmp_path: Path) -> None:
    """Hand-edited files hold types Windows never writes ('String'): the item is noted as
    unmapped, and the rest of its GPO is read."""
    (source,) = gpreport.load_part(_all_report(tmp_path, "U", "String"), 1)
    assert [(n.kind.value, n.what, n.line) for n in source.notes] == [
        (
            "unmapped",
            "HKEY_LOCAL_MACHINE\\Software\\X\\Y: registry value type 'STRING' is unknown",
            3,
        )
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'<report>\r\n\r\n<GPO xmlns="http://www.microsoft.com/GroupPolicy/Settings">', True),
        (
            b"<!-- a comment -->\n<report><GPO xmlns='http://www.microsoft.com/GroupPolicy/Settings'>",
            True,
        ),
        (b"<report><Name>not a GPO report</Name></report>", False),
        # A report quoted in a script: the root is not first.
        (
            b'$xml = @"\n<GPO xmlns="http://www.microsoft.com/GroupPolicy/Settings">\n"@\n',
            False,
        ),
    ],
)
def test_sniff_anchors_the_root_element(data: bytes, expected: bool) -> None:
    assert gpreport.sniff(Path("x.xml"), data) is expected


def test_a_localized_report_loads_and_its_names_are_unmapped() -> None:
    (source,) = gpreport.load(FIXTURES / "gpreport" / "localized-fr.xml")
    assert [(f.kind.value, f.key, f.value) for f in source.facts if f.kind.value != "setting"] == [
        ("security", "System Access/MinimumPasswordLength", 14)
    ]
    assert [(n.kind.value, n.what, n.reason) for n in source.notes] == [
        (
            "unmapped",
            "Composants Windows/Windows Defender SmartScreen/Explorateur/"
            "Configurer Windows Defender SmartScreen",
            "no ADMX policy of this name is known",
        )
    ]


@pytest.mark.parametrize(
    "name", sorted(p.name for p in (FIXTURES / "gpreport" / "repairs").iterdir())
)
def test_a_repaired_report_says_so_on_every_gpo(name: str) -> None:
    (source,) = gpreport.load(FIXTURES / "gpreport" / "repairs" / name)
    (repair,) = [n for n in source.notes if n.kind.value == "repaired"]
    assert repair.path == str(FIXTURES / "gpreport" / "repairs" / name)


def test_the_report_fixtures_are_what_their_generator_writes() -> None:
    assert make_report_fixtures.main(["--check"]) == 0, "run: python -m tools.make_report_fixtures"
