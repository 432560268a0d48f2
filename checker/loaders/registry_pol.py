"""Registry.pol (PReg) files: the binary registry settings of a GPO, read and written.

Layout: the signature ``PReg`` and version 1 (8 bytes), then entries
``[key;valueName;type;size;data]`` where the brackets and semicolons are UTF-16LE characters,
key and value name are NUL-terminated UTF-16LE strings and type and size are little-endian
uint32.  Parsing walks the file with ``bytes.find`` and ``struct`` (no per-byte Python loop):
the fleet benchmark parses thousands of these.

Policy markers in the value name, and the facts they become (a documented choice; none is
dropped):

- ``**del.Name``: the value ``Name`` is deleted -> ``KEY!Name``, ``deleted=True``.
- ``**delvals.``: every value of the key is deleted -> ``KEY!**delvals.``, ``deleted=True``
  (:func:`checker.targets.merge.merge_facts` removes the key's earlier values).
- ``**DeleteValues`` with data ``a;b``: one deleted fact per named value, as ``**del.``.
- ``**DeleteKeys`` with data ``sub1;sub2``: ``KEY\\sub1!**delvals.`` per subkey, ``deleted=True``
  (the subkey's own values are removed; values of deeper subkeys are not tracked).
- ``**soft.Name``: the value is written only where absent -> ``KEY!Name`` with the value and
  ``extra=(("soft", True),)``.
- ``**SecureKey``: ``KEY!**SecureKey`` with its DWORD (1 secures the key's ACL, 0 resets it).
- an empty value name with REG_NONE and no data (Windows writes it to create an empty key):
  ``KEY!`` with value None.

The data of a marker entry is not validated (writers put arbitrary filler there, usually a
space as REG_SZ); only ``**DeleteValues``/``**DeleteKeys`` read theirs as a string.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from enum import IntEnum
from pathlib import Path

from checker.core.errors import input_error
from checker.core.files import read_bytes
from checker.core.values import JSON, Fact, Origin, Source
from checker.kinds import Kind, registry_path

FORMAT = "registry-pol"
DESCRIPTION = "registry.pol (PReg)"
READS = "registry values and deletions, each with its byte offset"
"""What baseliner reads from such an export, for the docs."""
FOLDER = False
"""Reads a folder (else a file)."""
DEVICE = False
"""Each export is one device, named by its content."""
SIGNATURE = b"PReg\x01\x00\x00\x00"

_OPEN = "[".encode("utf-16-le")
_SEP = ";".encode("utf-16-le")
_CLOSE = "]".encode("utf-16-le")
_NUL = b"\x00\x00"
_UINT32 = struct.Struct("<I")


class RegType(IntEnum):
    """Registry value types (winnt.h)."""

    REG_NONE = 0
    REG_SZ = 1
    REG_EXPAND_SZ = 2
    REG_BINARY = 3
    REG_DWORD = 4
    REG_DWORD_BIG_ENDIAN = 5
    REG_LINK = 6
    REG_MULTI_SZ = 7
    REG_RESOURCE_LIST = 8
    REG_FULL_RESOURCE_DESCRIPTOR = 9
    REG_RESOURCE_REQUIREMENTS_LIST = 10
    REG_QWORD = 11


_STRINGS = {RegType.REG_SZ, RegType.REG_EXPAND_SZ, RegType.REG_LINK}
_INTEGERS = {
    RegType.REG_DWORD: struct.Struct("<I"),
    RegType.REG_DWORD_BIG_ENDIAN: struct.Struct(">I"),
    RegType.REG_QWORD: struct.Struct("<Q"),
}


@dataclass(frozen=True, slots=True)
class PolEntry:
    """One ``[key;name;type;size;data]`` entry as stored: ``data`` is the raw value bytes."""

    key: str
    name: str
    type: int
    data: bytes


def make_entry(key: str, name: str, value: JSON, reg_type: RegType | None = None) -> PolEntry:
    """An entry holding ``value`` encoded as Windows stores it.

    Without ``reg_type`` the type follows the value: int -> REG_DWORD, str -> REG_SZ,
    list -> REG_MULTI_SZ, None -> REG_NONE; a REG_BINARY value is given as a hex string.
    """
    if reg_type is None:
        reg_type = _default_type(value)
    return PolEntry(key, name, int(reg_type), encode_value(reg_type, value))


def _default_type(value: JSON) -> RegType:
    if isinstance(value, bool) or not isinstance(value, int | str | list | None):
        raise TypeError(f"no registry type holds {value!r}")
    if isinstance(value, int):
        return RegType.REG_DWORD
    if isinstance(value, str):
        return RegType.REG_SZ
    if isinstance(value, list):
        return RegType.REG_MULTI_SZ
    return RegType.REG_NONE


def encode_value(reg_type: RegType, value: JSON) -> bytes:
    """The bytes Windows stores for ``value`` of ``reg_type`` (the inverse of decoding)."""
    if reg_type in _INTEGERS:
        return _INTEGERS[reg_type].pack(value)
    if reg_type in _STRINGS:
        return (str(value) + "\x00").encode("utf-16-le")
    if reg_type is RegType.REG_MULTI_SZ:
        return "".join(item + "\x00" for item in value).encode("utf-16-le") + _NUL
    if reg_type is RegType.REG_NONE:
        return b""
    return bytes.fromhex(str(value))


def write(entries: Iterable[PolEntry]) -> bytes:
    """A registry.pol file holding ``entries`` in order (``read_entries`` reads it back)."""
    parts = [SIGNATURE]
    for entry in entries:
        parts += (
            _OPEN,
            (entry.key + "\x00").encode("utf-16-le"),
            _SEP,
            (entry.name + "\x00").encode("utf-16-le"),
            _SEP,
            _UINT32.pack(entry.type),
            _SEP,
            _UINT32.pack(len(entry.data)),
            _SEP,
            entry.data,
            _CLOSE,
        )
    return b"".join(parts)


def read_entries(data: bytes, path: str) -> Iterator[tuple[int, PolEntry]]:
    """Each entry of a registry.pol file with the byte offset of its ``[``, in file order."""
    if not data.startswith(SIGNATURE):
        raise input_error(path, _signature_problem(data), offset=0)
    end = len(data)
    pos = len(SIGNATURE)
    while pos < end:
        start = pos
        _expect(data, pos, _OPEN, "'[' opening an entry", path)
        key, pos = _string(data, pos + 2, "key", path)
        _expect(data, pos, _SEP, "';' after the key", path)
        name, pos = _string(data, pos + 2, "value name", path)
        _expect(data, pos, _SEP, "';' after the value name", path)
        reg_type, pos = _uint32(data, pos + 2, "value type", path)
        _expect(data, pos, _SEP, "';' after the value type", path)
        size, pos = _uint32(data, pos + 2, "data size", path)
        _expect(data, pos, _SEP, "';' after the data size", path)
        pos += 2
        if pos + size > end:
            raise input_error(
                path,
                f"data size {size:,} runs past the end of the file ({end - pos:,} bytes left)",
                offset=pos - 6,
            )
        value = data[pos : pos + size]
        pos += size
        _expect(data, pos, _CLOSE, "']' closing the entry", path)
        pos += 2
        yield start, PolEntry(key, name, reg_type, value)


def _signature_problem(data: bytes) -> str:
    if not data:
        return "empty file: a registry.pol starts with the signature 'PReg' and version 1"
    if data.startswith(b"PReg") and len(data) >= 8:
        version = _UINT32.unpack_from(data, 4)[0]
        return f"unsupported registry.pol version {version} (expected 1)"
    return f"not a registry.pol file: starts with {data[:8]!r}, expected {SIGNATURE!r}"


def _expect(data: bytes, pos: int, token: bytes, what: str, path: str) -> None:
    if data[pos : pos + 2] != token:
        if pos + 2 > len(data):
            raise input_error(
                path, f"truncated entry: file ends where {what} was expected", offset=pos
            )
        raise input_error(path, f"expected {what}, found {data[pos : pos + 2]!r}", offset=pos)


def _string(data: bytes, pos: int, what: str, path: str) -> tuple[str, int]:
    """The NUL-terminated UTF-16LE string at ``pos`` and the position after its NUL."""
    nul = data.find(_NUL, pos)
    while nul != -1 and (nul - pos) % 2:
        nul = data.find(_NUL, nul + 1)
    if nul == -1:
        raise input_error(path, f"truncated entry: the {what} has no terminating NUL", offset=pos)
    if data[nul + 2 : nul + 4] != _SEP:
        # A string of odd length ends with a terminator that straddles the char grid.
        term = data.find(_NUL + _SEP, pos)
        if term != -1 and (term - pos) % 2:
            raise input_error(
                path, f"odd byte count ({term - pos}) in the UTF-16 {what}", offset=pos
            )
    return _utf16(data[pos:nul], pos, what, path), nul + 2


def _utf16(raw: bytes, pos: int, what: str, path: str) -> str:
    if len(raw) % 2:
        raise input_error(path, f"odd byte count ({len(raw)}) in the UTF-16 {what}", offset=pos)
    try:
        return raw.decode("utf-16-le")
    except UnicodeDecodeError as exc:
        raise input_error(
            path, f"the {what} is not valid UTF-16LE: {exc.reason}", offset=pos + exc.start
        ) from exc


def _uint32(data: bytes, pos: int, what: str, path: str) -> tuple[int, int]:
    if pos + 4 > len(data):
        raise input_error(path, f"truncated entry: file ends inside the {what}", offset=pos)
    return _UINT32.unpack_from(data, pos)[0], pos + 4


def decode_value(entry: PolEntry, offset: int, path: str) -> JSON:
    """The value of ``entry`` as a device document holds it (see checker/core/values.py)."""
    try:
        reg_type = RegType(entry.type)
    except ValueError:
        raise input_error(
            path, f"unknown registry value type {entry.type}", offset=offset
        ) from None
    data = entry.data
    if reg_type in _INTEGERS:
        layout = _INTEGERS[reg_type]
        if len(data) != layout.size:
            raise input_error(
                path,
                f"{reg_type.name} value {entry.name!r} has {len(data)} data bytes, "
                f"expected {layout.size}",
                offset=offset,
            )
        return int(layout.unpack(data)[0])
    if reg_type in _STRINGS:
        return _utf16(data, offset, f"{reg_type.name} data", path).split("\x00", 1)[0]
    if reg_type is RegType.REG_MULTI_SZ:
        text = _utf16(data, offset, "REG_MULTI_SZ data", path)
        return text.split("\x00\x00", 1)[0].split("\x00") if text.strip("\x00") else []
    if reg_type is RegType.REG_NONE:
        return None
    return data.hex()


def parse(data: bytes, path: str, hive: str = "HKLM", source: str | None = None) -> list[Fact]:
    """The facts of a registry.pol file, in file order; ``hive`` is HKLM or HKCU."""
    facts: list[Fact] = []
    for offset, entry in read_entries(data, path):
        origin = Origin(path, offset=offset, source=source)
        facts += _facts(entry, origin, hive, path)
    return facts


def _facts(entry: PolEntry, origin: Origin, hive: str, path: str) -> list[Fact]:
    name = entry.name
    if not name.startswith("**"):
        return [_value_fact(entry, name, origin, hive, path)]
    marker = name.casefold()
    if marker.startswith("**del."):
        return [_deleted(entry.key, name[6:], origin, hive)]
    if marker.startswith("**delvals"):
        return [_deleted(entry.key, "**delvals.", origin, hive)]
    if marker == "**deletevalues":
        return [_deleted(entry.key, item, origin, hive) for item in _names(entry, origin, path)]
    if marker == "**deletekeys":
        return [
            _deleted(f"{entry.key}\\{item}", "**delvals.", origin, hive)
            for item in _names(entry, origin, path)
        ]
    if marker.startswith("**soft."):
        fact = _value_fact(entry, name[7:], origin, hive, path)
        return [replace(fact, extra=(("soft", True),))]
    return [_value_fact(entry, name, origin, hive, path)]


def _value_fact(entry: PolEntry, name: str, origin: Origin, hive: str, path: str) -> Fact:
    value = decode_value(entry, origin.offset or 0, path)
    return Fact(
        Kind.REGISTRY,
        registry_path(entry.key, name, hive),
        value,
        origin,
        type=RegType(entry.type).name,
    )


def _deleted(key: str, name: str, origin: Origin, hive: str) -> Fact:
    return Fact(Kind.REGISTRY, registry_path(key, name, hive), None, origin, deleted=True)


def _names(entry: PolEntry, origin: Origin, path: str) -> list[str]:
    """The ``;``-separated names in the data of a ``**DeleteValues``/``**DeleteKeys`` entry."""
    text = _utf16(entry.data, origin.offset or 0, f"{entry.name} data", path)
    return [item for item in text.split("\x00", 1)[0].split(";") if item.strip()]


def hive_of(path: Path) -> str:
    """HKCU for a registry.pol in a ``User`` folder, HKLM otherwise."""
    return "HKCU" if path.parent.name.casefold() == "user" else "HKLM"


def sniff(path: Path, head: bytes) -> bool:
    """A file that starts with the PReg signature and version 1."""
    return head.startswith(SIGNATURE) and path.is_file()


def load(path: Path) -> list[Source]:
    """A lone registry.pol file as one source (hive from its folder, see :func:`hive_of`)."""
    facts = parse(read_bytes(path), str(path), hive_of(path))
    return [Source(str(path), FORMAT, tuple(facts))]
