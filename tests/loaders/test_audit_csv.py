"""audit.csv: subcategory rows, options, global SACLs, per-user rows, and bad rows."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.core.errors import InputFormatError
from checker.kinds import Kind
from checker.loaders import audit_csv

HEADER = (
    "Machine Name,Policy Target,Subcategory,Subcategory GUID,"
    "Inclusion Setting,Exclusion Setting,Setting Value"
)
LOGON = "{0cce9215-69ae-11d9-bed3-505054503030}"


def csv_bytes(*rows: str, newline: str = "\r\n") -> bytes:
    return "".join(row + newline for row in (HEADER, *rows)).encode()


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            f",System,Audit Logon,{LOGON},Success and Failure,,3",
            (Kind.AUDIT, "Logon", "Success and Failure", ()),
        ),
        (f",System,Audit Logon,{LOGON},Success,,1", (Kind.AUDIT, "Logon", "Success", ())),
        (f",System,Logon,{LOGON.upper()},Failure,,2", (Kind.AUDIT, "Logon", "Failure", ())),
        (f"PC,System,Audit Logon,{LOGON},No Auditing,,0", (Kind.AUDIT, "Logon", "No Auditing", ())),
        (
            f",System,Audit Logon,{LOGON},Erfolg und Fehler,,3",
            (Kind.AUDIT, "Logon", "Success and Failure", ()),
        ),
        (f",System,Audit Logon,{LOGON},success,,", (Kind.AUDIT, "Logon", "Success", ())),
        (
            ",,Option:CrashOnAuditFail,,Disabled,,0",
            (Kind.SECURITY, "Audit Options/CrashOnAuditFail", 0, (("setting", "Disabled"),)),
        ),
        (
            ",,Option:FullPrivilegeAuditing,,Enabled,,",
            (
                Kind.SECURITY,
                "Audit Options/FullPrivilegeAuditing",
                "Enabled",
                (("setting", "Enabled"),),
            ),
        ),
        (
            "PC,,RegistryGlobalSacl,,,,S:(AU;SA;FA;;;WD)",
            (
                Kind.SECURITY,
                "Global Object Access Auditing/RegistryGlobalSacl",
                "S:(AU;SA;FA;;;WD)",
                (),
            ),
        ),
        (
            ",,FileGlobalSacl,,,,",
            (Kind.SECURITY, "Global Object Access Auditing/FileGlobalSacl", "", ()),
        ),
        (
            f"PC,S-1-5-21-1,Logon,{LOGON},Success,Failure,9",
            (
                Kind.SECURITY,
                "Per-User Audit/S-1-5-21-1/Logon",
                "Success",
                (("exclusion", "Failure"), ("guid", LOGON), ("setting_value", "9")),
            ),
        ),
        (',System,"Audit Logon",' + LOGON + ',"Success",,1', (Kind.AUDIT, "Logon", "Success", ())),
    ],
)
def test_rows(row: str, expected: tuple[object, ...]) -> None:
    [fact] = audit_csv.parse(csv_bytes(row), "a.csv", source="GPO")
    extra = fact.extra if fact.kind is not Kind.AUDIT else ()
    assert (fact.kind, fact.key, fact.value, extra) == expected
    assert (fact.origin.path, fact.origin.line, fact.origin.source) == ("a.csv", 2, "GPO")
    if fact.kind is Kind.AUDIT:
        assert fact.extra == (("guid", LOGON),)


@pytest.mark.parametrize(
    "data",
    [
        csv_bytes(f",System,Audit Logon,{LOGON},Success,,1", newline="\n"),
        b"\xef\xbb\xbf" + csv_bytes(f",System,Audit Logon,{LOGON},Success,,1"),
        b"\xff\xfe"
        + csv_bytes(f",System,Audit Logon,{LOGON},Success,,1").decode().encode("utf-16-le"),
        csv_bytes("", f",System,Audit Logon,{LOGON},Success,,1")[:-2],
    ],
)
def test_encodings_and_line_ends(data: bytes) -> None:
    facts = audit_csv.parse(data, "a.csv")
    assert [(f.key, f.value) for f in facts] == [("Logon", "Success")]


def test_header_only_has_no_facts() -> None:
    assert audit_csv.parse(csv_bytes(), "a.csv") == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "a.csv: line 1: empty file: expected the audit policy CSV header"),
        (b"\r\n\r\n", "a.csv: line 1: empty file: expected the audit policy CSV header"),
        (
            f",System,Audit Logon,{LOGON},Success,,1\r\n".encode(),
            "a.csv: line 1: expected the audit CSV header "
            f"({HEADER}), found ',System,Audit Logon,{LOGON},Success,,1'",
        ),
        (
            csv_bytes(f",System,Audit Logon,{LOGON},Success"),
            "a.csv: line 2: expected 7 columns, found 5",
        ),
        (
            csv_bytes("", f",System,,{LOGON},Success,,1"),
            "a.csv: line 3: the Subcategory column is empty",
        ),
        (
            csv_bytes(f",System,Audit Logon,{LOGON},Success,,7"),
            "a.csv: line 2: Setting Value '7' is not 0, 1, 2 or 3",
        ),
        (  # a digit to str.isdigit, not to int(): was a ValueError
            csv_bytes(f",System,Audit Logon,{LOGON},Success,,\u00b9"),
            "a.csv: line 2: Setting Value '\u00b9' is not 0, 1, 2 or 3",
        ),
        (
            csv_bytes(f",System,Audit Logon,{LOGON},Success,,3"),
            "a.csv: line 2: Inclusion Setting 'Success' disagrees with "
            "Setting Value 3 (Success and Failure)",
        ),
        (
            csv_bytes(f",System,Audit Logon,{LOGON},Erfolg,,"),
            "a.csv: line 2: no Setting Value and unknown Inclusion Setting 'Erfolg'",
        ),
        (csv_bytes(',System,"Audit Logon'), "a.csv: line 2: expected 7 columns, found 3"),
    ],
)
def test_malformed(data: bytes, message: str) -> None:
    with pytest.raises(InputFormatError) as caught:
        audit_csv.parse(data, "a.csv")
    assert str(caught.value) == message


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(',"\r\n0123SystemAudit Logon{}Success and FailureOption:'),
        max_size=160,
    )
)
def test_arbitrary_text(text: str) -> None:
    try:
        facts = audit_csv.parse((HEADER + "\r\n" + text).encode(), "a.csv")
    except InputFormatError as exc:
        assert exc.error.line is not None
    else:
        assert all(f.origin.line for f in facts)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes(data: bytes) -> None:
    with contextlib.suppress(InputFormatError):
        audit_csv.parse(data, "a.csv")


@pytest.mark.parametrize(("data", "sniffed"), [(csv_bytes(), True), (b"Machine,Target\r\n", False)])
def test_sniff_and_load(tmp_path: Path, data: bytes, sniffed: bool) -> None:
    path = tmp_path / "audit.csv"
    path.write_bytes(data)
    assert audit_csv.sniff(path, data) is sniffed
    if sniffed:
        [source] = audit_csv.load(path)
        assert (source.path, source.format, source.facts) == (str(path), "audit-csv", ())


REPORT = HEADER.rpartition(",")[0]
"""``auditpol /get /category:* /r``: a device's effective policy, without Setting Value."""


