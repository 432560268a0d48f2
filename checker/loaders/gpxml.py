"""Group Policy settings XML, as gpreport.xml and gpresult /x both write it: where a
section's settings go (:class:`Scope`), what is collected from them, and reading helpers.

The readers of each client-side extension are in ``gpxml_templates`` (Administrative
Templates) and ``gpxml_security`` (security, audit, firewall, preferences); the formats that
use them are ``gpreport`` and ``gpresult``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from checker.core.numbers import exported_int
from checker.core.values import JSON, Confidence, Fact, Note, NoteKind, Origin
from checker.kinds import Kind, registry_path
from checker.loaders.xmlsafe import LOCAL_NAMES, Element

NS = "http://www.microsoft.com/GroupPolicy/Settings"


PROLOG = r"\A\s*(?:<\?xml[^>]*\?>\s*)?(?:(?:<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)\s*)*"
"""What may come before a report's root element (a declaration, comments, a DOCTYPE, which
reading then refuses); sniffers match the root right after it (with ``re.DOTALL``), so that a
document merely quoting a report (a PowerShell script with one in a here-string) is not taken
for one."""


SCOPES = (("Computer", "HKLM", "Machine"), ("User", "HKCU", "User"))
"""Report section, registry hive, ADMX class."""


Attribution = Callable[[Element], tuple[str | None, tuple[tuple[str, JSON], ...]]]
"""For a setting element: the GPO it comes from and extra fields (gpresult: precedence)."""


@dataclass(slots=True)
class Collected:
    """Facts read from extensions, and notes of the policies that could not be mapped."""

    facts: list[Fact] = field(default_factory=list)
    unmapped: list[Note] = field(default_factory=list)

    def notes(self) -> tuple[Note, ...]:
        """The unmapped notes, each policy once, in file order."""
        return tuple(dict.fromkeys(self.unmapped))


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a section's settings go: file, hive, ADMX class, and who set each one."""

    path: str
    hive: str
    admx_class: str
    attribution: Attribution

    def origin(self, element: Element) -> tuple[Origin, tuple[tuple[str, JSON], ...]]:
        """Where ``element`` is and who set it: the origin and extra fields of its facts."""
        source, extra = self.attribution(element)
        return Origin(self.path, element.sourceline, None, source), extra

    def unmapped(self, element: Element, what: str, reason: str | None = None) -> Note:
        """A note that ``element`` names ``what``, which could not be mapped (``reason``)."""
        return Note(NoteKind.UNMAPPED, self.path, what, element.sourceline, reason=reason)

    def fact(
        self,
        element: Element,
        kind: Kind,
        key: str,
        value: JSON,
        rtype: str | None = None,
        deleted: bool = False,
        extra: tuple[tuple[str, JSON], ...] = (),
    ) -> Fact:
        """A fact read from ``element``, with its origin and attribution: positional, as
        every setting of every device of a fleet makes one."""
        source, attributed = self.attribution(element)
        origin = Origin(self.path, element.sourceline, None, source)
        extra = attributed + extra if extra else attributed
        return Fact(kind, key, value, origin, rtype, deleted, Confidence.EXACT, None, None, extra)

    def registry(
        self,
        element: Element,
        key: str,
        name: str,
        rtype: str | None,
        value: JSON,
        deleted: bool = False,
    ) -> Fact:
        path = registry_path(key, name, self.hive)
        return self.fact(element, Kind.REGISTRY, path, value, rtype, deleted)


Fields = dict[str, Element]
"""A setting element's children by local name, the first of each (see :func:`fields`)."""


def fields(element: Element) -> Fields:
    """The children of ``element`` by local name, the first of each, in one pass: a reader
    that wants several of them pays one walk instead of a search each (this runs for every
    setting of every device of a fleet)."""
    found: Fields = {}
    names = LOCAL_NAMES
    for child in element:
        found.setdefault(names[child.tag], child)
    return found


def child_text(found: Fields, name: str) -> str | None:
    """The text of child ``name`` ("" when empty), None when there is no such child."""
    child = found.get(name)
    return None if child is None else (child.text or "")


def number(raw: str) -> JSON:
    """An integer when the text is one (as secedit reads it), else the text."""
    try:
        return exported_int(raw)
    except ValueError:
        return raw


def unquote(raw: str) -> str:
    raw = raw.strip()
    return raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] == '"' else raw
