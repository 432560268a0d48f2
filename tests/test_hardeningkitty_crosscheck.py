"""Cross-check: each shipped Microsoft baseline against HardeningKitty's finding list for the
same baseline, an independent transcription.

For every setting both cover (registry key and value case-insensitive, user right, audit
subcategory, account policy), they agree when HardeningKitty's recommended value passes our
check and the official GPO's value passes HardeningKitty's rule.  Agreement must be at least
95%; every disagreement must have a known reason (table below), and all are printed.

Server 2025 has no HardeningKitty list (the corpus' HardeningKitty stops at Server 2022), so
its OSConfig-derived benchmarks are not cross-checked here.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest

from checker.core.values import JSON, Fact
from checker.kinds import Kind
from checker.loaders import gpo_backup
from checker.policy.compile import Check
from checker.policy.expect import compile_expect
from checker.policy.load import load_benchmarks
from tools.benchgen import hardeningkitty as hk

LISTS = "benchmarks/hardeningkitty/lists/finding_list_msft_security_baseline_"
BASELINES = {
    # benchmark -> (HardeningKitty list, corpus GPO folders applied in order)
    "msft-windows11-24h2": (f"{LISTS}windows_11_24h2_machine.csv", (
        "msft-windows11-24h2/MSFT Windows 11 24H2 - Computer",
        "msft-windows11-24h2/MSFT Windows 11 24H2 - Domain Security",
        "msft-windows11-24h2/MSFT Windows 11 24H2 - Defender Antivirus")),
    "msft-windows-server-2022-member": (f"{LISTS}windows_server_2022_21h2_member_machine.csv", (
        "msft-windows-server-2022/MSFT Windows Server 2022 - Member Server",
        "msft-windows-server-2022/MSFT Windows Server 2022 - Domain Security",
        "msft-windows-server-2022/MSFT Windows Server 2022 - Defender Antivirus")),
    "msft-windows-server-2022-dc": (f"{LISTS}windows_server_2022_21h2_dc_machine.csv", (
        "msft-windows-server-2022/MSFT Windows Server 2022 - Domain Controller",
        "msft-windows-server-2022/MSFT Windows Server 2022 - Domain Security",
        "msft-windows-server-2022/MSFT Windows Server 2022 - Defender Antivirus")),
}  # fmt: skip

HARDENED_PATHS = (
    "HardeningKitty writes 'RequireMutualAuthentication=1, RequireIntegrity=1' with a space; "
    "the GPO writes none (Windows parses both)"
)
KNOWN: dict[str, str] = {
    # canonical setting -> why HardeningKitty and the official GPO differ
    "hklm\\software\\policies\\microsoft\\windows\\networkprovider\\hardenedpaths!\\\\*\\netlogon":
        HARDENED_PATHS,
    "hklm\\software\\policies\\microsoft\\windows\\networkprovider\\hardenedpaths!\\\\*\\sysvol":
        HARDENED_PATHS,
    "hklm\\software\\policies\\microsoft\\windows\\powershell\\scriptblocklogging"
    "!enablescriptblockinvocationlogging":
        "the baseline deletes the value (**del.); HardeningKitty expects 0, its default",
    "hklm\\software\\microsoft\\windows\\currentversion\\policies\\system"
    "!consentpromptbehaviorenhancedadmin":
        "new in 24H2 (Administrator protection): the GPO sets 1 (prompt for credentials on the "
        "secure desktop), HardeningKitty 2 (prompt for consent); the GPO is Microsoft's",
}  # fmt: skip

EXPECTED = {
    # benchmark -> (settings both cover, disagreements)
    "msft-windows11-24h2": (267, 4),
    "msft-windows-server-2022-member": (170, 2),
    "msft-windows-server-2022-dc": (171, 2),
}


@dataclass(frozen=True, slots=True)
class Disagreement:
    finding: str
    setting: str
    theirs: str
    ours: str
    official: JSON

    def __str__(self) -> str:
        reason = KNOWN.get(self.setting, "UNEXPLAINED")
        return (f"{self.finding} {self.setting}: HardeningKitty {self.theirs}, ours "
                f"{self.ours}, GPO {self.official!r} -- {reason}")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Comparison:
    covered: int
    disagreements: tuple[Disagreement, ...]

    @property
    def agreement(self) -> Fraction:
        return Fraction(self.covered - len(self.disagreements), self.covered)


def _official_facts(corpus: Path, folders: tuple[str, ...]) -> dict[tuple[Kind, str], Fact]:
    facts: dict[tuple[Kind, str], Fact] = {}
    for folder in folders:
        for backup in gpo_backup.find_backups(corpus / "gpo" / folder):
            for source in gpo_backup.load_backup(backup):
                for fact in source.facts:
                    facts[(fact.kind, fact.canonical)] = fact  # a later GPO wins
    return facts


def recommended(rule: hk.Rule) -> JSON:
    """The value HardeningKitty recommends (the first it accepts)."""
    expect = dict(rule.expect)
    if expect.get("absent"):
        return None
    if expect.get("empty"):
        return []
    if "in" in expect and isinstance(expect["in"], list):
        return expect["in"][0]
    return next(iter(expect.values()))


def agrees(rule: hk.Rule, check: Check, official: Fact | None) -> bool:
    if rule.expect.get("absent"):
        ours = check.wants_absent
    else:
        ours = not check.wants_absent and check.judge(recommended(rule))
    judge, _, wants_absent = compile_expect(rule.expect)
    value = None if official is None or official.deleted else official.value
    theirs = value is None if wants_absent else value is not None and judge(value)
    return ours and theirs


def compare(name: str, corpus: Path) -> Comparison:
    listed, folders = BASELINES[name]
    (benchmark,) = load_benchmarks([name])
    checks = {(check.kind, check.key): check for check in benchmark.checks}
    facts = _official_facts(corpus, folders)
    types = {key: f.type for (kind, key), f in facts.items() if kind is Kind.REGISTRY and f.type}
    covered: set[tuple[Kind, str]] = set()
    found: dict[tuple[Kind, str], Disagreement] = {}
    for finding in hk.read_findings(corpus / listed):
        rule = hk.translate(finding, types)
        setting = (rule.kind, rule.canonical) if isinstance(rule, hk.Rule) else None
        if not isinstance(rule, hk.Rule) or setting not in checks:
            continue
        assert setting is not None
        covered.add(setting)
        check = checks[setting]
        if not agrees(rule, check, facts.get(setting)):
            official = facts[setting].value if setting in facts else None
            found[setting] = Disagreement(
                finding.id, rule.canonical, str(dict(rule.expect)), check.info.expected, official
            )
    return Comparison(len(covered), tuple(found.values()))


@pytest.fixture(scope="module")
def comparisons(corpus: Path) -> dict[str, Comparison]:
    return {name: compare(name, corpus) for name in BASELINES}


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_agreement_with_hardeningkitty(comparisons: dict[str, Comparison], name: str) -> None:
    comparison = comparisons[name]
    print(f"\n{name}: {float(comparison.agreement) * 100:.1f}% of {comparison.covered} settings")
    for disagreement in comparison.disagreements:
        print(f"  {disagreement}")
    assert comparison.agreement >= Fraction(95, 100)
    assert [str(d) for d in comparison.disagreements if d.setting not in KNOWN] == []
    assert (comparison.covered, len(comparison.disagreements)) == EXPECTED[name]


def test_every_known_reason_is_still_needed(comparisons: dict[str, Comparison]) -> None:
    seen = {d.setting for c in comparisons.values() for d in c.disagreements}
    assert sorted(set(KNOWN) - seen) == []
