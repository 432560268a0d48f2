from __future__ import annotations

import pytest

from checker.core.principals import principal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("*S-1-5-32-544", "S-1-5-32-544"),
        ("s-1-5-113", "S-1-5-113"),
        ("Administrators", "S-1-5-32-544"),
        ("BUILTIN\\Administrators", "S-1-5-32-544"),
        ("NT AUTHORITY\\LOCAL SERVICE", "S-1-5-19"),
        ("Window Manager\\Window Manager Group", "S-1-5-90-0"),
        ('"Guests"', "S-1-5-32-546"),
        ("CONTOSO\\Helpdesk", "CONTOSO\\Helpdesk"),
    ],
)
def test_principal(text: str, expected: str) -> None:
    assert principal(text) == expected
