"""The shipped benchmark library: every benchmark loads, every check is complete, the counts
are the transcriptions' counts; profiles (``extends``/``overrides``/``drop``) work and fail
with exact messages."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from checker.core.errors import PolicyError
from checker.policy.compile import Benchmark
from checker.policy.load import load_benchmark, load_benchmarks, shipped_names
from tests.conftest import FIXTURES, ROOT

PROFILE = FIXTURES / "policies" / "contoso-w11-profile.yaml"

LIBRARY = {
    # benchmark id -> (checks, check id prefix, applies_to os, applies_to role)
    "msft-windows11-24h2": (271, "msft-w11-24h2-", {"windows11"}, set()),
    "msft-windows-server-2022-member": (171, "msft-ws2022-ms-", {"windows-server-2022"},
                                        {"member_server"}),
    "msft-windows-server-2022-dc": (190, "msft-ws2022-dc-", {"windows-server-2022"},
                                    {"domain_controller"}),
    "msft-windows-server-2025-member": (319, "msft-ws2025-ms-", {"windows-server-2025"},
                                        {"member_server"}),
    "msft-windows-server-2025-dc": (318, "msft-ws2025-dc-", {"windows-server-2025"},
                                    {"domain_controller"}),
    "msft-windows-server-2025-workgroup": (294, "msft-ws2025-wg-", {"windows-server-2025"},
                                           {"workgroup_member"}),
    "stig-windows10": (220, "stig-win10-", {"windows10"}, set()),
    "stig-windows11": (213, "stig-win11-", {"windows11"}, set()),
    "stig-windows-server-2019-member": (180, "stig-ws2019-ms-", {"windows-server-2019"},
                                        {"member_server"}),
    "stig-windows-server-2019-dc": (187, "stig-ws2019-dc-", {"windows-server-2019"},
                                    {"domain_controller"}),
    "stig-windows-server-2022-member": (178, "stig-ws2022-ms-", {"windows-server-2022"},
                                        {"member_server"}),
    "stig-windows-server-2022-dc": (185, "stig-ws2022-dc-", {"windows-server-2022"},
                                    {"domain_controller"}),
    "stig-defender-antivirus": (41, "stig-defender-", set(), set()),
}  # fmt: skip


@pytest.fixture(scope="module")
def library() -> dict[str, Benchmark]:
    return {b.info.id: b for b in load_benchmarks(shipped_names())}


def test_every_shipped_benchmark_is_listed_here(library: dict[str, Benchmark]) -> None:
    assert sorted(library) == sorted(LIBRARY)
    assert len(library) >= 8


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_shape(library: dict[str, Benchmark], name: str) -> None:
    count, prefix, os, role = LIBRARY[name]
    checks = library[name].checks
    assert len(checks) == count
    assert [c.info.id for c in checks if not c.info.id.startswith(prefix)] == []
    assert {(c.applies_to.os, c.applies_to.role) for c in checks} == {
        (frozenset(os), frozenset(role))
    }


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_every_check_is_complete(library: dict[str, Benchmark], name: str) -> None:
    """Remediation text, at least one reference, a category, an impact, a unique title."""
    incomplete = [
        c.info.id
        for c in library[name].checks
        if not c.info.remediation or not c.info.references or not c.info.rationale
        or not 1 <= c.info.impact <= 10 or c.info.category is None
    ]  # fmt: skip
    assert incomplete == []
    titles = Counter(c.info.title for c in library[name].checks)
    assert [title for title, n in titles.items() if n > 1] == []


@pytest.mark.parametrize(
    ("name", "categories"),
    [
        ("msft-windows-server-2022-member",
         {"accounts": 45, "application": 5, "network": 46, "os": 12, "security_controls": 63}),
        ("msft-windows-server-2022-dc",
         {"accounts": 42, "application": 5, "network": 44, "os": 30, "security_controls": 69}),
        ("msft-windows-server-2025-member",
         {"accounts": 93, "application": 4, "network": 102, "os": 71, "security_controls": 49}),
        ("stig-windows10",
         {"accounts": 67, "application": 7, "network": 39, "os": 53, "security_controls": 54}),
        ("stig-windows-server-2022-dc",
         {"accounts": 68, "application": 5, "network": 34, "os": 29, "security_controls": 49}),
        ("stig-defender-antivirus", {"security_controls": 41}),
    ],
)  # fmt: skip
def test_categories(library: dict[str, Benchmark], name: str, categories: dict[str, int]) -> None:
    found = Counter(c.info.category.value for c in library[name].checks)
    assert dict(found) == categories


@pytest.mark.parametrize(
    ("check_id", "setting", "expected", "severity", "references"),
    [
        ("msft-ws2022-ms-password-minimumpasswordlength",
         "security:System Access/MinimumPasswordLength", ">= 14", "medium",
         ("MSFT-WS2022-MS", "HardeningKitty:10101", "T1110")),
        ("msft-ws2022-dc-user-rights-seenabledelegationprivilege",
         "privilege:SeEnableDelegationPrivilege", 'only items of ["S-1-5-32-544"]', "medium",
         ("MSFT-WS2022-DC", "HardeningKitty:10313", "T1078", "T1134")),
        ("msft-ws2025-ms-password-lockoutbadcount", "security:System Access/LockoutBadCount",
         ">= 1 and <= 3", "high",
         ("MSFT-WS2025-2510", "OSConfig:DeviceLockAccountLockoutPolicy", "T1110")),
        ("msft-ws2025-dc-user-rights-seenabledelegationprivilege",
         "privilege:SeEnableDelegationPrivilege", 'exactly ["S-1-5-32-544"]', "high",
         ("MSFT-WS2025-2510", "CCE-36860-5", "OSConfig:UserRightsEnableDelegation", "T1078",
          "T1134")),
        ("msft-ws2025-ms-audit-credential-validation", "audit:Credential Validation",
         '== "Success and Failure"', "high",
         ("MSFT-WS2025-2510", "CCE-37741-6", "OSConfig:AuditCredentialValidation", "T1562.002")),
        ("stig-win10-wn10-ac-000035", "security:System Access/MinimumPasswordLength", ">= 14",
         "medium", ("STIG-WIN10-V2R9", "V-220745", "SV-220745r569187_rule", "WN10-AC-000035",
                    "CCI-000205", "SV-77913", "V-63423", "T1110")),
        ("stig-win10-wn10-ur-000070", "privilege:SeDenyNetworkLogonRight",
         'includes ["${enterprise_admins_sid}", "${domain_admins_sid}", "S-1-5-113", '
         '"S-1-5-32-546"]', "medium",
         ("STIG-WIN10-V2R9", "V-220968", "SV-220968r569187_rule", "WN10-UR-000070", "CCI-000213",
          "V-63871", "SV-78361", "T1078", "T1134")),
        ("stig-win10-wn10-cc-000039-batfile",
         "registry:HKLM\\SOFTWARE\\Classes\\batfile\\shell\\runasuser!SuppressionPolicy",
         "== 4096 (REG_DWORD)", "medium",
         ("STIG-WIN10-V2R9", "V-220801", "SV-220801r569187_rule", "WN10-CC-000039", "CCI-000381",
          "SV-86953", "V-72329")),
        ("stig-defender-wndf-av-000031",
         "registry:HKLM\\Software\\Policies\\Microsoft\\Windows Defender\\Threats\\"
         "ThreatSeverityDefaultAction!5", 'in ["2", "3"] (REG_SZ)', "medium",
         ("STIG-DEFENDER-V2R4", "V-213455", "SV-213455r823079_rule", "WNDF-AV-000031",
          "CCI-001662", "SV-89927", "V-75247", "T1562.001")),
    ],
)  # fmt: skip
def test_spot_checks(
    library: dict[str, Benchmark],
    check_id: str,
    setting: str,
    expected: str,
    severity: str,
    references: tuple[str, ...],
) -> None:
    (check,) = [c for b in library.values() for c in b.checks if c.info.id == check_id]
    info = check.info
    assert (info.setting, info.expected, info.severity.value, info.references) == (
        setting, expected, severity, references,
    )  # fmt: skip


@pytest.mark.parametrize(("name", "manual"), [
    ("stig-windows10", 49), ("stig-windows11", 50), ("stig-windows-server-2019-member", 55),
    ("stig-windows-server-2019-dc", 76), ("stig-windows-server-2022-member", 55),
    ("stig-windows-server-2022-dc", 76), ("stig-defender-antivirus", 0),
])  # fmt: skip
def test_stig_headers_list_the_rules_no_export_shows(name: str, manual: int) -> None:
    """Each rule the STIG benchmark does not check (wholly or in part) is listed under
    ``manual`` with its V-id, STIG id and reason, and no rule is both missing and unlisted."""
    document = yaml.safe_load((ROOT / "policies" / f"{name}.yaml").read_text(encoding="utf-8"))
    listed = document["manual"]
    assert len(listed) == manual
    assert all(entry["id"].startswith("V-") and entry["reason"] for entry in listed)
    checked = {ref for check in document["checks"] for ref in check["references"]}
    assert {
        entry["rule"] for entry in listed if not entry["reason"].startswith("in part")
    }.isdisjoint(checked)


# --------------------------------------------------------------------------------------------
# Profiles
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def profile() -> Benchmark:
    return load_benchmark(PROFILE)


def test_profile_inherits_every_check_but_the_dropped_one(
    profile: Benchmark, library: dict[str, Benchmark]
) -> None:
    base = [c.info.id for c in library["msft-windows11-24h2"].checks]
    ids = [c.info.id for c in profile.checks]
    dropped = "msft-w11-24h2-logon-enumerateadministrators"
    assert ids == [i for i in base if i != dropped] + ["contoso-w11-certpaddingcheck"]


@pytest.mark.parametrize(
    ("check_id", "expected", "impact", "references", "line"),
    [
        ("msft-w11-24h2-password-minimumpasswordlength", ">= 16", 5,
         ("MSFT-W11-24H2", "CONTOSO-SEC-7"), 11),
        ("msft-w11-24h2-eventlog-security-maxsize", ">= 1048576", 7,
         ("MSFT-W11-24H2", "HardeningKitty:10764", "T1070.001"), 15),
    ],
)  # fmt: skip
def test_profile_overrides(
    profile: Benchmark,
    check_id: str,
    expected: str,
    impact: int,
    references: tuple[str, ...],
    line: int,
) -> None:
    (check,) = [c for c in profile.checks if c.info.id == check_id]
    info = check.info
    assert (info.expected, info.impact, info.references, info.origin.line) == (
        expected, impact, references, line,
    )  # fmt: skip
    assert info.origin.path == str(PROFILE)


def test_profile_keeps_inherited_checks_unchanged(
    profile: Benchmark, library: dict[str, Benchmark]
) -> None:
    base = {c.info.id: c.info for c in library["msft-windows11-24h2"].checks}
    (kept,) = [c.info for c in profile.checks if c.info.id.endswith("-disablerealtimemonitoring")]
    assert (kept.expected, kept.impact, kept.severity) == (
        base[kept.id].expected, base[kept.id].impact, base[kept.id].severity,
    )  # fmt: skip


BAD_PROFILES = [
    # (file name, text, exact error)
    ("bad-override.yaml",
     "id: p1\ntitle: P1\nextends: msft-windows11-24h2\noverrides:\n  no-such-check: "
     "{impact: 3}\nchecks: []\n",
     "{path}:5:3: overrides names 'no-such-check', not a check of msft-windows11-24h2"
     " at overrides.no-such-check"),
    ("bad-drop.yaml",
     "id: p2\ntitle: P2\nextends: msft-windows11-24h2\ndrop: "
     "[msft-w11-24h2-password-minimumpasswordlength, no-such-check]\nchecks: []\n",
     "{path}:4: drop names 'no-such-check', not a check of msft-windows11-24h2 at drop[1]"),
    ("self.yaml", "id: p3\ntitle: P3\nextends: self.yaml\nchecks: []\n",
     "{path}:3:10: 'extends' cycle: self.yaml -> self.yaml at extends"),
    ("no-extends.yaml", "id: p4\ntitle: P4\ndrop: [x]\nchecks: []\n",
     "{path}:3:1: 'drop' needs 'extends' at drop"),
    ("bad-value.yaml",
     "id: p5\ntitle: P5\nextends: msft-windows11-24h2\noverrides:\n"
     "  msft-w11-24h2-password-minimumpasswordlength: {expect: {gte: x}}\nchecks: []\n",
     "{path}:5:64: 'x' is not of type 'number' at "
     "overrides.msft-w11-24h2-password-minimumpasswordlength.expect.gte"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "text", "message"), BAD_PROFILES)
def test_bad_profiles(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_benchmark(path)
    assert str(caught.value) == message.format(path=path)


def test_extends_cycle_is_a_policy_error(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("id: a\ntitle: A\nextends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("id: b\ntitle: B\nextends: a.yaml\n")
    with pytest.raises(PolicyError, match=r"'extends' cycle: a\.yaml -> b\.yaml -> a\.yaml"):
        load_benchmark(tmp_path / "a.yaml")


def test_profile_without_scope_keeps_the_base_scope(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("id: p\ntitle: P\nextends: msft-windows11-24h2\nchecks: []\n")
    check = load_benchmark(path).checks[0]
    assert check.applies_to.os == frozenset({"windows11"})
