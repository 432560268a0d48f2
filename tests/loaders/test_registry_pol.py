"""registry.pol: decoding every value type and marker, round trips, and bad bytes."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.core.errors import InputFormatError
from checker.core.values import Fact, Origin
from checker.kinds import Kind
from checker.loaders import registry_pol
from checker.loaders.registry_pol import PolEntry, RegType, make_entry, parse, write

KEY = r"Software\Policies\Test"
SEP = ";".encode("utf-16-le")


def raw_entry(key: bytes, name: bytes, reg_type: int, size: int, data: bytes) -> bytes:
    head = ("[".encode("utf-16-le"), key, SEP, name, SEP, struct.pack("<I", reg_type), SEP)
    return b"".join((*head, struct.pack("<I", size), SEP, data, "]".encode("utf-16-le")))


def z(text: str) -> bytes:
    return (text + "\x00").encode("utf-16-le")


@pytest.mark.parametrize(
    ("entry", "key", "value", "type_name"),
    [
        (make_entry(KEY, "D", 1), r"HKLM\Software\Policies\Test!D", 1, "REG_DWORD"),
        (
            make_entry(KEY, "D", 0xFFFFFFFF),
            r"HKLM\Software\Policies\Test!D",
            4294967295,
            "REG_DWORD",
        ),
        (make_entry(KEY, "S", "text"), r"HKLM\Software\Policies\Test!S", "text", "REG_SZ"),
        (make_entry(KEY, "S", ""), r"HKLM\Software\Policies\Test!S", "", "REG_SZ"),
        (
            make_entry(KEY, "E", "%SystemRoot%\\x", RegType.REG_EXPAND_SZ),
            r"HKLM\Software\Policies\Test!E",
            "%SystemRoot%\\x",
            "REG_EXPAND_SZ",
        ),
        (
            make_entry(KEY, "B", "00ff10", RegType.REG_BINARY),
            r"HKLM\Software\Policies\Test!B",
            "00ff10",
            "REG_BINARY",
        ),
        (
            make_entry(KEY, "BE", 258, RegType.REG_DWORD_BIG_ENDIAN),
            r"HKLM\Software\Policies\Test!BE",
            258,
            "REG_DWORD_BIG_ENDIAN",
        ),
        (
            make_entry(KEY, "L", "\\Registry\\x", RegType.REG_LINK),
            r"HKLM\Software\Policies\Test!L",
            "\\Registry\\x",
            "REG_LINK",
        ),
        (
            make_entry(KEY, "M", ["a", "b c"]),
            r"HKLM\Software\Policies\Test!M",
            ["a", "b c"],
            "REG_MULTI_SZ",
        ),
        (make_entry(KEY, "M", []), r"HKLM\Software\Policies\Test!M", [], "REG_MULTI_SZ"),
        (
            make_entry(KEY, "Q", 2**40, RegType.REG_QWORD),
            r"HKLM\Software\Policies\Test!Q",
            2**40,
            "REG_QWORD",
        ),
        (make_entry(KEY, "N", None), r"HKLM\Software\Policies\Test!N", None, "REG_NONE"),
        (make_entry(KEY, "", None), "HKLM\\Software\\Policies\\Test!", None, "REG_NONE"),
        (make_entry(KEY, "Ü€", "ünï"), "HKLM\\Software\\Policies\\Test!Ü€", "ünï", "REG_SZ"),
    ],
)
def test_value_types(entry: PolEntry, key: str, value: object, type_name: str) -> None:
    facts = parse(write([entry]), "r.pol")
    assert facts == [Fact(Kind.REGISTRY, key, value, Origin("r.pol", offset=8), type=type_name)]


def test_sz_stops_at_first_nul_and_multi_sz_at_double_nul() -> None:
    entries = [
        PolEntry(KEY, "S", RegType.REG_SZ, "ab\x00junk\x00".encode("utf-16-le")),
        PolEntry(KEY, "M", RegType.REG_MULTI_SZ, "a\x00b\x00\x00junk\x00".encode("utf-16-le")),
    ]
    assert [f.value for f in parse(write(entries), "r.pol")] == ["ab", ["a", "b"]]


SPACE = " \x00".encode("utf-16-le")


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("**del.Gone", SPACE, [(r"HKLM\Software\Policies\Test!Gone", None, True, ())]),
        ("**delvals.", SPACE, [(r"HKLM\Software\Policies\Test!**delvals.", None, True, ())]),
        (
            "**DeleteValues",
            "A;B\x00".encode("utf-16-le"),
            [
                (r"HKLM\Software\Policies\Test!A", None, True, ()),
                (r"HKLM\Software\Policies\Test!B", None, True, ()),
            ],
        ),
        (
            "**DeleteKeys",
            "Sub\x00".encode("utf-16-le"),
            [(r"HKLM\Software\Policies\Test\Sub!**delvals.", None, True, ())],
        ),
        (
            "**soft.Soft",
            "v\x00".encode("utf-16-le"),
            [(r"HKLM\Software\Policies\Test!Soft", "v", False, (("soft", True),))],
        ),
        (
            "**SecureKey",
            b"\x01\x00\x00\x00",
            [(r"HKLM\Software\Policies\Test!**SecureKey", 1, False, ())],
        ),
    ],
)
def test_markers(name: str, data: bytes, expected: list[tuple[object, ...]]) -> None:
    reg_type = RegType.REG_DWORD if name == "**SecureKey" else RegType.REG_SZ
    facts = parse(write([PolEntry(KEY, name, reg_type, data)]), "r.pol")
    assert [(f.key, f.value, f.deleted, f.extra) for f in facts] == expected


def test_marker_data_is_not_validated() -> None:
    """Writers put filler in marker entries; a DWORD-typed ``**del.`` with 2 bytes is fine."""
    entry = PolEntry(KEY, "**del.X", RegType.REG_DWORD, b"\x20\x00")
    assert parse(write([entry]), "r.pol")[0].deleted


def test_offsets_hive_and_source() -> None:
    entries = [make_entry(KEY, "A", 1), make_entry(KEY, "B", 2)]
    facts = parse(write(entries), "u.pol", hive="HKCU", source="GPO")
    second = len(write(entries[:1]))
    assert [(f.key, f.origin) for f in facts] == [
        (r"HKCU\Software\Policies\Test!A", Origin("u.pol", offset=8, source="GPO")),
        (r"HKCU\Software\Policies\Test!B", Origin("u.pol", offset=second, source="GPO")),
    ]


def test_empty_policy_file_has_no_facts() -> None:
    assert parse(registry_pol.SIGNATURE, "r.pol") == []


def test_write_read_round_trip() -> None:
    entries = [
        make_entry(KEY, "D", 7),
        make_entry(
            "Software\\Ā\u0041x", "n", "s"
        ),  # a char whose high byte is 0 next to one whose low byte is
        PolEntry(KEY, "**del.X", RegType.REG_SZ, SPACE),
    ]
    data = write(entries)
    assert [entry for _offset, entry in registry_pol.read_entries(data, "r.pol")] == entries


def test_unaligned_double_nul_inside_a_string() -> None:
    # "A" then "Ā" is 41 00 00 01: a NUL pair at an odd offset that must not end the key.
    entry = make_entry("A\u0100", "v", 1)
    assert parse(write([entry]), "r.pol")[0].key == "HKLM\\A\u0100!v"


GOOD = write([make_entry(KEY, "V", 1)])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"",
            "r.pol: byte 0: empty file: "
            "a registry.pol starts with the signature 'PReg' and version 1",
        ),
        (b"PReg\x02\x00\x00\x00", "r.pol: byte 0: unsupported registry.pol version 2 (expected 1)"),
        (
            b"REGF",
            "r.pol: byte 0: not a registry.pol file: "
            "starts with b'REGF', expected b'PReg\\x01\\x00\\x00\\x00'",
        ),
        (
            registry_pol.SIGNATURE + b"x",
            "r.pol: byte 8: truncated entry: file ends where '[' opening an entry was expected",
        ),
        (
            registry_pol.SIGNATURE + b"(\x00",
            "r.pol: byte 8: expected '[' opening an entry, found b'(\\x00'",
        ),
        (
            GOOD[:-1],
            f"r.pol: byte {len(GOOD) - 2}: "
            "truncated entry: file ends where ']' closing the entry was expected",
        ),
        (GOOD[:20], "r.pol: byte 10: truncated entry: the key has no terminating NUL"),
        (
            registry_pol.SIGNATURE + raw_entry(z("K"), z("V"), 4, 99, b"\x00" * 4),
            "r.pol: byte 28: data size 99 runs past the end of the file (6 bytes left)",
        ),
        (
            registry_pol.SIGNATURE + raw_entry(b"Kx\x00\x00\x00", z("V"), 4, 4, b"\x00" * 4),
            "r.pol: byte 10: odd byte count (3) in the UTF-16 key",
        ),
        (
            registry_pol.SIGNATURE + raw_entry(z("K"), z("V"), 4, 3, b"\x00" * 3),
            "r.pol: byte 8: REG_DWORD value 'V' has 3 data bytes, expected 4",
        ),
        (
            registry_pol.SIGNATURE + raw_entry(z("K"), z("V"), 11, 4, b"\x00" * 4),
            "r.pol: byte 8: REG_QWORD value 'V' has 4 data bytes, expected 8",
        ),
        (
            registry_pol.SIGNATURE + raw_entry(z("K"), z("V"), 99, 0, b""),
            "r.pol: byte 8: unknown registry value type 99",
        ),
        (
            registry_pol.SIGNATURE + raw_entry(b"\x00\xd8A\x00\x00\x00", z("V"), 4, 4, b"\x00" * 4),
            "r.pol: byte 10: the key is not valid UTF-16LE: illegal UTF-16 surrogate",
        ),
        (
            registry_pol.SIGNATURE + raw_entry(z("K"), z("V"), 1, 3, b"a\x00b"),
            "r.pol: byte 8: odd byte count (3) in the UTF-16 REG_SZ data",
        ),
    ],
)
def test_bad_bytes(data: bytes, message: str) -> None:
    with pytest.raises(InputFormatError) as caught:
        parse(data, "r.pol")
    assert str(caught.value) == message


def _parses_or_input_error(data: bytes) -> None:
    try:
        facts = parse(data, "r.pol")
    except InputFormatError as exc:
        assert exc.error.offset is not None
    else:
        assert all(isinstance(fact, Fact) for fact in facts)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes(data: bytes) -> None:
    _parses_or_input_error(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_after_the_signature(data: bytes) -> None:
    _parses_or_input_error(registry_pol.SIGNATURE + data)


REAL_SHAPED = write(
    [
        make_entry(r"Software\Policies\Microsoft\Windows Defender", "PUAProtection", 1),
        make_entry(
            r"Software\Policies\Microsoft\Windows\Explorer", "StartLayoutFile", "\\\\srv\\x.xml"
        ),
        make_entry(r"Software\Policies\Microsoft\Windows\DeviceInstall", "Classes", ["{a}", "{b}"]),
        PolEntry(r"Software\Policies\Microsoft\Windows\DeviceInstall", "**delvals.", 1, SPACE),
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(0, len(REAL_SHAPED) - 1), st.integers(0, 255)), max_size=6),
    st.integers(0, len(REAL_SHAPED)),
)
def test_mutated_real_shaped_bytes(mutations: list[tuple[int, int]], cut: int) -> None:
    data = bytearray(REAL_SHAPED)
    for index, byte in mutations:
        data[index] = byte
    _parses_or_input_error(bytes(data[:cut]))


@pytest.mark.parametrize(
    ("folder", "hive"), [("Machine", "HKLM"), ("User", "HKCU"), ("USER", "HKCU"), ("x", "HKLM")]
)
def test_load_lone_file_hive_from_folder(tmp_path: Path, folder: str, hive: str) -> None:
    path = tmp_path / folder / "registry.pol"
    path.parent.mkdir()
    path.write_bytes(GOOD)
    assert registry_pol.sniff(path, GOOD[:4096])
    [source] = registry_pol.load(path)
    assert (source.format, source.path, [f.key for f in source.facts]) == (
        "registry-pol",
        str(path),
        [f"{hive}\\Software\\Policies\\Test!V"],
    )


@pytest.mark.parametrize(
    ("head", "sniffed"), [(GOOD, True), (b"PReg\x02\x00\x00\x00", False), (b"", False)]
)
def test_sniff(tmp_path: Path, head: bytes, sniffed: bool) -> None:
    path = tmp_path / "any.bin"
    path.write_bytes(head)
    assert registry_pol.sniff(path, head) is sniffed
