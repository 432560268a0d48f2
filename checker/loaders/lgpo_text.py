"""LGPO text: the registry policy that ``LGPO.exe /parse`` prints and ``LGPO.exe /t`` applies.

Each setting is a block of four lines; blank lines and ``;`` comment lines come between
blocks::

    Computer                                  <- Computer (HKLM) or User (HKCU)
    Software\\Policies\\Microsoft\\Windows\\System
    EnableSmartScreen                         <- value name (* for the key-wide actions)
    DWORD:1                                   <- what is done

The last line is one of ``DWORD:n`` and ``QWORD:n`` (decimal, or hex with ``0x``),
``SZ:text``, ``EXPAND_SZ:text``, ``MULTISZ:a\\0b`` (also spelled ``MULTI_SZ``), ``BINARY:hex``,
``DELETE``, ``DELETEALLVALUES`` or ``CREATEKEY``.  String data is escaped: LGPO writes a
backslash as ``\\\\`` (``SZ:C:\\\\Windows``) and a NUL, which separates the strings of a
multi-string, as ``\\0``; keys and value names are written as they are.

The text is a rendering of a registry.pol, so the facts are those
:mod:`checker.loaders.registry_pol` gives for the same entries: ``DELETE`` is its
``**del.Name`` (``KEY!Name``, ``deleted=True``), ``DELETEALLVALUES`` its ``**delvals.``
(``KEY!**delvals.``, ``deleted=True``) and ``CREATEKEY`` its empty REG_NONE entry (``KEY!``,
value None).  Each fact's origin is the line of its block's first line.

Files come as UTF-16LE with BOM and CRLF (written by LGPO) and as UTF-8 (written by hand).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from checker.core.errors import input_error
from checker.core.files import decode, detect_encoding, read_bytes
from checker.core.numbers import exported_int
from checker.core.values import JSON, Fact, Origin, Source
from checker.kinds import Kind, registry_path

FORMAT = "lgpo-text"
DESCRIPTION = "LGPO text (LGPO.exe /parse)"
READS = "the registry policy as `LGPO.exe /parse` prints it"
"""What baseliner reads from such an export, for the docs."""
FOLDER = False
"""Reads a folder (else a file)."""
DEVICE = False
"""Each export is one device, named by its content."""

HIVES = {"computer": "HKLM", "user": "HKCU"}
_NUMBER = re.compile(r"(0[xX][0-9A-Fa-f]+|[0-9]+)\Z")
_HEX = re.compile(r"(?:[0-9A-Fa-f]{2})*\Z")
_ACTION = re.compile(
    r"(DELETE|DELETEALLVALUES|CREATEKEY)\s*\Z|(DWORD|QWORD|SZ|EXPAND_SZ|MULTI_?SZ|BINARY):",
    re.IGNORECASE,
)
_BITS = {"DWORD": 32, "QWORD": 64}
_ESCAPE = re.compile(r"(\\\\|\\0)")


@dataclass(frozen=True, slots=True)
class Block:
    """One setting as written: its four lines, the number of the first and of the action."""

    line: int
    scope: str
    key: str
    name: str
    action: str
    action_line: int


def _significant(text: str) -> Iterator[tuple[int, str]]:
    """Numbered lines without their line ends, from the first line that is not blank or a
    comment (LGPO's banner) to the end."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    started = False
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r")
        if not started and _skipped(line):
            continue
        started = True
        yield number, line


def _skipped(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith(";")


def blocks(text: str, path: str) -> Iterator[Block]:
    """The blocks of an LGPO text, in file order."""
    lines = _significant(text)
    for number, line in lines:
        if _skipped(line):
            continue
        scope = line.strip()
        if scope.casefold() not in HIVES:
            raise input_error(path, f"expected Computer or User, found {scope!r}", line=number)
        key = _next(lines, path, number, "the registry key")[1]
        name = _next(lines, path, number, "the value name", blank_ok=True)[1].strip()
        action_line, action = _next(lines, path, number, "the action (DWORD:, SZ:, DELETE...)")
        yield Block(number, HIVES[scope.casefold()], key.strip(), name, action, action_line)


def _next(
    lines: Iterator[tuple[int, str]], path: str, start: int, what: str, blank_ok: bool = False
) -> tuple[int, str]:
    """The next line of the block begun at ``start``; only the value name may be blank (the
    key's default value)."""
    found = next(lines, None)
    if found is None:
        raise input_error(
            path, f"the file ends inside the block begun here: {what} is missing", line=start
        )
    number, line = found
    if line.strip().startswith(";") or not (blank_ok or line.strip()):
        found_here = "a comment" if line.strip() else "a blank line"
        raise input_error(path, f"{found_here} where {what} was expected", line=number)
    return number, line


def block_fact(block: Block, origin: Origin, path: str) -> Fact:
    """The fact a block states (see the module docstring)."""
    word, colon, data = block.action.partition(":")
    kind = word.strip().upper()
    if not colon:
        reader = _MARKERS.get(kind)
        if reader is None:
            message = f"unknown action {block.action.strip()!r}"
            raise input_error(path, message, line=block.action_line)
        return reader(block, origin)
    rtype = "REG_MULTI_SZ" if kind in ("MULTISZ", "MULTI_SZ") else f"REG_{kind}"
    decoder = _DECODERS.get(rtype)
    if decoder is None:
        raise input_error(path, f"unknown value type {word.strip()!r}", line=block.action_line)
    value = decoder(rtype, data, path, block.action_line)
    key = registry_path(block.key, block.name, block.scope)
    return Fact(Kind.REGISTRY, key, value, origin, type=rtype)


def _delete(block: Block, origin: Origin) -> Fact:
    return _deleted(block, block.name, origin)


def _delete_all(block: Block, origin: Origin) -> Fact:
    return _deleted(block, "**delvals.", origin)


def _deleted(block: Block, name: str, origin: Origin) -> Fact:
    key = registry_path(block.key, name, block.scope)
    return Fact(Kind.REGISTRY, key, None, origin, deleted=True)


def _create_key(block: Block, origin: Origin) -> Fact:
    key = registry_path(block.key, "", block.scope)
    return Fact(Kind.REGISTRY, key, None, origin, type="REG_NONE")


_MARKERS: dict[str, Callable[[Block, Origin], Fact]] = {
    "DELETE": _delete,
    "DELETEALLVALUES": _delete_all,
    "CREATEKEY": _create_key,
}


def _integer(rtype: str, data: str, path: str, line: int) -> JSON:
    text = data.strip()
    bits = _BITS[rtype[4:]]
    try:
        base = 16 if text[:2] in ("0x", "0X") else 10
        number = exported_int(text, base) if _NUMBER.match(text) else -1
    except ValueError:
        number = -1
    if not 0 <= number < 1 << bits:
        shown = data if len(data) <= 40 else data[:40] + "..."
        raise input_error(path, f"{rtype} data {shown!r} is not a {bits}-bit number", line=line)
    return number


def unescape(data: str) -> list[str]:
    """String data split at each ``\\0``, with ``\\\\`` read as one backslash (LGPO's
    escapes); any other backslash is kept as written."""
    strings = [""]
    for piece in _ESCAPE.split(data):
        if piece == "\\0":
            strings.append("")
        else:
            strings[-1] += "\\" if piece == "\\\\" else piece
    return strings


def _string(rtype: str, data: str, path: str, line: int) -> JSON:
    """The text up to the first NUL, as Windows reads a string value."""
    return unescape(data)[0]


def _strings(rtype: str, data: str, path: str, line: int) -> JSON:
    """The strings of a multi-string; the empty ones its terminator leaves are dropped."""
    items = unescape(data)
    while items and not items[-1]:
        items.pop()
    return items


def _binary(rtype: str, data: str, path: str, line: int) -> JSON:
    digits = "".join(data.split())
    if not _HEX.match(digits):
        raise input_error(path, f"REG_BINARY data {data!r} is not hexadecimal bytes", line=line)
    return digits.casefold()


_DECODERS: dict[str, Callable[[str, str, str, int], JSON]] = {
    "REG_DWORD": _integer,
    "REG_QWORD": _integer,
    "REG_SZ": _string,
    "REG_EXPAND_SZ": _string,
    "REG_MULTI_SZ": _strings,
    "REG_BINARY": _binary,
}


def parse(data: bytes, path: str, source: str | None = None) -> list[Fact]:
    """The facts of an LGPO text, in file order (none for a text of comments only, which
    LGPO writes for an empty registry.pol)."""
    text = decode(data, path)
    return [
        block_fact(block, Origin(path, line=block.line, source=source), path)
        for block in blocks(text, path)
    ]


def sniff(path: Path, head: bytes) -> bool:
    """A file whose first lines after any blank or comment lines form an LGPO block."""
    encoding, bom = detect_encoding(head)
    sample = head[bom:].decode(encoding, errors="ignore")
    first = [line for _, line in itertools.islice(_significant(sample), 4)]
    return (
        len(first) == 4
        and first[0].strip().casefold() in HIVES
        and _ACTION.match(first[3].strip()) is not None
        and path.is_file()
    )


def load(path: Path) -> list[Source]:
    """An LGPO text file as one source."""
    return [Source(str(path), FORMAT, tuple(parse(read_bytes(path), str(path))))]
