"""The shipped Microsoft Windows 11 24H2 baseline benchmark: shape, and fidelity to the GPOs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.core.values import Fact
from checker.kinds import Kind, canonical_key
from checker.loaders import gpo_backup
from checker.policy.expect import compile_expect
from checker.policy.load import load_benchmark
from tests.conftest import ROOT

POLICY = ROOT / "policies" / "msft-windows11-24h2.yaml"
SETTING_KEYS = {"registry": Kind.REGISTRY, "security": Kind.SECURITY, "privilege": Kind.PRIVILEGE,
                "audit": Kind.AUDIT, "service": Kind.SERVICE}  # fmt: skip
REQUIRED = {"id", "title", "category", "impact", "severity", "expect", "remediation",
            "rationale", "references", "tags"}  # fmt: skip
CATEGORIES = {"application", "os", "network", "accounts", "security_controls"}
SEVERITIES = {"low", "medium", "high", "critical"}
OPERATORS = {"equals", "not_equals", "in", "not_in", "gt", "gte", "lt", "lte", "contains",
             "not_contains", "matches", "absent", "empty", "set_equals", "subset_of",
             "superset_of"}  # fmt: skip
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-", re.IGNORECASE)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(POLICY.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def checks(document: dict[str, Any]) -> list[dict[str, Any]]:
    return list(document["checks"])


def setting_of(check: dict[str, Any]) -> tuple[Kind, str]:
    (name,) = [key for key in SETTING_KEYS if key in check]
    kind = SETTING_KEYS[name]
    return kind, canonical_key(kind, check[name])


@pytest.fixture(scope="module")
def baseline_facts(corpus: Path) -> list[Fact]:
    folder = corpus / "gpo" / "msft-windows11-24h2"
    backups = gpo_backup.find_backups(folder)
    sources = [source for backup in backups for source in gpo_backup.load_backup(backup)]
    return [fact for source in sources for fact in source.facts]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("id", "msft-windows11-24h2"),
        ("title", "Microsoft Security Baseline: Windows 11 24H2"),
        ("version", "24H2"),
        ("platform", "windows"),
        ("applies_to", {"os": ["windows11"]}),
    ],
)
def test_metadata(document: dict[str, Any], key: str, expected: object) -> None:
    assert document[key] == expected


def test_loads_through_the_policy_validator() -> None:
    assert len(load_benchmark(POLICY).checks) == 271


def test_at_least_200_checks(checks: list[dict[str, Any]]) -> None:
    assert len(checks) >= 200


def test_ids_unique_and_well_formed(checks: list[dict[str, Any]]) -> None:
    ids = [check["id"] for check in checks]
    assert len(ids) == len(set(ids))
    assert [i for i in ids if not re.fullmatch(r"msft-w11-24h2-[a-z0-9.-]+", i)] == []


def test_titles_unique(checks: list[dict[str, Any]]) -> None:
    titles = [check["title"] for check in checks]
    assert len(titles) == len(set(titles))


def test_every_check_is_complete(checks: list[dict[str, Any]]) -> None:
    problems: list[tuple[str, object, object]] = []
    for check in checks:
        missing = REQUIRED - check.keys()
        readers = [key for key in SETTING_KEYS if key in check]
        if missing or len(readers) != 1:
            problems.append((check["id"], sorted(missing), readers))
        elif (
            check["category"] not in CATEGORIES
            or check["severity"] not in SEVERITIES
            or not 1 <= check["impact"] <= 10
            or not check["references"]
            or not check["expect"]
            or not set(check["expect"]) <= OPERATORS
            or "Computer Configuration\\" not in check["remediation"]
        ):
            problems.append((check["id"], "bad field", check))
    assert problems == []


@pytest.mark.parametrize(
    ("check_id", "expect", "severity", "category"),
    [
        ("msft-w11-24h2-defender-disablerealtimemonitoring", {"equals": 0}, "critical",
         "security_controls"),
        ("msft-w11-24h2-password-minimumpasswordlength", {"gte": 14}, "medium", "accounts"),
        ("msft-w11-24h2-password-lockoutbadcount", {"gte": 1, "lte": 10}, "low", "accounts"),
        ("msft-w11-24h2-user-rights-sedenynetworklogonright", {"superset_of": ["S-1-5-113"]},
         "medium", "accounts"),
        ("msft-w11-24h2-user-rights-setcbprivilege", {"empty": True}, "medium", "accounts"),
        ("msft-w11-24h2-audit-credential-validation", {"equals": "Success and Failure"}, "low",
         "security_controls"),
        ("msft-w11-24h2-audit-process-creation", {"in": ["Success", "Success and Failure"]},
         "low", "security_controls"),
        ("msft-w11-24h2-services-xboxgipsvc", {"equals": 4}, "medium", "os"),
        ("msft-w11-24h2-powershell-enablescriptblockinvocationlogging", {"absent": True}, "low",
         "application"),
        ("msft-w11-24h2-asr-9e6c4e1f-7d60-472f-ba1a-a39ef669e4b2", {"equals": "1"}, "medium",
         "security_controls"),
        ("msft-w11-24h2-smb-lanmanserver-parameters-requiresecuritysignature", {"equals": 1},
         "critical", "network"),
        ("msft-w11-24h2-eventlog-security-maxsize", {"gte": 196608}, "medium",
         "security_controls"),
    ],
)  # fmt: skip
def test_spot_checks(
    checks: list[dict[str, Any]], check_id: str, expect: object, severity: str, category: str
) -> None:
    (check,) = [c for c in checks if c["id"] == check_id]
    assert (check["expect"], check["severity"], check["category"]) == (expect, severity, category)


def test_asr_rules_are_titled_by_name(checks: list[dict[str, Any]]) -> None:
    asr = [c for c in checks if "\\asr\\rules!" in c.get("registry", "").casefold()]
    assert len(asr) == 14
    assert [c["title"] for c in asr if not c["title"].startswith("ASR rule: ")] == []
    assert [c["title"] for c in asr if GUID.search(c["title"])] == []


def test_every_baseline_setting_has_exactly_one_check(
    checks: list[dict[str, Any]], baseline_facts: list[Fact]
) -> None:
    read = [setting_of(check) for check in checks]
    settings = [(fact.kind, fact.canonical) for fact in baseline_facts]
    assert len(baseline_facts) == len(checks) == 271
    assert sorted(read) == sorted(settings)
    assert len(set(settings)) == len(settings)


def test_the_baseline_passes_its_own_checks(
    checks: list[dict[str, Any]], baseline_facts: list[Fact]
) -> None:
    by_setting = {setting_of(check): check for check in checks}
    failing = []
    for fact in baseline_facts:
        check = by_setting[(fact.kind, fact.canonical)]
        if fact.deleted:
            passes = check["expect"] == {"absent": True}
        else:
            judge, _, _ = compile_expect(check["expect"])
            passes = judge(fact.value)
        if not passes:
            failing.append((check["id"], fact.value, check["expect"]))
    assert failing == []
