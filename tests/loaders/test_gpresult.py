"""gpresult /x loader: the synthetic fixture and the real domain controller RSoP."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.core.errors import InputFormatError
from checker.core.values import Source
from checker.loaders import gpresult
from tests.conftest import FIXTURES

SMALL = FIXTURES / "gpresult" / "small-rsop.xml"


def test_computer_and_user_sources() -> None:
    computer, user = gpresult.load(SMALL)
    assert (computer.name, user.name) == ("WS01", "WS01/user:EXAMPLE\\alice")
    assert [(f.key, f.value, f.origin.line, f.extra) for f in computer.facts] == [
        (
            "System Access/MinimumPasswordLength",
            14,
            31,
            (("gpo", "Fixture Baseline"), ("precedence", 1)),
        )
    ]
    assert [(f.key, f.origin.line, f.extra) for f in user.facts] == [
        (
            "HKCU\\SOFTWARE\\Policies\\Microsoft\\Windows\\CurrentVersion\\PushNotifications"
            "!NoToastApplicationNotificationOnLockScreen",
            60,
            (("gpo", "Fixture Baseline"), ("precedence", 2)),
        )
    ]


def test_meta_lists_applied_and_denied_gpos() -> None:
    computer, _ = gpresult.load(SMALL)
    assert dict(computer.meta) == {
        "applied_gpos": ["Fixture Baseline"],
        "denied_gpos": [{"name": "Filtered Out", "reason": "denied by WMI or security filter"}],
        "domain": "example.test",
        "read_time": "2024-01-02T03:04:05Z",
        "scope": "machine",
        "site": "Lab",
    }
    assert computer.notes == ()


@pytest.mark.parametrize(
    ("account", "name"),
    [("CHILD\\CHILDDC$", "CHILDDC"), ("WS01$", "WS01"), ("EXAMPLE\\alice", "alice"), ("", "")],
)
def test_short_name(account: str, name: str) -> None:
    assert gpresult.short_name(account) == name


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (SMALL.read_bytes()[:400], True),
        (b'<GPO xmlns="http://www.microsoft.com/GroupPolicy/Settings">', False),
        (b"", False),
    ],
)
def test_sniff_by_content(data: bytes, expected: bool) -> None:
    assert gpresult.sniff(Path("anything.dat"), data) is expected


def _without(section: str) -> str:
    """The small fixture's text without ``<section>...</section>``."""
    data = SMALL.read_bytes()
    text = data.decode("utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8")
    start, end = text.index(f"<{section}"), text.index(f"</{section}>") + len(section) + 3
    return text[:start] + text[end:]


def test_a_report_of_user_results_only_names_the_user(tmp_path: Path) -> None:
    """``gpresult /scope user /x``: no computer, so no ``/`` before the user."""
    path = tmp_path / "user.xml"
    path.write_text(_without("ComputerResults"), encoding="utf-16")
    (user,) = gpresult.load(path)
    assert user.name == "user:EXAMPLE\\alice"


def test_a_report_without_results_is_an_input_error(tmp_path: Path) -> None:
    """It was checked as a device with nothing set (0.8% against the Windows 11 baseline)."""
    path = tmp_path / "empty.xml"
    path.write_text(_without("UserResults").replace("ComputerResults", "X"), encoding="utf-16")
    with pytest.raises(InputFormatError) as caught:
        gpresult.load(path)
    message = "gpresult /x report without ComputerResults or UserResults: no settings"
    assert caught.value.error.message == message


def test_wrong_root_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "r.xml"
    path.write_bytes(b'<GPO xmlns="http://www.microsoft.com/GroupPolicy/Settings"/>')
    with pytest.raises(InputFormatError, match="not a gpresult /x report"):
        gpresult.load(path)


@pytest.fixture(scope="module")
def dc(corpus: Path) -> Source:
    (source,) = gpresult.load(corpus / "rsop" / "dc-computer-rsop.xml")
    return source


def test_corpus_rsop_target(dc: Source) -> None:
    assert (dc.name, len(dc.facts)) == ("CHILDDC", 46)
    meta = dict(dc.meta)
    assert meta["applied_gpos"] == [
        "Local Group Policy",
        "Default Domain Policy",
        "Default Domain Controllers Policy",
    ]
    assert (meta["domain"], meta["site"], meta["denied_gpos"]) == (
        "Child.ADLAB.local",
        "London",
        [],
    )