def test_the_report_auditpol_prints_reads_as_a_backup() -> None:
    rows = [
        "",
        REPORT,
        f"WS01,System,Logon,{LOGON},Success and Failure,",
        "WS01,System,Credential Validation,{0CCE923F-69AE-11D9-BED3-505054503030},Success,",
        "WS01,System,Security System Extension,{0CCE9211-69AE-11D9-BED3-505054503030},No Auditing,",
    ]
    data = "\r\n".join(rows).encode()
    facts = audit_csv.parse(data, "auditpol.csv")
    assert [(f.kind, f.key, f.value, f.origin.line) for f in facts] == [
        (Kind.AUDIT, "Logon", "Success and Failure", 3),
        (Kind.AUDIT, "Credential Validation", "Success", 4),
        (Kind.AUDIT, "Security System Extension", "No Auditing", 5),
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        # a localized report has only the text: unknown, and said where
        (
            f"WS01,System,Logon,{LOGON},Erfolg und Fehler,",
            "r.csv: line 2: no Setting Value and unknown Inclusion Setting 'Erfolg und Fehler'",
        ),
        (f"WS01,System,Logon,{LOGON},Success,,1", "r.csv: line 2: expected 6 columns, found 7"),
    ],
)
def test_a_report_row_that_cannot_be_read(row: str, message: str) -> None:
    with pytest.raises(InputFormatError) as caught:
        audit_csv.parse(f"{REPORT}\r\n{row}\r\n".encode(), "r.csv")
    assert str(caught.value.error) == message


def test_sniff_knows_the_report(tmp_path: Path) -> None:
    path = tmp_path / "auditpol.csv"
    path.write_bytes(f"\r\n{REPORT}\r\nWS01,System,Logon,{LOGON},Success,\r\n".encode())
    assert audit_csv.sniff(path, path.read_bytes())
