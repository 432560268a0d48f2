"""Group Policy Preferences registry items (``Machine|User/Preferences/Registry/Registry.xml``).

A ``RegistrySettings`` root holds ``Registry`` items, grouped in ``Collection`` elements that
may nest.  Each item's ``Properties`` say what it does: ``action`` (``C`` create, ``R``
replace, ``U`` update, ``D`` delete; ``U`` when absent), ``hive`` (``HKEY_LOCAL_MACHINE``...;
the file's hive when absent), ``key``, ``name``, ``default="1"`` (the key's default value, whose
name is empty), ``type`` (``REG_SZ`` when absent) and ``value``.  gpreport.xml and gpresult /x
show the same items inside their ``Windows/Registry`` extension; :mod:`checker.loaders.gpreport`
reads them through :func:`items` and :func:`item_facts`, so a report and its backup agree.

Facts, by the device-document conventions (checker/core/values.py):

- a value item (a name, or ``default="1"``) that sets a value (C, R, U) -> ``KEY!Name`` with its
  value: ``REG_DWORD``/``REG_QWORD`` from hex text (``00000001``; ``displayDecimal`` only
  changes how the editor shows it), ``REG_BINARY`` as lowercase hex, ``REG_MULTI_SZ`` from its
  ``<Values><Value>`` list (GPMC also joins them with spaces in ``value``; that text is split
  only when the list is missing).  ``C`` writes the value only where it is absent, as
  registry.pol's ``**soft.`` does, so it carries ``extra`` ``("soft", True)`` as those do.
- a value item with ``D`` -> ``KEY!Name``, ``deleted=True``.
- a key item (no name, not the default value): ``C``/``U`` create the key -> ``KEY!`` with
  value None (as registry.pol's empty REG_NONE entry); ``D`` deletes the key -> ``KEY!**delvals.``
  ``deleted=True`` (as registry.pol's ``**DeleteKeys``: the key's own values are removed);
  ``R`` deletes and recreates it -> both.
- ``disabled="1"`` on an item or a collection: the item (or everything in the collection) is
  not applied, so it gives no fact.
- item-level targeting (a non-empty ``Filters`` on the item or an enclosing collection): the
  item applies only on the devices and users the filters select, which an export cannot tell.
  The fact is kept with ``extra`` ``("targeting", "<the filters as a boolean expression>")`` and
  ``confidence=PARTIAL`` with the reason, so a check that reads it is ``uncertain`` rather than
  passing or failing as if it applied everywhere.

A value that its type cannot hold (DWORD text that is not hex, for instance), an unknown
action, type or hive is an input error at the item's line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from checker.core.errors import input_error
from checker.core.files import detect_encoding, read_bytes
from checker.core.values import JSON, Confidence, Fact, Note, NoteKind, Origin, Source
from checker.kinds import Kind, registry_path
from checker.loaders.xmlsafe import Element, first, kids, local, parse_xml

FORMAT = "gpp-registry"
DESCRIPTION = "Group Policy Preferences Registry.xml"
READS = "Group Policy Preferences registry items"
"""What baseliner reads from such an export, for the docs."""
FOLDER = False
"""Reads a folder (else a file)."""
DEVICE = False
"""Each export is one device, named by its content."""

_ACTIONS = {"C", "R", "U", "D"}
_HEX_DIGITS = {"REG_DWORD": 8, "REG_QWORD": 16}
_TYPES = {"REG_SZ", "REG_EXPAND_SZ", "REG_MULTI_SZ", "REG_BINARY", *_HEX_DIGITS}
_HIVES = {
    "HKEY_LOCAL_MACHINE": "HKEY_LOCAL_MACHINE",
    "HKEY_CURRENT_USER": "HKEY_CURRENT_USER",
    "HKEY_USERS": "HKEY_USERS",
    "HKEY_CLASSES_ROOT": "HKEY_CLASSES_ROOT",
    # HKCC is a link into HKLM; facts use the key it stands for.
    "HKEY_CURRENT_CONFIG": (
        "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Hardware Profiles\\Current"
    ),
}
_HEX = re.compile(r"[0-9A-Fa-f]+")
_ROOT = re.compile(r"\A\s*(?:<\?xml[^>]*\?>\s*)?<RegistrySettings[\s>/]")
_DELVALS = "**delvals."


@dataclass(frozen=True, slots=True)
class Write:
    """One change an item makes: ``key`` is hive-qualified, as registry_path reads it."""

    key: str
    name: str
    type: str | None
    value: JSON
    deleted: bool = False
    soft: bool = False


@dataclass(frozen=True, slots=True)
class Item:
    """An enabled registry item: its element (for the origin line), changes and targeting."""

    element: Element
    writes: tuple[Write, ...]
    targeting: str | None
    unmapped: str | None = None
    """What of the item could not be read as a registry write (an unknown value type, as a
    hand-edited file may hold): noted as unmapped, not an error of the whole file."""


def items(container: Element, path: str, targeting: str | None = None) -> Iterator[Item]:
    """The enabled registry items below ``container`` (a ``RegistrySettings`` root, a
    ``Collection``, or a report ``Extension`` holding one), in document order."""
    for child in container:  # elements only: the parser drops comments and PIs
        tag = local(child)
        if tag not in ("Registry", "Collection", "RegistrySettings") or _disabled(child):
            continue
        scope = _and(targeting, _filters(child))
        if tag == "Registry":
            yield _item(child, path, scope)
        else:
            yield from items(child, path, scope)


def _disabled(element: Element) -> bool:
    return (element.get("disabled") or "").strip() == "1"


def _item(element: Element, path: str, targeting: str | None) -> Item:
    properties = first(element, "Properties")
    if properties is None:
        raise input_error(path, "registry item without <Properties>", line=element.sourceline)
    action = (properties.get("action") or "U").strip().upper()
    if action not in _ACTIONS:
        raise _bad(path, properties, f"unknown action {action!r} (expected C, R, U or D)")
    key = _qualified_key(properties, path)
    name = properties.get("name") or ""
    if not name and (properties.get("default") or "").strip() != "1":
        return Item(element, _key_writes(key, action), targeting)
    if action == "D":
        return Item(element, (Write(key, name, None, None, deleted=True),), targeting)
    rtype = (properties.get("type") or "REG_SZ").strip().upper()
    if rtype not in _TYPES:
        what = f"{key}\\{name}: registry value type {rtype!r} is unknown"
        return Item(element, (), targeting, unmapped=what)
    write = Write(key, name, rtype, _value(properties, rtype, path), soft=action == "C")
    return Item(element, (write,), targeting)


def _key_writes(key: str, action: str) -> tuple[Write, ...]:
    created = Write(key, "", None, None)
    deleted = Write(key, _DELVALS, None, None, deleted=True)
    return {"D": (deleted,), "R": (deleted, created)}.get(action, (created,))


def _qualified_key(properties: Element, path: str) -> str:
    """``HIVE\\key``, or the bare key when the item names no hive (the file's hive applies)."""
    key = properties.get("key") or ""
    hive = (properties.get("hive") or "").strip().upper()
    if not hive:
        return key
    if hive not in _HIVES:
        raise _bad(path, properties, f"unknown hive {hive!r}")
    return f"{_HIVES[hive]}\\{key}"


def _value(properties: Element, rtype: str, path: str) -> JSON:
    raw = properties.get("value") or ""
    if rtype in _HEX_DIGITS:
        digits = raw.strip()
        if not _HEX.fullmatch(digits) or len(digits.lstrip("0")) > _HEX_DIGITS[rtype]:
            raise _bad(path, properties, f"{rtype} value {raw!r} is not hexadecimal data")
        return int(digits, 16)
    if rtype == "REG_BINARY":
        digits = "".join(raw.split())
        if digits and (not _HEX.fullmatch(digits) or len(digits) % 2):
            raise _bad(path, properties, f"REG_BINARY value {raw!r} is not hexadecimal bytes")
        return digits.casefold()
    if rtype == "REG_MULTI_SZ":
        return _strings(properties, raw)
    return raw


def _strings(properties: Element, raw: str) -> list[str]:
    listed = [
        value.text or "" for values in kids(properties, "Values") for value in kids(values, "Value")
    ]
    if listed or not raw:
        return listed
    return raw.split(" ")


def _filters(element: Element) -> str | None:
    """The item-level targeting of an item or collection, or None when it has none."""
    found = first(element, "Filters")
    return _expression(found) if found is not None else None


def _expression(filters: Element) -> str | None:
    terms: list[str] = []
    for index, term in enumerate(filters):
        if index:
            terms.append((term.get("bool") or "AND").strip().upper())
        terms.append(_term(term))
    return " ".join(terms) or None


def _term(term: Element) -> str:
    tag = local(term)
    if tag == "FilterCollection":
        text = f"({_expression(term) or ''})"
    else:
        name = term.get("name")
        text = f"{tag} {name}" if name else tag
    return f"NOT {text}" if (term.get("not") or "").strip() == "1" else text


def _and(outer: str | None, inner: str | None) -> str | None:
    if outer and inner:
        return f"({outer}) AND ({inner})"
    return outer or inner


def _bad(path: str, element: Element, message: str) -> Exception:
    return input_error(path, message, line=element.sourceline)


def item_facts(
    item: Item, hive: str, origin: Origin, extra: tuple[tuple[str, JSON], ...] = ()
) -> list[Fact]:
    """The facts of one item; ``hive`` (HKLM/HKCU) applies when the item names none and
    ``extra`` (gpresult's precedence, say) is added to each fact's own."""
    confidence, reason = Confidence.EXACT, None
    if item.targeting:
        extra += (("targeting", item.targeting),)
        confidence = Confidence.PARTIAL
        reason = f"Group Policy Preferences item-level targeting: applies where {item.targeting}"
    return [
        Fact(
            Kind.REGISTRY,
            registry_path(write.key, write.name, hive),
            write.value,
            origin,
            type=write.type,
            deleted=write.deleted,
            confidence=confidence,
            reason=reason,
            extra=extra + ((("soft", True),) if write.soft else ()),
        )
        for write in item.writes
    ]


def parse(data: bytes, path: str, hive_default: str, source: str | None = None) -> list[Fact]:
    """The facts of a Registry.xml, in document order, each at its item's line."""
    return read(data, path, hive_default, source)[0]


def read(
    data: bytes, path: str, hive_default: str, source: str | None = None
) -> tuple[list[Fact], list[Note]]:
    """The facts of a Registry.xml (see :func:`parse`), and notes of the items that could
    not be read as registry writes."""
    root = parse_xml(data, path)
    if local(root) != "RegistrySettings":
        raise input_error(
            path,
            f"not a Group Policy Preferences Registry.xml (root {local(root)!r})",
            line=root.sourceline,
        )
    facts: list[Fact] = []
    notes: list[Note] = []
    for item in items(root, path):
        origin = Origin(path, line=item.element.sourceline, source=source)
        facts += item_facts(item, hive_default, origin)
        if item.unmapped is not None:
            notes.append(Note(NoteKind.UNMAPPED, path, item.unmapped, item.element.sourceline))
    return facts, notes


def hive_of(path: Path) -> str:
    """HKCU for a Registry.xml under ``User/Preferences/Registry``, HKLM otherwise."""
    parts = [part.casefold() for part in path.parts[-4:-1]]
    return "HKCU" if parts[:1] == ["user"] else "HKLM"


def sniff(path: Path, head: bytes) -> bool:
    """An XML file whose root element is an unprefixed ``RegistrySettings``."""
    encoding, bom = detect_encoding(head)
    sample = head[bom:].decode(encoding, errors="ignore")
    return _ROOT.match(sample) is not None and path.is_file()


def load(path: Path) -> list[Source]:
    """A lone Registry.xml as one source (hive from its folder, see :func:`hive_of`)."""
    facts, notes = read(read_bytes(path), str(path), hive_of(path))
    return [Source(str(path), FORMAT, tuple(facts), notes=tuple(notes))]
