"""Security templates (``GptTmpl.inf``, secedit INI): account, rights, services, security options.

Real files are UTF-16LE with BOM and CRLF; UTF-8 ones exist too (hand-written deltas).  Each
section becomes facts by the device-document conventions (checker/core/values.py):

- ``[System Access]``, ``[Kerberos Policy]``, ``[Event Audit]``, ``[System Log]``,
  ``[Security Log]``, ``[Application Log]``: Kind.SECURITY ``Section/Name``, value int when
  the text is an integer, else the text without surrounding quotes.
- ``[Privilege Rights]``: Kind.PRIVILEGE, the principals (sorted SIDs without ``*``, see
  checker/core/principals.py).
- ``[Registry Values]``: Kind.REGISTRY (``MACHINE\\...\\Name=4,1`` -> ``HKLM\\...!Name``).
- ``[Service General Setting]``: Kind.SERVICE, the start mode; ``extra`` sddl when present.
- ``[Group Membership]``: Kind.SECURITY ``Group Membership/<group>__Members`` (and
  ``__Memberof``), the sorted principals.
- ``[File Security]``, ``[Registry Keys]``: Kind.SECURITY ``Section/<path>``, value the SDDL,
  ``extra`` the inheritance mode.
- any other section: Kind.SECURITY ``Section/Name`` with the value text as written.
- ``[Unicode]``, ``[Version]``: skipped (file metadata, not settings).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

from checker.core.errors import input_error
from checker.core.files import decode, detect_encoding, read_bytes
from checker.core.numbers import exported_int
from checker.core.principals import principal_list
from checker.core.values import JSON, Fact, Origin, Source
from checker.kinds import Kind, registry_path

FORMAT = "gpttmpl"
DESCRIPTION = "security template (GptTmpl.inf)"
READS = (
    "account and Kerberos policies, user rights, security options, services, restricted groups, "
    "legacy audit"
)
"""What baseliner reads from such an export, for the docs."""
FOLDER = False
"""Reads a folder (else a file)."""
DEVICE = False
"""Each export is one device, named by its content."""

_NUMERIC = {
    "system access",
    "kerberos policy",
    "event audit",
    "system log",
    "security log",
    "application log",
}
_SKIPPED = {"unicode", "version"}
_REGISTRY_TYPES = {
    1: "REG_SZ",
    2: "REG_EXPAND_SZ",
    3: "REG_BINARY",
    4: "REG_DWORD",
    7: "REG_MULTI_SZ",
}
_INTEGER = re.compile(r"[+-]?\d+\Z")
_SECTION = re.compile(r"\[([^\[\]]+)\]\Z")
_SNIFF = re.compile(
    r"\s*\[(unicode|version|system access|privilege rights|registry values|kerberos policy"
    r"|event audit|service general setting|group membership)\]",
    re.IGNORECASE,
)

LineParser = Callable[[str, str, Origin], list[Fact]]
"""Turns one line of a section into facts: (section name, line text, origin)."""


def parse(data: bytes, path: str, source: str | None = None) -> list[Fact]:
    """The facts of a security template, in file order, each with its 1-based line."""
    text = decode(data, path)
    if not text.strip():
        raise input_error(path, "empty file: expected a secedit security template", line=1)
    facts: list[Fact] = []
    section: str | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if line.startswith("["):
            section = _section_name(line, path, number)
            continue
        if section is None:
            raise input_error(path, f"setting before any [section]: {line!r}", line=number)
        if section.casefold() in _SKIPPED:
            continue
        origin = Origin(path, line=number, source=source)
        facts += _parser_for(section)(section, line, origin)
    return facts


def _section_name(line: str, path: str, number: int) -> str:
    match = _SECTION.match(line)
    if match is None:
        raise input_error(path, f"malformed section header {line!r}", line=number)
    return match.group(1).strip()


def _parser_for(section: str) -> LineParser:
    folded = section.casefold()
    if folded in _NUMERIC:
        return _numeric
    return _PARSERS.get(folded, _verbatim)


def _pair(line: str, origin: Origin) -> tuple[str, str]:
    name, equals, value = line.partition("=")
    if not equals or not name.strip():
        raise input_error(origin.path, f"expected 'Name = value', found {line!r}", line=origin.line)
    return name.strip(), value.strip()


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    return text


def _scalar(text: str, origin: Origin) -> JSON:
    return _number(text, origin) if _INTEGER.match(text) else _unquote(text)


def _number(text: str, origin: Origin) -> int:
    """An integer of the template, at most a REG_QWORD (an input error at its line)."""
    try:
        return exported_int(text)
    except ValueError as exc:
        raise input_error(origin.path, f"number {exc}", line=origin.line) from exc


def _numeric(section: str, line: str, origin: Origin) -> list[Fact]:
    name, value = _pair(line, origin)
    return [Fact(Kind.SECURITY, f"{section}/{name}", _scalar(value, origin), origin)]


def _verbatim(section: str, line: str, origin: Origin) -> list[Fact]:
    name, value = _pair(line, origin)
    return [Fact(Kind.SECURITY, f"{section}/{name}", value, origin)]


def principals(text: str) -> list[str]:
    """The principals of a rights or membership list, as checks compare them
    (:func:`~checker.core.principals.principal_list`): SIDs lose their ``*``."""
    return principal_list(_unquote(item.strip()) for item in text.split(","))


def _privilege(section: str, line: str, origin: Origin) -> list[Fact]:
    name, value = _pair(line, origin)
    return [Fact(Kind.PRIVILEGE, name, principals(value), origin)]


def _membership(section: str, line: str, origin: Origin) -> list[Fact]:
    name, value = _pair(line, origin)
    return [
        Fact(Kind.SECURITY, f"Group Membership/{name.removeprefix('*')}", principals(value), origin)
    ]


def _registry(section: str, line: str, origin: Origin) -> list[Fact]:
    target, value = _pair(line, origin)
    key, backslash, name = target.rpartition("\\")
    code, comma, data = value.partition(",")
    if not backslash or not key:
        raise input_error(
            origin.path, f"registry value {target!r} needs KEY\\Name", line=origin.line
        )
    if not comma or not _INTEGER.match(code.strip()):
        raise input_error(
            origin.path, f"expected 'type,data' after '=', found {value!r}", line=origin.line
        )
    type_name = _REGISTRY_TYPES.get(_number(code, origin))
    if type_name is None:
        raise input_error(
            origin.path, f"unknown registry value type {code.strip()}", line=origin.line
        )
    parsed = _registry_data(type_name, data.strip(), origin)
    return [Fact(Kind.REGISTRY, registry_path(key, name), parsed, origin, type=type_name)]


def _registry_data(type_name: str, data: str, origin: Origin) -> JSON:
    if type_name == "REG_DWORD":
        if not _INTEGER.match(data):
            raise input_error(
                origin.path, f"REG_DWORD data {data!r} is not an integer", line=origin.line
            )
        return _number(data, origin)
    if type_name == "REG_MULTI_SZ":
        return [item for item in _inf_fields(data) if item] if data else []
    if type_name == "REG_BINARY":
        return binary_hex(data.split(","))
    return _unquote(data)


def binary_hex(items: list[str]) -> str:
    """REG_BINARY data as every source gives it: lowercase hex, two digits a byte.  secedit
    writes a byte a field and drops leading zeros (``FullPrivilegeAuditing=3,0``: one byte
    0, ``"00"``, as registry.pol's bytes and the report's number read)."""
    digits = (item.strip().lower() for item in items)
    return "".join(item.zfill(len(item) + len(item) % 2) for item in digits if item)


def _inf_fields(line: str) -> list[str]:
    """The fields of an INF value: a comma outside quotes separates them, and every quote
    only toggles quoting.  secedit writes a comma inside a line of a multi-line text so
    (``this IS)"," you consent``), which a CSV reader takes for a quoted field of its own."""
    fields: list[str] = []
    current: list[str] = []
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            fields.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    fields.append("".join(current).strip())
    return fields


def _csv(line: str, origin: Origin) -> list[str]:
    try:
        return next(csv.reader([line], skipinitialspace=True), [])
    except csv.Error as exc:
        raise input_error(origin.path, f"malformed list {line!r}: {exc}", line=origin.line) from exc


def _triple(line: str, origin: Origin) -> tuple[str, int, str]:
    """``"name",mode,"sddl"`` as used by services, files and registry keys."""
    fields = _csv(line, origin)
    if len(fields) < 2 or not fields[0] or not _INTEGER.match(fields[1].strip()):
        raise input_error(
            origin.path, f'expected \'"Name",mode,"sddl"\', found {line!r}', line=origin.line
        )
    return fields[0], _number(fields[1], origin), ",".join(fields[2:])


def _service(section: str, line: str, origin: Origin) -> list[Fact]:
    name, mode, sddl = _triple(line, origin)
    extra: tuple[tuple[str, JSON], ...] = (("sddl", sddl),) if sddl else ()
    return [Fact(Kind.SERVICE, name, mode, origin, extra=extra)]


def _acl(section: str, line: str, origin: Origin) -> list[Fact]:
    name, mode, sddl = _triple(line, origin)
    return [Fact(Kind.SECURITY, f"{section}/{name}", sddl, origin, extra=(("mode", mode),))]


_PARSERS: dict[str, LineParser] = {
    "privilege rights": _privilege,
    "registry values": _registry,
    "service general setting": _service,
    "group membership": _membership,
    "file security": _acl,
    "registry keys": _acl,
}


def sniff(path: Path, head: bytes) -> bool:
    """A file whose first section is one a security template starts with."""
    encoding, bom = detect_encoding(head)
    text = head[bom:].decode(encoding, errors="ignore")
    return _SNIFF.match(text) is not None and path.is_file()


def load(path: Path) -> list[Source]:
    """A lone GptTmpl.inf as one source."""
    return [Source(str(path), FORMAT, tuple(parse(read_bytes(path), str(path))))]
