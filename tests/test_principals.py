from __future__ import annotations

import pytest

from checker.core.principals import principal, principal_list, split_principals


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
        ("Null SID", "S-1-0-0"),
        ("CONTOSO\\Helpdesk", "CONTOSO\\Helpdesk"),
    ],
)
def test_principal(text: str, expected: str) -> None:
    assert principal(text) == expected


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        # two spellings of one principal are one
        (
            ["Administrators", "BUILTIN\\Administrators", "*S-1-5-32-544", "*s-1-5-32-544"],
            ["S-1-5-32-544"],
        ),
        (["Local Account", "Local account", "*S-1-5-19"], ["S-1-5-113", "S-1-5-19"]),
        # unknown names are kept as first written, once whatever their case
        (["CONTOSO\\Helpdesk", "contoso\\helpdesk", " "], ["CONTOSO\\Helpdesk"]),
        # the Null SID grants nothing: "No One" as CIS writes it in Intune
        (["*S-1-0-0"], []),
        (["Nobody", "*S-1-5-32-544"], ["S-1-5-32-544"]),
        ([], []),
    ],
)
def test_principal_list(items: list[str], expected: list[str]) -> None:
    assert principal_list(items) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["*S-1-5-32-544", "Guests"], ["*S-1-5-32-544", "Guests"]),
        ("Administrators\uf000*S-1-5-32-545", ["Administrators", "*S-1-5-32-545"]),
        ("<![CDATA[Administrators\uf000*S-1-5-32-545]]>", ["Administrators", "*S-1-5-32-545"]),
        ("Administrators,Backup Operators", ["Administrators", "Backup Operators"]),
    ],
)
def test_split_principals(value: object, expected: list[str]) -> None:
    assert split_principals(value) == expected
