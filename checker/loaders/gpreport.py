"""gpreport.xml (``Get-GPOReport -ReportType Xml``): the settings of one or more GPOs.

The report shows, per GPO, Computer and User configuration as ``ExtensionData/Extension``
elements, one per client-side extension, each in its own namespace under
``http://www.microsoft.com/GroupPolicy/Settings``.  Computer settings become HKLM facts, user
settings HKCU facts, keyed as the raw files of the same backup key them, so that a report and
its GPO backup normalize to the same device state:

- Administrative Templates and extra registry settings: :mod:`checker.loaders.gpxml_templates`
  (policies the ADMX index does not know are noted as unmapped, ``Source.notes``);
- security, advanced audit, Windows Firewall, Preferences registry items:
  :mod:`checker.loaders.gpxml_security`;
- AppLocker: :mod:`checker.loaders.gpxml_applocker`.

:func:`extension_facts` is shared with gpresult /x, whose extensions use the same namespaces.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from checker.core.errors import input_error
from checker.core.files import detect_encoding, head
from checker.core.values import JSON, Note, Source
from checker.loaders.gpxml import NS, PROLOG, SCOPES, Collected, Scope
from checker.loaders.gpxml_applocker import applocker_settings
from checker.loaders.gpxml_security import (
    audit_settings,
    firewall_settings,
    preference_registry,
    security_settings,
)
from checker.loaders.gpxml_templates import registry_settings
from checker.loaders.xmlsafe import Element, first, kids, local, read_report, text

FORMAT = "gpreport"


DESCRIPTION = "gpreport.xml (Get-GPOReport)"
READS = (
    "the same facts as the raw files of the same GPO, one source per GPO; "
    "a `Get-GPOReport -All` report is a target per GPO"
)
"""What baseliner reads from such an export, for the docs."""


FOLDER = False
"""Reads a folder (else a file)."""


DEVICE = False
"""Each export is one device, named by its content."""


_IN_NS = r"""\bxmlns=["']""" + re.escape(NS) + """["']"""
_ROOT = re.compile(
    PROLOG + rf"(?:<(?:GPO|report)\b[^>]*{_IN_NS}|<report\s*>.*?<GPO\b[^>]*{_IN_NS})", re.DOTALL
)
"""A ``GPO`` root in the Settings namespace, or a ``report`` root holding GPOs: in the Settings
namespace, or without one as ``Get-GPOReport -All`` writes it."""
_REPORT = re.compile(PROLOG + r"<report\b")


_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


def sniff(path: Path, head: bytes) -> bool:
    """A report's root element (see :data:`_ROOT`) first in the file, in any encoding."""
    encoding, bom = detect_encoding(head)
    return _ROOT.match(head[bom:].decode(encoding, errors="ignore")) is not None


def load(path: Path) -> list[Source]:
    """One Source per GPO in the report, named after the GPO."""
    gpos, notes = _gpos(path)
    return [_gpo_source(gpo, str(path), notes) for gpo in gpos]


def parts(path: Path) -> list[str]:
    """The names of the GPOs of a report holding several (``Get-GPOReport -All``), one target
    each, in report order; ``[]`` for a report of one GPO.  A name several GPOs share is
    followed by the GPO's identifier."""
    encoding, bom = detect_encoding(first_bytes := head(path))
    if not _REPORT.match(first_bytes[bom:].decode(encoding, errors="ignore")):
        return []  # a report of one GPO: planning reads no more than its head
    gpos, _ = _gpos(path)
    if len(gpos) < 2:
        return []
    names = [(text(gpo, "Name") or "").strip() for gpo in gpos]
    shared = {name for name in names if names.count(name) > 1}
    return [
        f"{name} {_guid(gpo)}".strip() if name in shared or not name else name
        for name, gpo in zip(names, gpos, strict=True)
    ]


def load_part(path: Path, part: int) -> list[Source]:
    """The Source of the ``part``-th GPO of the report (see :func:`parts`) alone: an error in
    another GPO's settings is not its error."""
    gpos, notes = _gpos(path)
    return [_gpo_source(gpos[part], str(path), notes)]


def _gpos(path: Path) -> tuple[list[Element], tuple[Note, ...]]:
    root, notes = read_report(path)
    tag = str(root.tag)
    if tag not in (f"{{{NS}}}GPO", f"{{{NS}}}report", "report"):
        raise input_error(
            str(path), f"not a Get-GPOReport XML report (root {root.tag!r})", line=root.sourceline
        )
    gpos = [root] if local(root) == "GPO" else list(kids(root, "GPO"))
    if not gpos:  # checked, it would be a device with nothing set
        raise input_error(str(path), "Get-GPOReport XML without a GPO: no settings")
    return gpos, notes


def _guid(gpo: Element) -> str:
    identifier = first(gpo, "Identifier")
    return "" if identifier is None else (text(identifier, "Identifier") or "").strip()


def _gpo_source(gpo: Element, path: str, repairs: tuple[Note, ...]) -> Source:
    name = (text(gpo, "Name") or "").strip() or None
    collected = Collected()
    for section_name, hive, admx_class in SCOPES:
        section = first(gpo, section_name)
        if section is None:
            continue
        scope = Scope(path, hive, admx_class, lambda _element: (name, ()))
        for extension in section_extensions(section):
            extension_facts(extension, scope, collected)
    identifier = first(gpo, "Identifier")
    meta: list[tuple[str, JSON]] = []
    if identifier is not None:
        domain = (text(identifier, "Domain") or "").strip() or None
        meta += [("guid", _guid(gpo)), ("domain", domain)]
    return Source(
        path,
        FORMAT,
        tuple(collected.facts),
        name=name,
        meta=tuple(sorted(meta)),
        notes=repairs + collected.notes(),
    )


def section_extensions(section: Element) -> Iterator[Element]:
    """The ``Extension`` elements of a Computer/User section (gpreport and gpresult)."""
    for data in kids(section, "ExtensionData"):
        yield from kids(data, "Extension")


def extension_facts(extension: Element, scope: Scope, into: Collected) -> None:
    """Read one ``Extension`` element; unknown extensions (certificates, NRPT...) are skipped."""
    prefix, _, _ = str(extension.get(_XSI_TYPE, "")).rpartition(":")
    reader = _READERS.get(str(extension.nsmap.get(prefix or None, "")))
    if reader is not None:
        reader(extension, scope, into)


_READERS: dict[str, Callable[[Element, Scope, Collected], None]] = {
    f"{NS}/Registry": registry_settings,
    f"{NS}/Security": security_settings,
    f"{NS}/Auditing": audit_settings,
    f"{NS}/WindowsFirewall": firewall_settings,
    f"{NS}/Windows/Registry": preference_registry,
    f"{NS}/SRPV2": applocker_settings,
}
"""Readers by the namespace of the extension's ``xsi:type``."""
