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


def _rtp(value: int, via: str | None, path: str, policy: str | None = None) -> Fact:
    origin = Origin(path, line=value + 10, source=policy)
    return Fact(Kind.REGISTRY, "HKLM\\Software\\X!Rtp", value, origin, via=via)


MDM_WINS = Fact(Kind.INTUNE, MDM_WINS_OVER_GP, f"{MDM_WINS_OVER_GP}_1", Origin("mdm.json"))
GP_RULE = "Group Policy wins over MDM (MDMWinsOverGP not set)"
INTUNE_RULE = "Intune policies disagree: Intune applies neither"
PARENT = "c_system_bootstartdriverinitialization"
CHILD = f"{PARENT}_selectdriverloadpolicy"


def _intune(value: int, via: str = "c_rtp", policy: str = "A") -> Fact:
    return _rtp(value, via, f"{policy.lower()}.json", policy)


ENCRYPTED = "the export holds this OMA-URI value encrypted"


def _hidden(policy: str = "A") -> Fact:
    """A setting whose value the Intune export does not show (encrypted)."""
    origin = Origin(f"{policy.lower()}.json", line=9, source=policy)
    key = "HKLM\\Software\\X!Rtp"
    partial = Confidence.PARTIAL
    return Fact(Kind.REGISTRY, key, None, origin, confidence=partial, reason=ENCRYPTED, via="c_rtp")


@pytest.mark.parametrize(
    ("sources", "value", "confidence", "conflicts"),
    [
        # Group Policy and MDM, by Windows' rule, in either order
        ([[_rtp(0, None, "gpo")], [_intune(1)]], 0, Confidence.EXACT, [(GP_RULE, 0, 1)]),
        ([[_intune(1)], [_rtp(0, None, "gpo")]], 0, Confidence.EXACT, [(GP_RULE, 0, 1)]),
        (
            [[MDM_WINS, _rtp(0, None, "gpo")], [_intune(1)]],
            1,
            Confidence.EXACT,
            [("MDMWinsOverGP", 1, 0)],
        ),
        ([[_rtp(0, None, "gpo")], [_intune(0)]], 0, Confidence.EXACT, []),
        # Intune policies: the same value agrees, different values conflict (later, earlier)
        ([[_intune(1, policy="A")], [_intune(1, policy="B")]], 1, Confidence.EXACT, []),
        (
            [[_intune(0, policy="A")], [_intune(1, policy="B")]],
            1,
            Confidence.PARTIAL,
            [(INTUNE_RULE, 1, 0)],
        ),
        # a third policy agreeing with either side does not settle it
        (
            [[_intune(1, policy="A")], [_intune(2, policy="B")], [_intune(2, policy="C")]],
            2,
            Confidence.PARTIAL,
            [(INTUNE_RULE, 2, 1)],
        ),
        (
            [[_intune(1, policy="A")], [_intune(2, policy="B")], [_intune(1, policy="C")]],
            1,
            Confidence.PARTIAL,
            [(INTUNE_RULE, 2, 1)],
        ),
        # a setting and its child in one policy are one setting: the child decides
        ([[_intune(1, PARENT), _intune(3, CHILD)]], 3, Confidence.EXACT, []),
        # two different settings of one policy that disagree
        (
            [[_intune(1, "c_a"), _intune(3, "c_b")]],
            3,
            Confidence.PARTIAL,
            [("settings of one Intune policy disagree: which one applies is unknown", 3, 1)],
        ),
        # Group Policy wins over Intune policies in conflict: both conflicts are reported
        (
            [[_rtp(0, None, "gpo")], [_intune(1, policy="A")], [_intune(2, policy="B")]],
            0,
            Confidence.EXACT,
            [(INTUNE_RULE, 2, 1), (GP_RULE, 0, 2)],
        ),
        # a value the export does not show: unknown, and no conflict is claimed for it
        ([[_hidden("A")], [_intune(1, policy="B")]], None, Confidence.PARTIAL, []),
        ([[_intune(1, policy="A")], [_hidden("B")]], None, Confidence.PARTIAL, []),
        ([[_hidden("A")], [_hidden("B")]], None, Confidence.PARTIAL, []),
        ([[_rtp(0, None, "gpo")], [_hidden()]], 0, Confidence.EXACT, []),
        ([[MDM_WINS, _rtp(0, None, "gpo")], [_hidden()]], None, Confidence.PARTIAL, []),
    ],
)
def test_merge(
    sources: list[list[Fact]],
    value: int | None,
    confidence: Confidence,
    conflicts: list[tuple[str, int, int]],
) -> None:
    target = build_target("dev", [Source(f"s{i}", "test", tuple(f)) for i, f in enumerate(sources)])
    fact = target.lookup(Kind.REGISTRY, "hklm\\software\\x!rtp")
    assert fact is not None and (fact.value, fact.confidence) == (value, confidence)
    found = [(c.rule, c.winner.value, c.loser.value) for c in target.conflicts]
    assert found == conflicts


def test_intune_disagreement_names_both_values_and_origins() -> None:
    target = build_target(
        "dev", [Source("a", "t", (_intune(6, policy="L2"),)), Source("b", "t", (_intune(2),))]
    )
    fact = target.lookup(Kind.REGISTRY, "hklm\\software\\x!rtp")
    assert fact is not None and fact.reason == (
        "Intune policies disagree: Intune applies neither: 6 at l2.json:16 ('L2') through c_rtp;"
        " 2 at a.json:12 ('A') through c_rtp"
    )


def test_a_value_not_shown_beside_another_says_what_intune_applies_is_unknown() -> None:
    target = build_target(
        "dev", [Source("a", "t", (_hidden("L2"),)), Source("b", "t", (_intune(2),))]
    )
    fact = target.lookup(Kind.REGISTRY, "hklm\\software\\x!rtp")
    assert fact is not None and fact.reason == (
        "Intune policies set this, one to a value the export does not show: what Intune "
        "applies is unknown: a value the export does not show at l2.json:9 ('L2') through "
        f"c_rtp; 2 at a.json:12 ('A') through c_rtp; {ENCRYPTED}"
    )


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
