"""tools.benchgen.hardeningkitty: reading finding lists and translating rows to Group Policy
facts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.core.errors import InputFormatError
from checker.kinds import Kind
from tools.benchgen import hardeningkitty as hk

HEADER = ",".join(hk.COLUMNS)


def row(method: str, argument: str = "", path: str = "", item: str = "", default: str = "",
        recommended: str = "", operator: str = "=", name: str = "Name",
        severity: str = "Medium") -> hk.Finding:  # fmt: skip
    return hk.Finding("V-1", "Cat", name, method, argument, path, item, default, recommended,
                      operator, severity, 2)  # fmt: skip


ASR = hk.ASR_RULES_KEY
CASES = [
    # (finding, types, kind, key, expect)
    (row("Registry", path="HKLM:\\Software\\Policies\\X", item="V", recommended="1"), {},
     Kind.REGISTRY, "HKLM\\Software\\Policies\\X!V", {"equals": 1}),
    (row("Registry", path="HKLM:\\Software\\Policies\\X", item="V", recommended="1"),
     {"hklm\\software\\policies\\x!v": "REG_SZ"}, Kind.REGISTRY, "HKLM\\Software\\Policies\\X!V",
     {"equals": "1"}),
    (row("Registry", path="HKLM:\\S\\X", item="C", recommended="NistP384;NistP256"),
     {"hklm\\s\\x!c": "REG_MULTI_SZ"}, Kind.REGISTRY, "HKLM\\S\\X!C",
     {"equals": ["NistP384", "NistP256"]}),
    (row("Registry", path="HKCU:\\S\\X", item="V", recommended="", operator="="), {},
     Kind.REGISTRY, "HKCU\\S\\X!V", {"absent": True}),
    (row("Registry", path="HKLM:\\S", item="V", recommended="900", operator="<=!0"), {},
     Kind.REGISTRY, "HKLM\\S!V", {"gte": 1, "lte": 900}),
    (row("Registry", path="HKLM:\\S", item="V", recommended="2", operator="=|0"), {},
     Kind.REGISTRY, "HKLM\\S!V", {"in": [2, 0]}),
    (row("Registry", path="HKLM:\\S", item="V", recommended="32768", operator=">="), {},
     Kind.REGISTRY, "HKLM\\S!V", {"gte": 32768}),
    (row("Registry", path="HKLM:\\S", item="V", recommended="", operator="!="), {},
     Kind.REGISTRY, "HKLM\\S!V", {"not_equals": ""}),
    (row("MpPreferenceAsr", argument="d4f940ab-401b-4efc-aadc-ad5f3c50688a", recommended="1"),
     {}, Kind.REGISTRY, f"{ASR}!d4f940ab-401b-4efc-aadc-ad5f3c50688a", {"equals": "1"}),
    (row("secedit", argument="System Access\\PasswordComplexity", recommended="1"), {},
     Kind.SECURITY, "System Access/PasswordComplexity", {"equals": 1}),
    (row("accountpolicy", name="Minimum password length", recommended="14", operator=">="), {},
     Kind.SECURITY, "System Access/MinimumPasswordLength", {"gte": 14}),
    (row("localaccount", argument="501", name="Accounts: Guest account status",
         recommended="False"), {}, Kind.SECURITY, "System Access/EnableGuestAccount",
     {"equals": 0}),
    (row("localaccount", argument="500", name="Accounts: Rename administrator account",
         default="Administrator", recommended="X_Admin"), {}, Kind.SECURITY,
     "System Access/NewAdministratorName", {"not_equals": "Administrator"}),
    (row("accesschk", argument="SeTcbPrivilege"), {}, Kind.PRIVILEGE, "SeTcbPrivilege",
     {"empty": True}),
    (row("accesschk", argument="SeNetworkLogonRight",
         recommended="BUILTIN\\Administrators;NT AUTHORITY\\Authenticated Users"), {},
     Kind.PRIVILEGE, "SeNetworkLogonRight", {"subset_of": ["S-1-5-32-544", "S-1-5-11"]}),
    (row("accesschk", argument="SeDenyBatchLogonRight",
         recommended="BUILTIN\\Guests;Domain Admins"), {}, Kind.PRIVILEGE, "SeDenyBatchLogonRight",
     {"superset_of": ["S-1-5-32-546", "Domain Admins"]}),
    (row("auditpol", argument="{0CCE923F-69AE-11D9-BED3-505054503030}",
         recommended="Success and Failure"), {}, Kind.AUDIT, "Credential Validation",
     {"equals": "Success and Failure"}),
    (row("auditpol", argument="{0cce9248-69ae-11d9-bed3-505054503030}", recommended="Success",
         operator="contains"), {}, Kind.AUDIT, "PNP Activity",
     {"in": ["Success", "Success and Failure"]}),
    (row("service", argument="XblGameSave", recommended="Disabled"), {}, Kind.SERVICE,
     "XblGameSave", {"equals": 4}),
]  # fmt: skip


@pytest.mark.parametrize(("finding", "types", "kind", "key", "expect"), CASES)
def test_translate(
    finding: hk.Finding, types: dict[str, str], kind: Kind, key: str, expect: object
) -> None:
    rule = hk.translate(finding, types)
    assert isinstance(rule, hk.Rule)
    assert (rule.kind, rule.key, dict(rule.expect)) == (kind, key, expect)


@pytest.mark.parametrize(
    ("finding", "reason"),
    [
        (row("ProcessmitigationApplication", argument="ONEDRIVE.EXE/DEP/OverrideDEP"),
         hk.UNSUPPORTED_METHODS["ProcessmitigationApplication"]),
        (row("RegistryList", path="HKLM:\\S"), hk.UNSUPPORTED_METHODS["RegistryList"]),
        (row("Wmi"), "method 'Wmi' reads live system state"),
        (row("auditpol", argument="{not-a-guid}"),
         "'{not-a-guid}' is not an audit subcategory GUID"),
        (row("accountpolicy", name="Something else"),
         "account policy 'Something else' has no secedit name"),
        (row("Registry", path="HKLM:\\S", item="V", recommended="x", operator=">="),
         "operator '>=' has no expect equivalent"),
        (row("service", argument="X", recommended="Boot"), "service start mode 'Boot' is unknown"),
    ],
)  # fmt: skip
def test_unsupported(finding: hk.Finding, reason: str) -> None:
    assert hk.translate(finding) == hk.Unsupported(finding, reason)


def test_parse_reads_rows_with_lines_and_stripped_cells() -> None:
    data = f'{HEADER}\r\nV-2,C,"A, b",Registry,,HKLM:\\S," V",,,,0,1,=,High\r\n\r\n'.encode()
    (finding,) = hk.parse_findings(data, "list.csv")
    assert finding == hk.Finding("V-2", "C", "A, b", "Registry", "", "HKLM:\\S", "V", "0", "1",
                                 "=", "High", 2)  # fmt: skip


def test_parse_utf16_with_bom() -> None:
    data = f"{HEADER}\r\n1,C,N,service,seclogon,,,,,,Manual,Disabled,=,Low\r\n"
    assert hk.parse_findings(b"\xff\xfe" + data.encode("utf-16-le"), "x")[0].argument == "seclogon"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "x: line 1: empty finding list: no header row"),
        (b"ID,Name\n1,a\n", "x: line 1: not a finding list: no column Category, Method, "
         "MethodArgument, RegistryPath, RegistryItem, ClassName, Namespace, Property, "
         "DefaultValue, RecommendedValue, Operator, Severity"),
        (f"{HEADER}\n1,C,N\n".encode(), "x: line 2: row has 3 fields, the header 14"),
    ],
)  # fmt: skip
def test_parse_errors(data: bytes, message: str) -> None:
    with pytest.raises(InputFormatError) as caught:
        hk.parse_findings(data, "x")
    assert str(caught.value) == message


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_rows_or_input_format_error(data: bytes) -> None:
    try:
        rows = hk.parse_findings(data, "x")
    except InputFormatError:
        return
    for finding in rows:
        assert isinstance(hk.translate(finding), hk.Rule | hk.Unsupported)


def test_audit_guid_table_matches_the_corpus(corpus: Path) -> None:
    """Every audit.csv in the corpus names each GUID as the table does."""
    mismatched = []
    for path in sorted((corpus / "gpo").rglob("audit.csv")):
        for line in path.read_text(encoding="utf-8-sig").splitlines()[1:]:
            cells = line.split(",")
            if len(cells) > 3 and cells[3].startswith("{"):
                name = cells[2].removeprefix("Audit ")
                if hk.audit_subcategory(cells[3]) != name:
                    mismatched.append((cells[3], name, hk.audit_subcategory(cells[3])))
    assert mismatched == []
