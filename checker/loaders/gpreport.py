"""gpreport.xml (``Get-GPOReport -ReportType Xml``): the settings of one or more GPOs.

The report shows, per GPO, Computer and User configuration as ``ExtensionData/Extension``
elements, one per client-side extension, each in its own namespace under
``http://www.microsoft.com/GroupPolicy/Settings``.  Computer settings become HKLM facts, user
settings HKCU facts, keyed as the raw files of the same backup key them, so that a report and
its GPO backup normalize to the same device state:

- Administrative Templates and extra registry settings: :mod:`checker.loaders.gpxml_templates`
  (policies the ADMX index does not know are noted as unmapped, ``Source.notes``);
- security, advanced audit, Windows Firewall, Preferences registry items:
  :mod:`checker.loaders.gpxml_security`.

:func:`extension_facts` is shared with gpresult /x, whose extensions use the same namespaces.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from checker.core.errors import input_error
from checker.core.files import detect_encoding
from checker.core.values import JSON, Source
from checker.loaders.gpxml import NS, SCOPES, Collected, Scope
from checker.loaders.gpxml_security import (
    audit_settings,
    firewall_settings,
    preference_registry,
    security_settings,
)
from checker.loaders.gpxml_templates import registry_settings
from checker.loaders.xmlsafe import Element, first, kids, local, read_xml, text

FORMAT = "gpreport"


DESCRIPTION = "gpreport.xml (Get-GPOReport)"
READS = "the same facts as the raw files of the same GPO, one source per GPO"
"""What baseliner reads from such an export, for the docs."""


FOLDER = False
"""Reads a folder (else a file)."""


DEVICE = False
"""Each export is one device, named by its content."""


_ROOT = re.compile(r"<(?:GPO|report)\b[^>]*\bxmlns=\"" + re.escape(NS) + '"')


_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


def sniff(path: Path, head: bytes) -> bool:
    """A ``GPO`` (or ``report``) root element in the Settings namespace, in any encoding."""
    encoding, bom = detect_encoding(head)
    sample = head[bom:].decode(encoding, errors="ignore")
    return _ROOT.search(sample) is not None


def load(path: Path) -> list[Source]:
    """One Source per GPO in the report, named after the GPO."""
    root = read_xml(path)
    gpos = [root] if local(root) == "GPO" else list(kids(root, "GPO"))
    if local(root) not in ("GPO", "report") or str(root.tag) != f"{{{NS}}}{local(root)}":
        raise input_error(
            str(path), f"not a Get-GPOReport XML report (root {root.tag!r})", line=root.sourceline
        )
    if not gpos:  # checked, it would be a device with nothing set
        raise input_error(str(path), "Get-GPOReport XML without a GPO: no settings")
    return [_gpo_source(gpo, str(path)) for gpo in gpos]


def _gpo_source(gpo: Element, path: str) -> Source:
    name = text(gpo, "Name") or None
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
        meta += [("guid", text(identifier, "Identifier")), ("domain", text(identifier, "Domain"))]
    return Source(
        path,
        FORMAT,
        tuple(collected.facts),
        name=name,
        meta=tuple(sorted(meta)),
        notes=collected.notes(),
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
}
"""Readers by the namespace of the extension's ``xsi:type``."""
