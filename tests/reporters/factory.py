"""Report values for reporter tests, scored by the real scoring module.

``single_device``, ``fleet_of_three``, ``edge_cases`` and ``typed_values`` are the
golden-file reports;
``generated_fleet`` builds an N-device fleet with realistic failure rates, sharing immutable
results between devices so 5,000 devices x 250 checks stay cheap.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace

from checker.core.errors import InputError
from checker.core.results import BenchmarkInfo, CheckInfo, Report, Result, TargetReport
from checker.core.statuses import Category, Severity, Status
from checker.core.values import Conflict, Fact, Origin
from checker.kinds import Kind
from checker.scoring.tally import Tally, target_score

VERSION = "0.1.0"
BENCHMARK = "msft-win11-24h2"
BENCHMARK_PATH = "policies/msft-win11-24h2.yaml"
GPO = "exports/gpo/{6AC1786C-016F-11D2-945F-00C04FB984F9}/DomainSysvol/GPO/Machine"


def check(
    check_id: str,
    title: str,
    category: Category,
    impact: int,
    severity: Severity,
    setting: str,
    expected: str,
    *,
    line: int,
    benchmark: str = BENCHMARK,
    path: str = BENCHMARK_PATH,
    tags: tuple[str, ...] = (),
    references: tuple[str, ...] = (),
) -> CheckInfo:
    return CheckInfo(
        id=check_id,
        title=title,
        category=category,
        impact=impact,
        severity=severity,
        benchmark=benchmark,
        setting=setting,
        expected=expected,
        remediation=f"Set {setting} to {expected}.",
        rationale=f"{title} limits what an attacker can do.",
        references=references,
        tags=tags,
        origin=Origin(path, line=line),
    )


CHECKS = (
    check(
        "MS-ACC-001",
        "Minimum password length is at least 14",
        Category.ACCOUNTS,
        8,
        Severity.HIGH,
        "security:System Access/MinimumPasswordLength",
        ">= 14",
        line=12,
        tags=("cis-1.1.4",),
        references=("CIS 1.1.4", "CCE-36534-6", "T1110"),
    ),
    check(
        "MS-NET-002",
        "SMB server requires signing",
        Category.NETWORK,
        9,
        Severity.CRITICAL,
        r"registry:HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters"
        "!RequireSecuritySignature",
        "== 1",
        line=30,
        references=("CVE-2017-0144", "T1557"),
    ),
    check(
        "MS-OS-003",
        "UAC elevation prompt for standard users denies elevation",
        Category.OS,
        5,
        Severity.MEDIUM,
        r"registry:HKLM\Software\Microsoft\Windows\CurrentVersion\Policies\System"
        "!ConsentPromptBehaviorUser",
        "== 0",
        line=47,
    ),
    check(
        "MS-SC-004",
        "Block credential stealing from lsass.exe (ASR)",
        Category.SECURITY_CONTROLS,
        10,
        Severity.HIGH,
        "intune:device_vendor_msft_policy_config_defender_attacksurfacereductionrules",
        "contains 9e6c4e1f-7d60-472f-ba1a-a39ef669e4b2 = block",
        line=63,
        tags=("HumanOperatedRansomware",),
    ),
    check(
        "MS-APP-005",
        "Office macros from the internet are blocked",
        Category.APPLICATION,
        3,
        Severity.LOW,
        r"registry:HKCU\Software\Policies\Microsoft\Office\16.0\Word\Security"
        "!blockcontentexecutionfrominternet",
        "== 1",
        line=80,
    ),
    check(
        "MS-ACC-006",
        "Audit Credential Validation: Success and Failure",
        Category.ACCOUNTS,
        4,
        Severity.MEDIUM,
        "audit:Credential Validation",
        "== 'Success and Failure'",
        line=95,
    ),
)
BENCHMARKS = (BenchmarkInfo(BENCHMARK, "Windows 11 24H2 baseline", "1.0", BENCHMARK_PATH, CHECKS),)

_BY_ID = {info.id: info for info in CHECKS}


def result(
    check_id: str,
    status: Status,
    actual: object = None,
    *origins: Origin,
    reason: str | None = None,
    via: str | None = None,
    lean: Status | None = None,
    exception: str | None = None,
) -> Result:
    return Result(
        _BY_ID[check_id],
        status,
        actual,
        tuple(origins),
        reason=reason,
        via=via,
        lean=lean,
        exception=exception,
    )


def target(
    name: str,
    results: Sequence[Result],
    sources: tuple[str, ...] = (GPO,),
    conflicts: tuple[Conflict, ...] = (),
) -> TargetReport:
    return TargetReport(
        name=name,
        sources=sources,
        results=tuple(results),
        score=target_score(results),
        conflicts=conflicts,
    )


def report(
    targets: Sequence[TargetReport],
    errors: tuple[InputError, ...] = (),
    benchmarks: tuple[BenchmarkInfo, ...] = BENCHMARKS,
) -> Report:
    tally = Tally()
    for each in targets:
        tally.add(each.results, each.name)
    return Report(VERSION, benchmarks, tuple(targets), tally.fleet_score(), errors)


def _inf(line: int) -> Origin:
    return Origin(f"{GPO}/microsoft/windows nt/SecEdit/GptTmpl.inf", line=line)


def _pol(offset: int) -> Origin:
    return Origin(f"{GPO}/registry.pol", offset=offset, source="MSFT Windows 11 24H2 - Computer")


def _device_results(
    password: int, smb: int | None, uac: int, macros: Status, audit: str
) -> list[Result]:
    return [
        result(
            "MS-ACC-001",
            Status.PASS if password >= 14 else Status.FAIL,
            password,
            _inf(7),
        ),
        result("MS-NET-002", Status.PASS if smb == 1 else Status.FAIL, smb, _pol(1024))
        if smb is not None
        else result("MS-NET-002", Status.NOT_CONFIGURED),
        result("MS-OS-003", Status.PASS if uac == 0 else Status.FAIL, uac, _pol(2048)),
        result("MS-SC-004", Status.NOT_CONFIGURED),
        result("MS-APP-005", macros, 1 if macros is Status.PASS else None),
        result(
            "MS-ACC-006",
            Status.PASS if audit == "Success and Failure" else Status.FAIL,
            audit,
            Origin(f"{GPO}/microsoft/windows nt/Audit/audit.csv", line=3),
        ),
    ]


def single_device() -> Report:
    """One workstation: passes, wrong values from text and binary exports, absent settings."""
    results = _device_results(8, 0, 0, Status.NOT_CONFIGURED, "Success and Failure")
    return report([target("WS-0001", results)])


def fleet_of_three() -> Report:
    """Three devices with different failures, one conflict between GPO and Intune."""
    winner = Fact(Kind.REGISTRY, "HKLM\\Software\\X!Y", 1, _pol(4096), type="REG_DWORD")
    loser = replace(winner, value=0, origin=Origin("exports/intune/ws.json", line=40))
    return report(
        [
            target("WS-0001", _device_results(8, 0, 0, Status.PASS, "Success and Failure")),
            target(
                "WS-0002",
                _device_results(14, 1, 1, Status.NOT_CONFIGURED, "Success"),
                conflicts=(Conflict(Kind.REGISTRY, winner.key, winner, loser, "GP wins"),),
            ),
            target("SRV-01", _device_results(24, None, 0, Status.NOT_APPLICABLE, "Failure")),
        ]
    )


def edge_cases() -> Report:
    """Uncertain, error, exempt and not-applicable results, odd characters, an input error."""
    intune = Origin("exports/intune/Baseline – “Strict” <v2>.json", line=118, source="Strict")
    results = [
        result(
            "MS-ACC-001",
            Status.EXEMPT,
            8,
            _inf(7),
            reason="Legacy app | needs 8",
            exception="risk_accepted",
        ),
        result("MS-NET-002", Status.ERROR, reason="expression failed: `a` & <b> on null"),
        result(
            "MS-OS-003",
            Status.UNCERTAIN,
            1,
            intune,
            reason="partial mapping: only the Enabled state\nis translated",
            via="device_vendor_msft_policy_config_localpoliciessecurityoptions_useraccountcontrol",
            lean=Status.FAIL,
        ),
        result("MS-SC-004", Status.FAIL, ["9e6c4e1f = audit"], intune),
        result("MS-APP-005", Status.NOT_APPLICABLE, reason="applies to Office 2016 and later"),
        result("MS-ACC-006", Status.PASS, "Success and Failure", _inf(40)),
    ]
    errors = (
        InputError("exports/broken dir/registry.pol", "bad PReg signature", offset=0),
        InputError("exports/intune/bad.json", "Expecting ',' delimiter\x01", line=3, column=7),
    )
    sources = ("exports/intune/Baseline – “Strict” <v2>.json",)
    return report([target("LAPTOP-ÉTÉ", results, sources)], errors)


THREATS = r"registry:HKLM\Software\Policies\Microsoft\Windows Defender\Threats"
TYPED = (
    replace(
        _BY_ID["MS-SC-004"], id="STIG-SC-007", title="Severe threats are quarantined",
        setting=f"{THREATS}\\ThreatSeverityDefaultAction!5", expected='in ["2", "3"] (REG_SZ)',
        value_type="REG_SZ",
    ),
    replace(
        _BY_ID["MS-SC-004"], id="STIG-SC-008", title="Moderate threats are quarantined",
        setting=f"{THREATS}\\ThreatSeverityDefaultAction!2", expected="== 2",
    ),
)  # fmt: skip
"""Checks of DISA's Defender STIG: one that states the REG_SZ type, one written as
HardeningKitty transcribed it (the number 2)."""


def typed_values() -> Report:
    """Values that print like what is expected but fail on their type (DESIGN §9): a
    REG_DWORD where the check requires REG_SZ, a REG_SZ "2" where the number 2 is expected,
    and a conflict between the two types of one value."""
    dword = Fact(Kind.REGISTRY, TYPED[0].setting.partition(":")[2], 2, _pol(512), type="REG_DWORD")
    text = replace(dword, value="2", type="REG_SZ", origin=Origin("exports/intune/av.json", line=9))
    results = [
        Result(TYPED[0], Status.FAIL, 2, (_pol(512),), "REG_DWORD, not the REG_SZ required",
               actual_type="REG_DWORD"),
        Result(TYPED[1], Status.FAIL, "2", (_pol(640),), actual_type="REG_SZ"),
        *_device_results(14, 1, 0, Status.PASS, "Success and Failure"),
    ]  # fmt: skip
    conflict = Conflict(Kind.REGISTRY, dword.key, dword, text, "GP wins")
    benchmarks = (replace(BENCHMARKS[0], checks=(*CHECKS, *TYPED)),)
    return report([target("WS-0009", results, conflicts=(conflict,))], benchmarks=benchmarks)


GENERATED_BENCHMARKS = ("gen-workstation", "gen-defender")
PROFILES = 100
"""Distinct result sets in a generated fleet: devices share them (and their scores), so
building 5,000 devices costs 100 scorings."""
_STATUS_MIX = (Status.UNCERTAIN, Status.NOT_APPLICABLE, Status.ERROR, Status.EXEMPT)


def generated_fleet(devices: int, checks: int = 250, seed: int = 5) -> Report:
    """``devices`` targets x ``checks`` checks; each check fails on 0-40% of devices (~20%
    on average), and about 1% of results are uncertain, not applicable, errors or exempt."""
    rng = random.Random(seed)
    infos = [_generated_check(number) for number in range(checks)]
    rates = [rng.uniform(0.0, 0.4) for _ in infos]
    profiles = [_profile(rng, infos, rates, number) for number in range(min(devices, PROFILES))]
    targets = [
        replace(profiles[rng.randrange(len(profiles))], name=f"WS-{number:05d}")
        for number in range(devices)
    ]
    benchmarks = tuple(
        BenchmarkInfo(
            bench,
            bench,
            "1.0",
            f"policies/{bench}.yaml",
            tuple(info for info in infos if info.benchmark == bench),
        )
        for bench in GENERATED_BENCHMARKS
    )
    return report(targets, benchmarks=benchmarks)


def _profile(
    rng: random.Random, infos: Sequence[CheckInfo], rates: Sequence[float], number: int
) -> TargetReport:
    """One device's results: fail with the check's rate, ~1% odd statuses, else pass."""
    export = f"gen/profile-{number:03d}/registry.pol"
    results = []
    for index, info in enumerate(infos):
        draw = rng.random()
        if draw < rates[index]:
            results.append(Result(info, Status.FAIL, 0, (Origin(export, offset=128 + index),)))
        elif draw > 0.99:
            status = _STATUS_MIX[int((draw - 0.99) * 400) % len(_STATUS_MIX)]
            results.append(Result(info, status, None, (), reason="generated", via="gen_setting"))
        else:
            results.append(Result(info, Status.PASS, 1, (Origin(export, offset=64 + index),)))
    return target(f"profile-{number:03d}", results, (export,))


def _generated_check(number: int) -> CheckInfo:
    categories = list(Category)
    severities = list(Severity)
    bench = GENERATED_BENCHMARKS[number % 2]
    return check(
        f"GEN-{number:03d}",
        f"Generated setting {number} is hardened",
        categories[number % len(categories)],
        number % 10 + 1,
        severities[number % len(severities)],
        f"registry:HKLM\\Software\\Policies\\Gen!Value{number}",
        "== 1",
        line=10 + number * 12,
        benchmark=bench,
        path=f"policies/{bench}.yaml",
    )
