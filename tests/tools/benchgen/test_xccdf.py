# ruff: noqa: E501  -- check text is quoted as DISA writes it
"""The STIG reader (tools/benchgen/xccdf*.py): DISA's check text, spelled as DISA spells it,
into expectations; and the benchmark the ``stig`` generator makes of a sample XCCDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from checker.core.principals import service_sid
from checker.kinds import Kind
from tools.benchgen import xccdf
from tools.benchgen.__main__ import main
from tools.benchgen.xccdf import StigRule
from tools.benchgen.xccdf_rules import principal_sid
from tools.benchgen.xccdf_text import parse_number, parse_rule, split_alternatives

DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden" / "sample-stig.yaml"


def rule(check: str, stig_id: str = "WN10-CC-000001") -> StigRule:
    found = StigRule("V-1", "SV-1r1_rule", stig_id, "t", "medium", [], [], "", check)
    parse_rule(found)
    return found


REG = """If the following registry value does not exist or is not configured as specified, this is a finding.

Registry Hive: HKEY_LOCAL_MACHINE
Registry Path: \\SOFTWARE\\Policies\\Test\\

Value Name: {name}

Value Type: {type}
Value: {value}
"""


@pytest.mark.parametrize(
    ("text", "number", "problem"),
    [
        ("0x00001000 (4096)", 4096, None),
        ("0x20080000 (537395200)", 537395200, None),
        ("0x7ffffff8 (2147483640)", 2147483640, None),
        ("0x8", 8, None),
        ("1", 1, None),
        ("Block", None, None),
        ("0x00001000 (1000)", 4096, "0x00001000 is 4096, but the text says (1000)"),
    ],
)
def test_hex_is_read_as_hex(text: str, number: int | None, problem: str | None) -> None:
    assert parse_number(text) == (number, problem)


@pytest.mark.parametrize(
    ("value", "items"),
    [
        ("1 (Lock Workstation) or 2 (Force Logoff)", ["1 (Lock Workstation)", "2 (Force Logoff)"]),
        ("1, 3, or 8", ["1", "3", "8"]),
        ("0x00000001 (1) (Enabled with UEFI lock), or 0x00000002 (2)", ["0x00000001 (1) (Enabled with UEFI lock)", "0x00000002 (2)"]),
    ],
)  # fmt: skip
def test_alternatives(value: str, items: list[str]) -> None:
    assert split_alternatives(value) == items


REGISTRY_VALUES: list[tuple[str, str, dict[str, Any], bool]] = [
    ("0x00001000 (4096)", "REG_DWORD", {"equals": 4096}, False),
    ("0x00000000 (0) (or if the Value Name does not exist)", "REG_DWORD", {"equals": 0}, True),
    ("0x00008000 (32768) (or greater)", "REG_DWORD", {"gte": 32768}, False),
    ("0x00000006 (6) or greater", "REG_DWORD", {"gte": 6}, False),
    ('0x00000384 (900) (or less, excluding "0" which is effectively disabled)', "REG_DWORD", {"gte": 1, "lte": 900}, False),
    ("0x0000001e (30) (or less, but not 0)", "REG_DWORD", {"gte": 1, "lte": 30}, False),
    ("1 (Lock Workstation) or 2 (Force Logoff)", "REG_SZ", {"in": ["1", "2"]}, False),
    ("1, 3, or 8", "REG_DWORD", {"in": [1, 3, 8]}, False),
    ("0x00000001 (1), 0x00000003 (3), or 0x00000008 (8) (or if the Value Name does not exist)", "REG_DWORD", {"in": [1, 3, 8]}, True),
    ("0x00000000 (0) (Security), 0x00000001 (1) (Basic)", "REG_DWORD", {"in": [0, 1]}, False),
    ("10 (or less)", "REG_SZ", {"lte": 10}, False),
    ("Block", "REG_SZ", {"equals": "Block"}, False),
    ("O:BAG:BAD:(A;;RC;;;BA)", "REG_SZ", {"equals": "O:BAG:BAD:(A;;RC;;;BA)"}, False),
    ("NistP384 NistP256", "REG_MULTI_SZ", {"equals": ["NistP384", "NistP256"]}, False),
    ("RequireMutualAuthentication=1, RequireIntegrity=1", "REG_SZ", {"flags": {"RequireMutualAuthentication": "1", "RequireIntegrity": "1"}}, False),
]  # fmt: skip


@pytest.mark.parametrize(("value", "reg_type", "expect", "absent_ok"), REGISTRY_VALUES)
def test_registry_values(
    value: str, reg_type: str, expect: dict[str, Any], absent_ok: bool
) -> None:
    found = rule(REG.format(name="X", type=reg_type, value=value))
    assert (found.kind, found.parse) == ("registry", "full"), found.notes
    (exp,) = found.expectations
    assert (exp.expect, exp.absent_ok, exp.type) == (expect, absent_ok, reg_type)


def test_hex_and_decimal_that_disagree_are_not_guessed() -> None:
    found = rule(REG.format(name="X", type="REG_DWORD", value="0x00001000 (1000)"))
    assert (found.parse, found.reason) == (
        "manual",
        "cannot read the value '0x00001000 (1000)' of X",
    )


def test_a_block_without_a_value_is_manual() -> None:
    """DISA's Windows 11 camera rule names the value "Deny" and gives it no data."""
    text = (
        "If the camera is not disconnected or covered, the following registry entry is "
        "required:\n\nRegistry Hive: HKEY_LOCAL_MACHINE\nRegistryPath\\SOFTWARE\\Microsoft"
        "\\Windows\\CurrentVersion\\CapabilityAccessManager\\ConsentStore\\webcam\n\n"
        "Value Name: Deny\n"
    )
    found = rule(text)
    assert (found.parse, found.reason) == ("manual", "the STIG text gives no value for 'Deny'")


