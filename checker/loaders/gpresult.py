"""gpresult /x (RSoP XML): the settings that won on one computer, and for one user.

Root ``Rsop`` in ``http://www.microsoft.com/GroupPolicy/Rsop``.  ``ComputerResults`` becomes one
Source named after the computer; ``UserResults`` a separate Source named
``<computer>/user:<user>`` (HKCU facts; ``user:<user>`` in a report of user results only,
``gpresult /scope user /x``), so user settings never mix with the device's.  A report with
neither is an input error: checked, it would be a device with nothing set.  Each source's
``meta`` says its ``scope`` (``machine`` or ``user``): a report of user results only (asked
for, or gpresult run without elevation) shows nothing of the computer's settings, and its
target says so (checker/targets/load.py, checker/engine.py).

Naming: ``ComputerResults/Name`` is the account, ``DOMAIN\\HOST$``; the Source name is ``HOST``
(domain prefix and the machine-account ``$`` dropped) because that is how targets are named
elsewhere (a GPO folder name, an Intune device name); the domain is kept in ``meta``.

The settings use the gpreport namespaces, with each setting naming its winning GPO
(``GPO/Identifier``) and ``Precedence``: they are read by :func:`gpreport.extension_facts` and
carry ``extra`` (("gpo", name), ("precedence", n)).  ``meta`` holds the applied GPOs, the GPOs
that did not apply with the reason, the read time, domain and site.

Planned results: GPMC's modelling wizard writes the same XML with ``DataType`` PlanningData
(``gpresult`` writes LoggedData): the settings a computer in a given OU *would* get, not what
one logged.  Its sources carry ``planned`` and the ``som`` (the OU modelled) in ``meta``, and
the report marks the target as planned; it often names no computer or user, and is then named
after its file.  Repairs made to read a report (``xmlsafe.read_report``) are noted on every
source of it.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import replace
from pathlib import Path

from checker.core.errors import input_error
from checker.core.files import detect_encoding
from checker.core.numbers import exported_int
from checker.core.values import JSON, Source, freeze
from checker.loaders.gpreport import extension_facts, section_extensions
from checker.loaders.gpxml import PROLOG, SCOPES, Collected, Scope
from checker.loaders.xmlsafe import Element, first, kids, read_report, text

FORMAT = "gpresult"
DESCRIPTION = "gpresult /x (RSoP XML)"
READS = (
    "the settings that won on one computer, with their GPO and precedence; user results "
    "apart; GPMC modelling (planned) marked as such"
)
"""What baseliner reads from such an export, for the docs."""
FOLDER = False
"""Reads a folder (else a file)."""
DEVICE = True
"""Each export is one device, named by its content."""
NS = "http://www.microsoft.com/GroupPolicy/Rsop"
_BASE = "{http://www.microsoft.com/GroupPolicy/Settings/Base}"
_TYPES = "{http://www.microsoft.com/GroupPolicy/Types}"
_GPO, _PRECEDENCE, _IDENTIFIER = f"{_BASE}GPO", f"{_BASE}Precedence", f"{_TYPES}Identifier"
_ROOT = re.compile(PROLOG + r"""<Rsop\b[^>]*\bxmlns=["']""" + re.escape(NS) + """["']""", re.DOTALL)
PLANNED = "PlanningData"
"""The ``DataType`` of an RSoP that GPMC modelling computed, not one a computer logged."""


def sniff(path: Path, head: bytes) -> bool:
    """An ``Rsop`` root element in the RSoP namespace first in the file, in any encoding."""
    encoding, bom = detect_encoding(head)
    return _ROOT.match(head[bom:].decode(encoding, errors="ignore")) is not None


def load(path: Path) -> list[Source]:
    """The computer's Source, then the user's when the report has user results."""
    root, repairs = read_report(path)
    if str(root.tag) != f"{{{NS}}}Rsop":
        raise input_error(
            str(path), f"not a gpresult /x report (root {root.tag!r})", line=root.sourceline
        )
    read_time = text(root, "ReadTime")
    planned = (text(root, "DataType") or "").strip().casefold() == PLANNED.casefold()
    computer = first(root, "ComputerResults")
    host = short_name(text(computer, "Name") or "") if computer is not None else ""
    sources: list[Source] = []
    for section_name, hive, admx_class in SCOPES:
        results = first(root, f"{section_name}Results")
        if results is None:
            continue
        # A planned result may name no computer and no user: it is named after its file.
        account = (text(results, "Name") or "").strip()
        user = f"user:{account}" if account else ""
        name = host if section_name == "Computer" else "/".join(filter(None, (host, user)))
        source = _results_source(results, str(path), hive, admx_class, name or None, read_time)
        meta = dict(source.meta)
        if planned:
            meta.update(planned=True, som=text(results, "SOM"))
        sources.append(replace(source, meta=freeze(meta), notes=repairs + source.notes))
    if not sources:
        # Checked, it would be a device with nothing set, scored as one.
        raise input_error(
            str(path), "gpresult /x report without ComputerResults or UserResults: no settings"
        )
    return sources


