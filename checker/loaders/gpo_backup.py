"""GPO backup folders: the raw settings files of each backup, one source per backup.

A backup is a folder holding ``DomainSysvol`` (GPMC backups: ``{GUID}/DomainSysvol/GPO/...``),
``Backup.xml`` or ``bkupInfo.xml``, or a ``GPO`` folder with ``Machine`` or ``User`` in it (the
plain layout of LGPO folders).  A folder given to :func:`load` may be a backup or hold backups
anywhere below it.

Precedence: backups are returned in the lexicographic order of their folder paths compared
component by component (code point order, case-sensitive), which is the order a sorted
directory walk meets them.  A target built from the sources applies them in that order, so a
later backup's setting replaces an earlier one's; name folders (``10-base``, ``20-hardening``)
to choose the order.

Inside a backup, facts come in this order: ``Machine/registry.pol`` (HKLM),
``User/registry.pol`` (HKCU), the Group Policy Preferences registry items of
``Machine/Preferences/Registry/Registry.xml`` and ``User/...`` (HKLM and HKCU unless an item
names its hive), ``Machine/microsoft/windows nt/SecEdit/GptTmpl.inf`` (or
``Machine/GptTmpl.inf``), ``Machine/microsoft/windows nt/Audit/audit.csv``.  Names are matched
case-insensitively, as Windows writes them in varying case.  A backup that holds no raw
settings file but a ``gpreport.xml`` (a report-only export, or a GPO whose settings no raw
file we read holds) is read from its report instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from lxml import etree

from checker.core.files import contained, read_bytes
from checker.core.values import Fact, Note, Source
from checker.loaders import audit_csv, gpp_registry, gpreport, gpttmpl, lgpo_text, registry_pol
from checker.loaders.xmlsafe import parse_xml

FORMAT = "gpo-backup"
DESCRIPTION = "GPO backup folder"
READS = (
    "`Machine/registry.pol` (HKLM), `User/registry.pol` (HKCU), Preferences `Registry.xml`, "
    "`GptTmpl.inf`, `Audit/audit.csv` (or an LGPO folder's `machine.txt`); the display name "
    "from `Backup.xml`; a backup holding only a `gpreport.xml` is read from it"
)
"""What baseliner reads from such an export, for the docs."""
FOLDER = True
"""Reads a folder (else a file)."""
DEVICE = False
"""Each export is one device, named by its content."""

_WINDOWS_NT = ("microsoft", "windows nt")
Reader = Callable[[bytes, str, str | None], tuple[list[Fact], list[Note]]]
"""Parses one raw file: (data, path, GPO name) -> facts, and notes of what it could not map."""


def _facts_only(parse: Callable[[bytes, str, str | None], list[Fact]]) -> Reader:
    return lambda data, path, source: (parse(data, path, source), [])


Place = tuple[str, ...]
RAW_FILES: tuple[tuple[tuple[Place, Reader], ...], ...] = (
    (
        (
            ("Machine", "registry.pol"),
            _facts_only(lambda d, p, s: registry_pol.parse(d, p, "HKLM", s)),
        ),
        # LGPO-style folders keep the machine's registry policy as LGPO text instead.
        (("Machine", "machine.txt"), _facts_only(lgpo_text.parse)),
    ),
    (
        (
            ("User", "registry.pol"),
            _facts_only(lambda d, p, s: registry_pol.parse(d, p, "HKCU", s)),
        ),
        (("User", "user.txt"), _facts_only(lgpo_text.parse)),
    ),
    (
        (
            ("Machine", "Preferences", "Registry", "Registry.xml"),
            lambda d, p, s: gpp_registry.read(d, p, "HKLM", s),
        ),
    ),
    (
        (
            ("User", "Preferences", "Registry", "Registry.xml"),
            lambda d, p, s: gpp_registry.read(d, p, "HKCU", s),
        ),
    ),
    (
        (("Machine", *_WINDOWS_NT, "SecEdit", "GptTmpl.inf"), _facts_only(gpttmpl.parse)),
        (("Machine", "GptTmpl.inf"), _facts_only(gpttmpl.parse)),
    ),
    ((("Machine", *_WINDOWS_NT, "Audit", "audit.csv"), _facts_only(audit_csv.parse)),),
)
"""Each raw settings file: the places it may be, each with its parser (first found wins)."""


def _children(folder: Path) -> dict[str, Path]:
    """The entries of ``folder`` by case-folded name (empty when it cannot be listed)."""
    try:
        return {child.name.casefold(): child for child in folder.iterdir()}
    except OSError:
        return {}


def find_path(folder: Path, parts: tuple[str, ...]) -> Path | None:
    """``folder/parts...`` matched case-insensitively, or None when absent."""
    current = folder
    for part in parts:
        found = _children(current).get(part.casefold())
        if found is None:
            return None
        current = found
    return current


def is_backup(folder: Path) -> bool:
    """Does ``folder`` itself hold one GPO backup (see module docstring)?"""
    children = _children(folder)
    if "domainsysvol" in children or "backup.xml" in children or "bkupinfo.xml" in children:
        return True
    gpo = children.get("gpo")
    return gpo is not None and bool({"machine", "user"} & set(_children(gpo)))


def _iter_backups(path: Path) -> Iterator[Path]:
    if is_backup(path):
        yield path
        return
    for folder, subfolders, _files in os.walk(path):
        subfolders.sort()
        here = Path(folder)
        if here != path and is_backup(here):
            subfolders.clear()
            yield here


def find_backups(path: Path) -> list[Path]:
    """The backup folders at or below ``path``, in precedence order (see module docstring)."""
    return list(_iter_backups(path))


def gpo_root(backup: Path) -> Path | None:
    """The folder holding ``Machine`` and ``User`` of a backup."""
    return find_path(backup, ("DomainSysvol", "GPO")) or find_path(backup, ("GPO",))


def member(backup: Path, found: Path) -> Path:
    """``found``, a file of ``backup`` to read (see :func:`text.contained`)."""
    return contained(found, backup, "the GPO backup")


def display_name(backup: Path) -> str | None:
    """The GPO display name from bkupInfo.xml (``GPODisplayName``) or Backup.xml."""
    for file_name, element in (("bkupInfo.xml", "GPODisplayName"), ("Backup.xml", "DisplayName")):
        found = find_path(backup, (file_name,))
        if found is not None:
            root = parse_xml(read_bytes(member(backup, found)), str(found))
            for node in root.iter(etree.Element):
                if etree.QName(node).localname == element and (node.text or "").strip():
                    return (node.text or "").strip()
    return None


def load_backup(backup: Path) -> list[Source]:
    """One backup folder as a source: its raw settings files' facts, in the documented order;
    or, when it has no raw file but a gpreport.xml, the sources of that report."""
    root = gpo_root(backup)
    files = raw_files(root) if root is not None else []
    report = find_path(backup, ("gpreport.xml",))
    if not files and report is not None:
        return gpreport.load(member(backup, report))
    name = display_name(backup)
    facts: list[Fact] = []
    notes: list[Note] = []
    for found, reader in files:
        read, noted = reader(read_bytes(member(backup, found)), str(found), name)
        facts += read
        notes += noted
    return [Source(str(backup), FORMAT, tuple(facts), name=name, notes=tuple(notes))]


def raw_files(root: Path) -> list[tuple[Path, Reader]]:
    """The raw settings files present under a GPO root, with their parsers, in order.  An
    entry of a raw file's name that is not a readable file is listed too: reading it is an
    error (:func:`member`), not a file silently missing."""
    files: list[tuple[Path, Reader]] = []
    for places in RAW_FILES:
        for place, reader in places:
            found = find_path(root, place)
            if found is not None:
                files.append((found, reader))
                break
    return files


def sniff(path: Path, head: bytes) -> bool:
    """A folder that is a GPO backup itself (see :func:`is_backup`)."""
    return path.is_dir() and is_backup(path)


def load(path: Path) -> list[Source]:
    """The sources of every backup at or below ``path``, in precedence order."""
    return [source for backup in find_backups(path) for source in load_backup(backup)]