def test_alternatives_on_the_lines_after_the_value() -> None:
    text = REG.format(name="DODownloadMode", type="REG_DWORD", value="0x00000000 (0) - No peering")
    text += "0x00000001 (1) - LAN\n0x00000063 (99) - Simple\n\nA value of 0x00000003 (3) is a finding.\n"
    assert rule(text).expectations[0].expect == {"in": [0, 1, 99]}


def test_editions_and_na_blocks_are_not_requirements() -> None:
    text = REG.format(name="EnableSmartScreen", type="REG_DWORD", value="0x00000001 (1)")
    text += "\nv1507 LTSB:\n\n" + REG.format(
        name="EnableSmartScreen", type="REG_DWORD", value="0x00000002 (2)"
    )
    text += "\nIf the following registry value exists and is configured as specified, requirement is NA.\n\n"
    text += REG.format(name="Other", type="REG_DWORD", value="0x00000002 (2)")
    found = rule(text)
    assert [(e.key.rpartition("!")[2], e.expect) for e in found.expectations] == [
        ("EnableSmartScreen", {"equals": 1})
    ]
    assert found.variants == ["v1507 LTSB"]


def test_the_banner_is_its_text() -> None:
    text = REG.format(name="LegalNoticeText", type="REG_SZ", value="")
    text += "You are accessing a system.\n\nUse is monitored.\n\nIf the text differs, this is a finding.\n"
    (exp,) = rule(text).expectations
    assert exp.expect == {"text_equals": "You are accessing a system.\n\nUse is monitored."}


def test_defender_criteria() -> None:
    text = (
        "Procedure: Use the Windows Registry Editor to navigate to the following key: \n"
        "HKLM\\Software\\Policies\\Microsoft\\Windows Defender\\Threats\\ThreatSeverityDefaultAction\n\n"
        'Criteria: If the value "5" is REG_SZ = 2 (or 3), this is not a finding.\n'
    )
    (exp,) = rule(text).expectations
    assert (exp.key.rpartition("!")[2], exp.type, exp.expect) == ("5", "REG_SZ", {"in": ["2", "3"]})
    text = (
        "Use the Windows Registry Editor to navigate to the following key: \n"
        "HKLM\\Software\\Policies\\Microsoft\\Windows Defender\\Scan\n\n"
        'Criteria: If the value "ScheduleDay" is REG_DWORD = 0x8, this is a finding.\n\n'
        "Values of 0x0 through 0x7 are acceptable and not a finding.\n"
    )
    assert rule(text).expectations[0].expect == {"gte": 0, "lte": 7}
    text = (
        "Navigate to the following key:\nHKLM\\Software\\Policies\\Microsoft\\Windows Defender\n\n"
        'Criteria: If the value "DisableAntiSpyware" does not exist, this is not a finding.\n'
    )
    assert rule(text).expectations[0].expect == {"absent": True}


DENY = """Navigate to Local Computer Policy >> Computer Configuration >> Windows Settings >> Security Settings >> Local Policies >> User Rights Assignment.

If the following accounts or groups are not defined for the "Deny access to this computer from the network" user right, this is a finding:

Domain Systems Only:
- Enterprise Admins group
- Domain Admins group
- "Local account and member of Administrators group" or "Local account" (see Note below)

All Systems:
- Guests group

For server core installations, run the following command:
"""


def test_domain_groups_are_site_specific_parameters() -> None:
    (exp,) = rule(DENY).expectations
    assert (exp.kind, exp.key) == (Kind.PRIVILEGE, "SeDenyNetworkLogonRight")
    assert exp.expect == {"superset_of": [
        "${enterprise_admins_sid}", "${domain_admins_sid}",
        {"any_of": ["S-1-5-114", "S-1-5-113"]}, "S-1-5-32-546",
    ]}  # fmt: skip


def test_a_service_the_text_adds_is_its_sid() -> None:
    text = (
        "User Rights Assignment.\n\nIf any groups or accounts other than the following are granted the "
        '"Change the system time" user right, this is a finding:\n\nAdministrators\nLOCAL SERVICE\n'
        "NT SERVICE\\autotimesvc is added in v1909 cumulative update.\n"
    )
    (exp,) = rule(text).expectations
    assert exp.expect == {"subset_of": ["S-1-5-32-544", "S-1-5-19", service_sid("autotimesvc")]}


