from __future__ import annotations

import pytest

from checker.model import Kind, canonical_key, registry_path


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