def short_name(account: str) -> str:
    """``CHILD\\CHILDDC$`` -> ``CHILDDC``; a user ``DOMAIN\\alice`` -> ``alice``."""
    return account.rpartition("\\")[2].removesuffix("$")


def _results_source(
    results: Element, path: str, hive: str, admx_class: str, name: str | None, read_time: str | None
) -> Source:
    listed = list(kids(results, "GPO"))
    names = {_reference(first(gpo, "Path")): text(gpo, "Name") for gpo in listed}

    known: dict[tuple[str, str | None], tuple[str | None, tuple[tuple[str, JSON], ...]]] = {}

    def attribution(element: Element) -> tuple[str | None, tuple[tuple[str, JSON], ...]]:
        # Every setting names its GPO and precedence; a report has few distinct pairs, so
        # each is worked out once.
        head = element[:2]
        gpo: Element | None
        precedence: Element | None
        if len(head) == 2 and head[0].tag == _GPO and head[1].tag == _PRECEDENCE:
            gpo, precedence = head  # where the RSoP schema puts them: indexed, not searched
            first = gpo[:1]
            identifier = first[0] if first and first[0].tag == _IDENTIFIER else _identifier(gpo)
        else:
            gpo, precedence = _gpo_and_precedence(element)
            identifier = None if gpo is None else _identifier(gpo)
        key = (
            "" if identifier is None else identifier.text or "",
            None if precedence is None else precedence.text,
        )
        found = known.get(key) if key[0] else None
        if found is None:
            found = _attributed(names.get(_reference(gpo)), key[1])
            if key[0]:
                known[key] = found
        return found

    scope = Scope(path, hive, admx_class, attribution)
    collected = Collected()
    for extension in section_extensions(results):
        extension_facts(extension, scope, collected)
    denials = [(text(gpo, "Name"), _denial(gpo)) for gpo in listed]
    meta: dict[str, JSON] = {
        "scope": admx_class.casefold(),
        "read_time": read_time,
        "domain": text(results, "Domain"),
        "site": text(results, "Site"),
        "applied_gpos": [name for name, denial in denials if denial is None],
        "denied_gpos": [{"name": name, "reason": denial} for name, denial in denials if denial],
    }
    meta_items = tuple(sorted(meta.items()))
    return Source(
        path, FORMAT, tuple(collected.facts), name=name, meta=meta_items, notes=collected.notes()
    )


def _gpo_and_precedence(element: Element) -> tuple[Element | None, Element | None]:
    """A setting's ``GPO`` and ``Precedence`` children, searched.  The RSoP schema puts them
    first, and the attribution indexes them there (five times faster than searching, and it
    runs for every setting of every device); this is for a setting laid out otherwise."""
    return next(element.iterchildren(_GPO), None), next(element.iterchildren(_PRECEDENCE), None)


def _identifier(gpo: Element) -> Element | None:
    """The ``Identifier`` of a setting's ``GPO`` (its first child, as in every report)."""
    if len(gpo) and gpo[0].tag == _IDENTIFIER:
        return gpo[0]
    return next(gpo.iterchildren(_IDENTIFIER), None)


def _attributed(
    gpo: str | None, precedence: str | None
) -> tuple[str | None, tuple[tuple[str, JSON], ...]]:
    """A setting's GPO name and extra fields: the GPO, and the precedence when it has one."""
    extra: tuple[tuple[str, JSON], ...] = (("gpo", gpo),)
    if precedence is not None and precedence.strip().isdecimal():
        with contextlib.suppress(ValueError):  # beyond a REG_QWORD: no precedence to show
            extra += (("precedence", exported_int(precedence)),)
    return gpo, extra


def _reference(element: Element | None) -> str:
    """The key a GPO is matched by: its GUID (case varies between list and settings)."""
    if element is None:
        return ""
    identifier = _identifier(element)
    guid = "" if identifier is None else identifier.text or ""
    return guid.strip().casefold() or "domain:" + (element.findtext(f"{_TYPES}Domain") or "")


def _denial(gpo: Element) -> str | None:
    """Why a listed GPO did not apply, or None when it did."""
    checks = (
        ("AccessDenied", "true", "access denied"),
        ("FilterAllowed", "false", "denied by WMI or security filter"),
        ("IsValid", "false", "not valid"),
        ("Enabled", "false", "disabled"),
    )
    for tag, bad, reason in checks:
        if (text(gpo, tag) or "").strip().casefold() == bad:
            return reason
    link = first(gpo, "Link")
    if link is not None and (text(link, "Enabled") or "").strip().casefold() == "false":
        return "link disabled"
    return None
