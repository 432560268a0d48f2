"""GptTmpl.inf: every section's facts, encodings, line numbers, and malformed lines."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.core.errors import InputFormatError
from checker.core.values import Fact, Origin
from checker.kinds import Kind
from checker.loaders import gpttmpl


def utf16(lines: list[str]) -> bytes:
    return b"\xff\xfe" + "".join(line + "\r\n" for line in lines).encode("utf-16-le")


def facts_of(*lines: str) -> list[tuple[object, ...]]:
    facts = gpttmpl.parse(utf16(["[Unicode]", "Unicode=yes", *lines]), "t.inf")
    return [(f.kind, f.key, f.value, f.type, f.origin.line, f.extra) for f in facts]


S, P, R, V = Kind.SECURITY, Kind.PRIVILEGE, Kind.REGISTRY, Kind.SERVICE


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ["[System Access]", "MinimumPasswordLength = 14", 'NewAdministratorName = "Adm"'],
            [
                (S, "System Access/MinimumPasswordLength", 14, None, 4, ()),
                (S, "System Access/NewAdministratorName", "Adm", None, 5, ()),
            ],
        ),
        (
            ["[Kerberos Policy]", "MaxTicketAge=10"],
            [(S, "Kerberos Policy/MaxTicketAge", 10, None, 4, ())],
        ),
        (
            ["[Event Audit]", "AuditLogonEvents = 3"],
            [(S, "Event Audit/AuditLogonEvents", 3, None, 4, ())],
        ),
        (
            ["[System Log]", "MaximumLogSize = -1"],
            [(S, "System Log/MaximumLogSize", -1, None, 4, ())],
        ),
        (
            [
                "[Privilege Rights]",
                "SeDebugPrivilege = *S-1-5-32-544",
                "SeTcbPrivilege =",
                "SeX = Guest,*S-1-5-113",
            ],
            [
                (P, "SeDebugPrivilege", ["S-1-5-32-544"], None, 4, ()),
                (P, "SeTcbPrivilege", [], None, 5, ()),
                (P, "SeX", ["Guest", "S-1-5-113"], None, 6, ()),
            ],
        ),
        (
            [
                "[Registry Values]",
                r"MACHINE\System\CurrentControlSet\Control\Lsa\LmCompatibilityLevel=4,5",
                r'MACHINE\Software\X\ScRemoveOption=1,"1"',
                r"MACHINE\Software\X\Text=7,Authorized,use only",
                r'MACHINE\Software\X\Quoted=7,"a,b",c',
                r"MACHINE\Software\X\Empty=7,",
                r"MACHINE\Software\X\Path=2,%SystemRoot%\x",
                r"MACHINE\Software\X\Bin=3,0A,ff",
            ],
            [
                (
                    R,
                    r"HKLM\System\CurrentControlSet\Control\Lsa!LmCompatibilityLevel",
                    5,
                    "REG_DWORD",
                    4,
                    (),
                ),
                (R, r"HKLM\Software\X!ScRemoveOption", "1", "REG_SZ", 5, ()),
                (R, r"HKLM\Software\X!Text", ["Authorized", "use only"], "REG_MULTI_SZ", 6, ()),
                (R, r"HKLM\Software\X!Quoted", ["a,b", "c"], "REG_MULTI_SZ", 7, ()),
                (R, r"HKLM\Software\X!Empty", [], "REG_MULTI_SZ", 8, ()),
                (R, r"HKLM\Software\X!Path", r"%SystemRoot%\x", "REG_EXPAND_SZ", 9, ()),
                (R, r"HKLM\Software\X!Bin", "0aff", "REG_BINARY", 10, ()),
            ],
        ),
        (
            ["[Service General Setting]", '"XboxGipSvc",4,""', '"Svc",2,"D:AR(A;;CC;;;AU)"'],
            [
                (V, "XboxGipSvc", 4, None, 4, ()),
                (V, "Svc", 2, None, 5, (("sddl", "D:AR(A;;CC;;;AU)"),)),
            ],
        ),
        (
            [
                "[Group Membership]",
                "*S-1-5-32-573__Memberof =",
                "*S-1-5-32-573__Members = *S-1-5-20,Bob",
            ],
            [
                (S, "Group Membership/S-1-5-32-573__Memberof", [], None, 4, ()),
                (S, "Group Membership/S-1-5-32-573__Members", ["Bob", "S-1-5-20"], None, 5, ()),
            ],
        ),
        (
            ["[File Security]", '"%SystemRoot%\\x.exe",2,"D:PAR(A;;FA;;;BA)"'],
            [
                (
                    S,
                    "File Security/%SystemRoot%\\x.exe",
                    "D:PAR(A;;FA;;;BA)",
                    None,
                    4,
                    (("mode", 2),),
                )
            ],
        ),
        (
            ["[Registry Keys]", '"MACHINE\\SOFTWARE\\X",0,"D:PAR(A;CI;KA;;;BA)"'],
            [
                (
                    S,
                    "Registry Keys/MACHINE\\SOFTWARE\\X",
                    "D:PAR(A;CI;KA;;;BA)",
                    None,
                    4,
                    (("mode", 0),),
                )
            ],
        ),
        (
            ["[Profile Description]", "Description = 42"],
            [(S, "Profile Description/Description", "42", None, 4, ())],
        ),
        (
            # secedit quotes a comma inside a line of a multi-line text, mid-item: DISA's logon
            # banner (a CSV reader would cut it into broken items).
            [
                "[Registry Values]",
                r'MACHINE\Software\X\Banner=7,Use only.,By using this IS (any device)"," you '
                r'consent:,-At any time"," the USG may inspect.,',
            ],
            [
                (
                    R,
                    r"HKLM\Software\X!Banner",
                    [
                        "Use only.",
                        "By using this IS (any device), you consent:",
                        "-At any time, the USG may inspect.",
                    ],
                    "REG_MULTI_SZ",
                    4,
                    (),
                )
            ],
        ),
        (["[Version]", 'signature="$CHICAGO$"', "Revision=1", "anything goes"], []),
        (
            ["; comment", "", "[system access]", "  LockoutBadCount = 10  "],
            [(S, "system access/LockoutBadCount", 10, None, 6, ())],
        ),
    ],
)
def test_sections(lines: list[str], expected: list[tuple[object, ...]]) -> None:
    assert facts_of(*lines) == expected


@pytest.mark.parametrize(
    "data",
    [
        b"[System Access]\nMinimumPasswordLength = 14\n",
        b"\xef\xbb\xbf[System Access]\r\nMinimumPasswordLength = 14\r\n",
        "[System Access]\r\nMinimumPasswordLength = 14\r\n".encode("utf-16-le"),
        b"\xfe\xff" + "[System Access]\r\nMinimumPasswordLength = 14\r\n".encode("utf-16-be"),
    ],
)
def test_encodings(data: bytes) -> None:
    assert gpttmpl.parse(data, "t.inf", source="GPO") == [
        Fact(
            Kind.SECURITY,
            "System Access/MinimumPasswordLength",
            14,
            Origin("t.inf", line=2, source="GPO"),
        )
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "t.inf: line 1: empty file: expected a secedit security template"),
        (utf16(["", "  "]), "t.inf: line 1: empty file: expected a secedit security template"),
        (
            utf16(["MinimumPasswordLength = 14"]),
            "t.inf: line 1: setting before any [section]: 'MinimumPasswordLength = 14'",
        ),
        (
            utf16(["[System Access", "x=1"]),
            "t.inf: line 1: malformed section header '[System Access'",
        ),
        (
            utf16(["[System Access]", "MinimumPasswordLength 14"]),
            "t.inf: line 2: expected 'Name = value', found 'MinimumPasswordLength 14'",
        ),
        (
            utf16(["[Privilege Rights]", "= *S-1-1-0"]),
            "t.inf: line 2: expected 'Name = value', found '= *S-1-1-0'",
        ),
        (
            utf16(["[Registry Values]", "NoBackslash=4,1"]),
            "t.inf: line 2: registry value 'NoBackslash' needs KEY\\Name",
        ),
        (
            utf16(["[Registry Values]", r"MACHINE\X\Y=4"]),
            "t.inf: line 2: expected 'type,data' after '=', found '4'",
        ),
        (
            utf16(["[Registry Values]", r"MACHINE\X\Y=9,1"]),
            "t.inf: line 2: unknown registry value type 9",
        ),
        (
            utf16(["[Registry Values]", r"MACHINE\X\Y=4,one"]),
            "t.inf: line 2: REG_DWORD data 'one' is not an integer",
        ),
        (
            utf16(["[Service General Setting]", '"Svc",auto,""']),
            't.inf: line 2: expected \'"Name",mode,"sddl"\', found \'"Svc",auto,""\'',
        ),
        (
            b"\xff\xfe[\x00\x00\xd8A\x00",
            "t.inf: byte 4: not valid UTF-16-LE text: illegal UTF-16 surrogate",
        ),
    ],
)
def test_malformed(data: bytes, message: str) -> None:
    with pytest.raises(InputFormatError) as caught:
        gpttmpl.parse(data, "t.inf")
    assert str(caught.value) == message


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from('[]=,"*;\\\r\n aS-1Registry ValuesSystem Access4'), max_size=120
    )
)
def test_arbitrary_text(text: str) -> None:
    for data in (text.encode(), b"\xff\xfe" + text.encode("utf-16-le")):
        try:
            facts = gpttmpl.parse(data, "t.inf")
        except InputFormatError as exc:
            assert exc.error.line is not None or exc.error.offset is not None
        else:
            assert all(f.origin.line for f in facts)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes(data: bytes) -> None:
    with contextlib.suppress(InputFormatError):
        gpttmpl.parse(data, "t.inf")


@pytest.mark.parametrize(
    ("data", "sniffed"),
    [
        (utf16(["[Unicode]", "Unicode=yes"]), True),
        (b"[System Access]\r\n", True),
        (b"\xef\xbb\xbf\r\n[Version]\r\n", True),
        (b"[Other]\r\n", False),
        (b"Machine Name,Policy Target", False),
    ],
)
def test_sniff_and_load(tmp_path: Path, data: bytes, sniffed: bool) -> None:
    path = tmp_path / "GptTmpl.inf"
    path.write_bytes(data)
    assert gpttmpl.sniff(path, data[:4096]) is sniffed
    if sniffed:
        [source] = gpttmpl.load(path)
        assert (source.path, source.format) == (str(path), "gpttmpl")
