from __future__ import annotations

import pickle

import pytest

from checker.core.results import CheckInfo
from checker.core.statuses import Category, Severity
from checker.core.values import Confidence, Fact, Origin, Source
from checker.kinds import Kind, canonical_key, registry_path
from checker.targets.merge import MDM_WINS_OVER_GP, build_target


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("Software\\Policies\\X", "Name", "HKLM\\Software\\Policies\\X!Name"),
        ("MACHINE\\System\\CurrentControlSet", "A", "HKLM\\System\\CurrentControlSet!A"),
        ("HKEY_LOCAL_MACHINE\\SOFTWARE\\X\\", "A", "HKLM\\SOFTWARE\\X!A"),
        ("HKCU\\Software\\X", "A", "HKCU\\Software\\X!A"),
    ],
)
def test_registry_path(key: str, value: str, expected: str) -> None:
    assert registry_path(key, value) == expected


def test_canonical_registry_key_ignores_case_and_hive_spelling() -> None:
    a = canonical_key(
        Kind.REGISTRY, "HKLM\\SOFTWARE\\Services\\LanManServer!requiresecuritysignature"
    )
    b = canonical_key(
        Kind.REGISTRY, "MACHINE\\Software\\Services\\LanmanServer!RequireSecuritySignature"
    )
    assert a == b == "hklm\\software\\services\\lanmanserver!requiresecuritysignature"


def test_canonical_audit_key_drops_audit_prefix() -> None:
    assert canonical_key(Kind.AUDIT, "Audit Credential Validation") == "credential validation"


def _rtp(value: int, via: str | None, path: str) -> Fact:
    return Fact(Kind.REGISTRY, "HKLM\\Software\\X!Rtp", value, Origin(path), via=via)


MDM_WINS = Fact(Kind.INTUNE, MDM_WINS_OVER_GP, f"{MDM_WINS_OVER_GP}_1", Origin("mdm.json"))


@pytest.mark.parametrize(
    ("facts", "value", "confidence", "rule"),
    [
        (
            [_rtp(0, None, "gpo"), _rtp(1, "intune.rtp", "mdm")],
            0,
            Confidence.EXACT,
            "Group Policy wins over MDM (MDMWinsOverGP not set)",
        ),
        (
            [_rtp(1, "intune.rtp", "mdm"), _rtp(0, None, "gpo")],
            0,
            Confidence.EXACT,
            "Group Policy wins over MDM (MDMWinsOverGP not set)",
        ),
        (
            [MDM_WINS, _rtp(0, None, "gpo"), _rtp(1, "intune.rtp", "mdm")],
            1,
            Confidence.EXACT,
            "MDMWinsOverGP",
        ),
        (
            [_rtp(0, "intune.a", "a"), _rtp(1, "intune.b", "b")],
            1,
            Confidence.PARTIAL,
            "Intune policies disagree: Intune applies neither",
        ),
    ],
)
def test_co_management(facts: list[Fact], value: int, confidence: Confidence, rule: str) -> None:
    target = build_target("dev", [Source("s", "test", tuple(facts))])
    fact = target.lookup(Kind.REGISTRY, "hklm\\software\\x!rtp")
    assert fact is not None and (fact.value, fact.confidence) == (value, confidence)
    (conflict,) = target.conflicts
    assert conflict.rule == rule


def test_agreeing_sources_are_no_conflict() -> None:
    facts = (_rtp(0, None, "gpo"), _rtp(0, "intune.rtp", "mdm"), _rtp(0, "intune.b", "b"))
    assert build_target("dev", [Source("s", "test", facts)]).conflicts == []


@pytest.mark.parametrize(
    "value",
    [
        Origin("a.pol", 3, 7, "GPO"),
        Origin("b.xml"),
        CheckInfo(
            "c1", "Title", Category.OS, 3, Severity.HIGH, "bench", "registry:k", "== 1",
            "fix it", "because", ("ref",), ("tag",), Origin("p.yaml", 12),
        ),
    ],
)  # fmt: skip
def test_pickled_by_fields_round_trips(value: object) -> None:
    again = pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == value and type(again) is type(value)
