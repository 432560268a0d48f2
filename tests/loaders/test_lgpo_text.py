"""LGPO text: every action, escapes, bad input with lines, sniffing, the corpus (every LGPO
text file; machine.txt/user.txt against the registry.pol beside them), property tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.core.errors import InputFormatError
from checker.core.files import head
from checker.core.values import Fact
from checker.kinds import Kind
from checker.loaders import FORMATS, lgpo_text, registry_pol
from checker.loaders.registry_pol import RegType, make_entry, write
from checker.targets.merge import merge_facts
from tests.conftest import FIXTURES

LGPO = FIXTURES / "lgpo"
BASE = "SOFTWARE\\Policies\\Baseliner"

Row = tuple[int | None, str, object, str | None, bool]


def row(fact: Fact) -> Row:
    return (fact.origin.line, fact.key, fact.value, fact.type, fact.deleted)


def test_machine_fixture() -> None:
    (source,) = lgpo_text.load(LGPO / "machine.txt")
    assert (source.format, [row(fact) for fact in source.facts]) == (
        "lgpo-text",
        [
            (5, f"HKLM\\{BASE}!Number", 10, "REG_DWORD", False),
            (10, f"HKLM\\{BASE}!Hex", 31, "REG_DWORD", False),
            (15, f"HKLM\\{BASE}!Big", 4294967296, "REG_QWORD", False),
            (20, f"HKLM\\{BASE}!Path", "C:\\Windows\\Temp", "REG_SZ", False),
            (25, f"HKLM\\{BASE}!Expand", "%SystemRoot%\\Temp", "REG_EXPAND_SZ", False),
            (30, f"HKLM\\{BASE}!List", ["a", "b c"], "REG_MULTI_SZ", False),
            (35, f"HKLM\\{BASE}!Bytes", "00ff10", "REG_BINARY", False),
            (40, f"HKLM\\{BASE}!Old", None, None, True),
            (45, f"HKLM\\{BASE}\\Stale!**delvals.", None, None, True),
            (50, f"HKLM\\{BASE}\\Fresh!", None, "REG_NONE", False),
            (55, f"HKCU\\{BASE}!Mine", "user value", "REG_SZ", False),
        ],
    )


def test_hand_written_delta() -> None:
    assert [row(fact) for fact in lgpo_text.load(LGPO / "delta.txt")[0].facts] == [
        (6, "HKLM\\Software\\Policies\\Microsoft\\Windows\\System!EnableSmartScreen", 1,
         "REG_DWORD", False),
        (12, "HKCU\\Software\\Policies\\Microsoft\\Windows\\Explorer!DisableSearchBoxSuggestions",
         1, "REG_DWORD", False),
    ]  # fmt: skip


def test_machine_fixture_states_what_the_same_registry_pol_states() -> None:
    """The text is a rendering of a registry.pol: the same entries give the same facts."""
    pol = write(
        [
            make_entry(BASE, "Number", 10),
            make_entry(BASE, "Hex", 31),
            make_entry(BASE, "Big", 4294967296, RegType.REG_QWORD),
            make_entry(BASE, "Path", "C:\\Windows\\Temp"),
            make_entry(BASE, "Expand", "%SystemRoot%\\Temp", RegType.REG_EXPAND_SZ),
            make_entry(BASE, "List", ["a", "b c"]),
            make_entry(BASE, "Bytes", "00ff10", RegType.REG_BINARY),
            make_entry(BASE, "**del.Old", " "),
            make_entry(BASE + "\\Stale", "**delvals.", " "),
            make_entry(BASE + "\\Fresh", "", None),
        ]
    )
    from_pol = [row(f)[1:] for f in registry_pol.parse(pol, "registry.pol", "HKLM")]
    from_text = [row(f)[1:] for f in lgpo_text.load(LGPO / "machine.txt")[0].facts]
    assert from_text[:-1] == from_pol


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("DWORD:0", (0, "REG_DWORD")),
        ("dword: 4294967295 ", (4294967295, "REG_DWORD")),
        ("QWORD:0xFFFFFFFFFFFFFFFF", (2**64 - 1, "REG_QWORD")),
        ("SZ:", ("", "REG_SZ")),
        ("SZ: spaced ", (" spaced ", "REG_SZ")),
        ("SZ:a\\\\\\\\b", ("a\\\\b", "REG_SZ")),
        ("SZ:kept\\n", ("kept\\n", "REG_SZ")),
        ("SZ:cut\\0here", ("cut", "REG_SZ")),
        ("SZ:a:b", ("a:b", "REG_SZ")),
        ("MULTI_SZ:", ([], "REG_MULTI_SZ")),
        ("MULTISZ:x\\0\\0y", (["x", "", "y"], "REG_MULTI_SZ")),
        ("BINARY:", ("", "REG_BINARY")),
        ("BINARY:0A 0b", ("0a0b", "REG_BINARY")),
    ],
)
def test_value_actions(action: str, expected: tuple[object, str]) -> None:
    data = f"Computer\nK\nN\n{action}\n".encode()
    (fact,) = lgpo_text.parse(data, "t.txt")
    assert (fact.key, fact.value, fact.type) == ("HKLM\\K!N", *expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Machine\nK\nN\nDWORD:1\n", "t.txt: line 1: expected Computer or User, found 'Machine'"),
        ("Computer\nK\nN\n", "t.txt: line 1: the file ends inside the block begun here: "
         "the action (DWORD:, SZ:, DELETE...) is missing"),
        ("Computer\nK\n; note\nDWORD:1\n", "t.txt: line 3: a comment where the value name was "
         "expected"),
        ("Computer\n\nN\nDWORD:1\n", "t.txt: line 2: a blank line where the registry key was "
         "expected"),
        ("Computer\nK\nN\n\n", "t.txt: line 4: a blank line where the action (DWORD:, SZ:, "
         "DELETE...) was expected"),
        ("\n\nUser\nK\nN\nREMOVE\n", "t.txt: line 6: unknown action 'REMOVE'"),
        ("User\nK\nN\nWORD:1\n", "t.txt: line 4: unknown value type 'WORD'"),
        ("User\nK\nN\nDWORD:-1\n", "t.txt: line 4: REG_DWORD data '-1' is not a 32-bit number"),
        ("User\nK\nN\nDWORD:4294967296\n",
         "t.txt: line 4: REG_DWORD data '4294967296' is not a 32-bit number"),
        ("User\nK\nN\nDWORD:0x\n", "t.txt: line 4: REG_DWORD data '0x' is not a 32-bit number"),
        ("User\nK\nN\nQWORD:1e3\n", "t.txt: line 4: REG_QWORD data '1e3' is not a 64-bit number"),
        ("User\nK\nN\nBINARY:abc\n",
         "t.txt: line 4: REG_BINARY data 'abc' is not hexadecimal bytes"),
    ],
)  # fmt: skip
def test_bad_input(text: str, message: str) -> None:
    with pytest.raises(InputFormatError) as caught:
        lgpo_text.parse(text.encode(), "t.txt")
    assert str(caught.value) == message


def test_bad_fixture_and_bad_encoding() -> None:
    with pytest.raises(InputFormatError) as caught:
        lgpo_text.load(LGPO / "bad-action.txt")
    assert caught.value.error.line == 4
    with pytest.raises(InputFormatError) as caught:
        lgpo_text.parse(b"Computer\nK\nN\nSZ:\xff\n", "t.txt")
    assert caught.value.error.offset == 16


def test_comments_only_is_no_settings() -> None:
    assert lgpo_text.parse(b"; PARSING COMPLETED.\r\n; ---\r\n", "t.txt") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("; banner\n\nComputer\nK\nN\nDWORD:1\n", True),
        ("user\nK\nN\ndelete\n", True),
        ("User\nK\n*\nDELETEALLVALUES\n", True),
        ("Computer\nK\nN\n", False),
        ("Computer\nK\nN\nWORD:1\n", False),
        ("; only comments\n", False),
        ("[Unicode]\nUnicode=yes\n", False),
        ("Computer,K,N,DWORD:1\n", False),
    ],
)
def test_sniff(tmp_path: Path, text: str, expected: bool) -> None:
    path = tmp_path / "lgpo.txt"
    path.write_bytes(text.encode("utf-16") if expected else text.encode())
    assert lgpo_text.sniff(path, head(path)) is expected


def test_no_other_fixture_is_claimed() -> None:
    claimed = sorted(
        str(path.relative_to(FIXTURES))
        for path in FIXTURES.rglob("*")
        if path.is_file() and lgpo_text.sniff(path, head(path))
    )
    # bad-action.txt is not claimed: its action line is not one LGPO writes.
    assert claimed == ["lgpo/delta.txt", "lgpo/machine.txt"]


def test_lgpo_text_is_sniffed_before_the_formats_after_it() -> None:
    path = LGPO / "machine.txt"
    claimed = [
        name
        for name, module in FORMATS.items()
        if not module.FOLDER and module.sniff(path, head(path))
    ]
    assert claimed == ["lgpo-text"]


# --- the corpus ---------------------------------------------------------------------------

Table = dict[str, tuple[object, bool, str | None]]


def _table(facts: list[Fact]) -> Table:
    merged = merge_facts(facts).get(Kind.REGISTRY, {})
    return {key: (fact.value, fact.deleted, fact.type) for key, fact in merged.items()}


@pytest.fixture(scope="module")
def corpus_texts(corpus: Path) -> dict[Path, list[Fact]]:
    """Every LGPO text file of the corpus (the .txt files that sniff as one) and its facts."""
    found = [p for p in sorted((corpus / "gpo").rglob("*.txt")) if lgpo_text.sniff(p, head(p))]
    return {path: lgpo_text.load(path)[0].facts for path in found}


def test_every_corpus_lgpo_text_loads(corpus_texts: dict[Path, list[Fact]], corpus: Path) -> None:
    counts = {str(p.relative_to(corpus / "gpo")): len(f) for p, f in corpus_texts.items()}
    psw = "private-secure-windows/GPOs"
    assert counts == {
        f"{psw}/BasicPrivacy/Version 21H2_Win10/Enterprise/GPO/Machine/machine.txt": 71,
        f"{psw}/BasicPrivacy/Version 21H2_Win10/Enterprise/GPO/User/user.txt": 8,
        f"{psw}/Deltas/W10_22H2/BasicSecComputer.txt": 3,
        f"{psw}/Deltas/W10_22H2/HighSecComputer.txt": 3,
        f"{psw}/Deltas/W11_21H2/BasicPrivacy.txt": 2,
        f"{psw}/Deltas/W11_21H2/BasicSecurity.txt": 1,
        f"{psw}/Deltas/W11_22H2/BasicSecComputer.txt": 6,
        f"{psw}/Deltas/W11_22H2/HighSecComputer.txt": 8,
        f"{psw}/Deltas/W11_22H2/HighSecCredGuard.txt": 1,
        f"{psw}/ExtremePrivacy/Version 21H2_Win10/Enterprise/GPO/Machine/machine.txt": 16,
        f"{psw}/ExtremePrivacy/Version 21H2_Win10/Enterprise/GPO/User/user.txt": 2,
    }


KNOWN_DIFFERENCES: dict[str, str] = {}
"""Key -> why machine.txt/user.txt and the registry.pol beside it differ there.  Empty: every
pair in the corpus agrees on every key, value, type and deletion (the two string values with
backslashes agree only because LGPO's ``\\\\`` escape is read)."""


def test_lgpo_text_and_registry_pol_beside_it_agree(
    corpus_texts: dict[Path, list[Fact]],
) -> None:
    pairs = {
        p: p.parent / "registry.pol" for p in corpus_texts if (p.parent / "registry.pol").is_file()
    }
    assert len(pairs) == 2
    differences = {}
    for text_path, pol_path in pairs.items():
        from_text = _table(corpus_texts[text_path])
        from_pol = _table(registry_pol.load(pol_path)[0].facts)
        for key in from_text.keys() | from_pol.keys():
            if from_text.get(key) != from_pol.get(key) and key not in KNOWN_DIFFERENCES:
                differences[key] = (from_text.get(key), from_pol.get(key))
    assert differences == {}


# --- properties ---------------------------------------------------------------------------

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LINES = st.one_of(
    st.sampled_from(("Computer", "User", "", "; c", "K", "*", "DWORD:1", "DWORD:x", "SZ:a\\0b",
                     "MULTISZ:\\\\", "DELETE", "DELETEALLVALUES", "CREATEKEY", "BINARY:0")),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
)  # fmt: skip


def _parse_or_error(data: bytes) -> None:
    try:
        facts = lgpo_text.parse(data, "t.txt")
    except InputFormatError as exc:
        assert exc.error.path == "t.txt" and exc.error.message
        return
    assert all(fact.kind is Kind.REGISTRY for fact in facts)


@PROPERTY
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes(data: bytes) -> None:
    _parse_or_error(data)


@PROPERTY
@given(lines=st.lists(LINES, max_size=16), encoding=st.sampled_from(("utf-8", "utf-16")))
def test_block_shaped_texts(lines: list[str], encoding: str) -> None:
    _parse_or_error("\r\n".join(lines).encode(encoding))