@pytest.mark.parametrize(
    ("name", "sid"),
    [
        ("Guests group", "S-1-5-32-546"),
        ("- Administrators", "S-1-5-32-544"),
        ("NT VIRTUAL MACHINES\\VIRTUAL MACHINE", "S-1-5-83-0"),
        ("Domain Admin Group", "${domain_admins_sid}"),
        ('"Local account" (see Note below)', "S-1-5-113"),
        ("Auditors", None),
    ],
)
def test_principals(name: str, sid: str | None) -> None:
    assert principal_sid(name) == sid


@pytest.mark.parametrize(
    ("name", "sid"),
    [
        ("WdiServiceHost", "S-1-5-80-3139157870-2983391045-3678747466-658725712-1809340420"),
        ("TrustedInstaller", "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464"),
        ("dmwappushservice", "S-1-5-80-3841379657-834162867-3056945855-2577476187-70241904"),
        ("wuauserv", "S-1-5-80-1014140700-3308905587-3330345912-272242898-93311788"),
    ],
)
def test_service_sids(name: str, sid: str) -> None:
    """Pairs a real gpresult holds (corpus rsop/more): the name is upper-cased first."""
    assert service_sid(name) == sid == service_sid(name.upper())


@pytest.mark.parametrize(
    ("text", "key", "expect"),
    [
        ('If the "Account lockout duration" is less than "15" minutes (excluding "0"), this is a finding.', "System Access/LockoutDuration", {"any_of": [{"equals": 0}, {"gte": 15}]}),
        ('If the "Account lockout threshold" is "0" or more than "3" attempts, this is a finding.', "System Access/LockoutBadCount", {"gte": 1, "lte": 3}),
        ('If the value for "Minimum password length," is less than "14" characters, this is a finding.', "System Access/MinimumPasswordLength", {"gte": 14}),
        ('If the value for "Maximum password age" is greater than "60" days, this is a finding.  If the value is set to "0" (never expires), this is a finding.', "System Access/MaximumPasswordAge", {"gte": 1, "lte": 60}),
        ('If the value for "Accounts: Rename administrator account" is set to "Administrator", this is a finding.', "System Access/NewAdministratorName", {"not_matches": "(?i)^Administrator$"}),
        ('If the value for "Password must meet complexity requirements" is not set to "Enabled", this is a finding.', "System Access/PasswordComplexity", {"equals": 1}),
    ],
)  # fmt: skip
def test_account_policy(text: str, key: str, expect: dict[str, Any]) -> None:
    (exp,) = rule(
        "Navigate to ... >> Account Policies >> Account Lockout Policy.\n\n" + text
    ).expectations
    assert (exp.kind, exp.key, exp.expect) == (Kind.SECURITY, key, expect)


def test_audit() -> None:
    text = "Use the AuditPol tool ...\n\nLogon/Logoff  >> Other Logon/Logoff Events - Failure\n"
    (exp,) = rule(text).expectations
    assert (exp.kind, exp.key, exp.expect) == (
        Kind.AUDIT,
        "Other Logon/Logoff Events",
        {"in": ["Failure", "Success and Failure"]},
    )


def test_a_procedure_is_manual_with_its_reason() -> None:
    found = rule(
        'Run "Computer Management".\nNavigate to System Tools >> Local Users and Groups >> Groups.'
    )
    assert (found.kind, found.parse, found.reason) == (
        "manual",
        "manual",
        "accounts or site documentation (manual review)",
    )


@pytest.mark.parametrize(
    ("stig_id", "role"),
    [("WN19-DC-000010", "dc"), ("WN19-MS-000010", "member"), ("WN19-CC-000010", None)],
)
def test_server_roles(stig_id: str, role: str | None) -> None:
    assert rule("Navigate to ...", stig_id).role == role


def test_the_sample_xccdf() -> None:
    bench = xccdf.read(DATA / "sample-xccdf.xml")
    assert (bench.id, bench.title, bench.release, bench.date, bench.test) == (
        "Sample_Windows_STIG", "Sample Windows Security Technical Implementation Guide", "V1R3", "01 Jan 2024", False,
    )  # fmt: skip
    first = bench.rules[0]
    assert (first.vid, first.rule_id, first.stig_id, first.severity, first.ccis, first.legacy) == (
        "V-1001", "SV-1001r1_rule", "XW10-00-000010", "high", ["CCI-000001"], ["V-11", "SV-11"],
    )  # fmt: skip
    assert [exp.choice for exp in first.expectations] == [False, True, True]


def test_the_sample_benchmark_is_the_golden_one(tmp_path: Path, regen_golden: bool) -> None:
    output = tmp_path / "sample-stig.yaml"
    args = ["--id", "stig-sample", "--check-prefix", "s", "--os", "windows10", "-o", str(output)]
    assert main(["stig", str(DATA / "sample-xccdf.xml"), *args]) == 0
    if regen_golden:
        GOLDEN.write_text(output.read_text(encoding="utf-8"), encoding="utf-8")
    assert output.read_text(encoding="utf-8") == GOLDEN.read_text(encoding="utf-8")