@pytest.mark.parametrize(
    ("key", "value", "line", "gpo"),
    [
        ("Kerberos Policy/MaxRenewAge", 7, 194, "Default Domain Policy"),
        ("System Access/MinimumPasswordLength", 9, 294, "Default Domain Policy"),
        (
            "SeNetworkLogonRight",
            # Names in the RSoP, as SIDs (checker/principals.py).
            ["S-1-1-0", "S-1-5-11", "S-1-5-32-544", "S-1-5-32-554", "S-1-5-9"],
            540,
            "Default Domain Controllers Policy",
        ),
        (
            "HKLM\\System\\CurrentControlSet\\Services\\NTDS\\Parameters!LDAPServerIntegrity",
            1,
            697,
            "Default Domain Controllers Policy",
        ),
        ("System Access/LSAAnonymousNameLookup", 0, 790, "Default Domain Policy"),
    ],
)
def test_corpus_rsop_facts(dc: Source, key: str, value: object, line: int, gpo: str) -> None:
    (fact,) = [f for f in dc.facts if f.key == key]
    assert (fact.value, fact.origin.line, fact.origin.source) == (value, line, gpo)
    assert fact.extra == (("gpo", gpo), ("precedence", 1))


def _rsop_with_precedence(precedence: str) -> str:
    guid = "{11111111-2222-3333-4444-555555555555}"
    types = 'xmlns="http://www.microsoft.com/GroupPolicy/Types"'
    base = 'xmlns="http://www.microsoft.com/GroupPolicy/Settings/Base"'
    return (
        '<Rsop xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns="http://www.microsoft.com/GroupPolicy/Rsop"><ComputerResults><Name>PC$</Name>'
        f"<GPO><Name>G</Name><Path><Identifier {types}>{guid}</Identifier></Path></GPO>"
        "<ExtensionData><Extension "
        'xmlns:q2="http://www.microsoft.com/GroupPolicy/Settings/Auditing" '
        'xsi:type="q2:AuditSettings" xmlns="http://www.microsoft.com/GroupPolicy/Settings">'
        f"<q2:AuditSetting><GPO {base}><Identifier {types}>{guid}</Identifier></GPO>"
        f"<Precedence {base}>{precedence}</Precedence>"
        "<q2:SubcategoryName>Audit Logon</q2:SubcategoryName><q2:SettingValue>1</q2:SettingValue>"
        "</q2:AuditSetting></Extension></ExtensionData></ComputerResults></Rsop>"
    )


@pytest.mark.parametrize(
    ("precedence", "extra"),
    [
        ("1", (("gpo", "G"), ("precedence", 1))),
        (" 2 ", (("gpo", "G"), ("precedence", 2))),
        ("", (("gpo", "G"),)),
        ("-1", (("gpo", "G"),)),
        ("\u00b9", (("gpo", "G"),)),  # a digit to str.isdigit, not to int(): was a ValueError
    ],
)
def test_precedence_is_kept_when_it_is_a_number(
    tmp_path: Path, precedence: str, extra: tuple[object, ...]
) -> None:
    path = tmp_path / "rsop.xml"
    path.write_text(_rsop_with_precedence(precedence), encoding="utf-8")
    [computer] = gpresult.load(path)
    assert [(fact.key, fact.extra) for fact in computer.facts] == [
        ("Logon", (*extra, ("guid", "")))
    ]


def test_a_planned_result_is_marked_and_named_by_its_file() -> None:
    (source,) = gpresult.load(FIXTURES / "gpresult" / "planned-rsop.xml")
    assert source.name is None
    meta = dict(source.meta)
    assert (meta["planned"], meta["som"]) == (True, "example.test/Workstations")
    assert [(f.key, f.value) for f in source.facts] == [("System Access/MinimumPasswordLength", 14)]
    assert "planned" not in dict(gpresult.load(SMALL)[0].meta)


def test_an_rsop_quoted_in_a_script_is_not_one() -> None:
    script = (
        b'$xml = [xml]@"\r\n<?xml version="1.0" encoding="utf-16"?>\r\n'
        b'<Rsop xmlns="http://www.microsoft.com/GroupPolicy/Rsop">\r\n'
    )
    assert not gpresult.sniff(Path("collate.ps1"), script)
    assert gpresult.sniff(Path("x.xml"), script[script.index(b"<?xml") :])


def test_a_wrongly_declared_rsop_is_read_and_each_source_says_so(tmp_path: Path) -> None:
    path = tmp_path / "rsop.xml"
    # Stored as 8-bit text while it declares UTF-16, as a here-string cut out of a script is.
    path.write_bytes(SMALL.read_bytes()[2:].decode("utf-16-le").encode("ascii"))
    sources = gpresult.load(path)
    assert [[(n.kind.value, n.line) for n in s.notes] for s in sources] == [
        [("repaired", 1)],
        [("repaired", 1)],
    ]
