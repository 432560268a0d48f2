"""AppLocker in Group Policy settings XML (the ``SRPV2`` extension): the registry values the
policy is stored in, as a GPO backup's registry.pol holds them.

A report shows each rule collection (``RuleCollection Type="Exe|Dll|Msi|Script|Appx"``) with
its rules and enforcement mode; registry.pol keeps, under
``Software\\Policies\\Microsoft\\Windows\\SrpV2\\<Type>``, the mode as ``EnforcementMode``
(Enabled 1, audit only 0) and each rule as ``<rule id>!Value``: the rule's XML as the AppLocker
editor serialises it.  The report shows the same rule in another shape (conditions as
``FilePublisher``/``FilePath``/``FileHash``, exceptions each wrapped in its condition
element, the version range without its defaults), so the rule is written back in the editor's
form: conditions renamed, the range's defaults filled in, exceptions flattened in the order
publisher, path, hash, attribute values escaped as .NET writes them, and a CRLF at the end.

Not shown by a report, so not read: the ``AllowWindows`` value older AppLocker editors wrote
beside each mode.
"""

from __future__ import annotations

from checker.loaders.gpxml import Collected, Scope
from checker.loaders.xmlsafe import Element, kids, local

KEY = "Software\\Policies\\Microsoft\\Windows\\SrpV2"

_MODES = {"enabled": 1, "disabled": 0, "auditonly": 0}
"""``EnforcementMode/Mode`` as shown -> the value stored (a report shows audit only as
Disabled); not configured stores none."""

_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\n": "&#xA;",
        "\r": "&#xD;",
        "\t": "&#x9;",
    }
)

_CONDITIONS = ("FilePublisherCondition", "FilePathCondition", "FileHashCondition")
"""The condition elements, in the order the editor writes a rule's exceptions."""


def applocker_settings(extension: Element, scope: Scope, into: Collected) -> None:
    for collection in kids(extension, "RuleCollection"):
        key = f"{KEY}\\{collection.get('Type', '')}"
        for child in collection:
            tag = local(child)
            if tag == "EnforcementMode":
                shown = "".join(mode.text or "" for mode in kids(child, "Mode")).strip()
                value = _MODES.get(shown.casefold())
                if value is not None:
                    into.facts.append(
                        scope.registry(child, key, "EnforcementMode", "REG_DWORD", value)
                    )
            elif tag.endswith("Rule") and child.get("Id"):
                _rule(child, key, scope, into)


def _rule(element: Element, key: str, scope: Scope, into: Collected) -> None:
    stored = rule(element)
    name = f"{key}\\{element.get('Id')}"
    if stored is None:
        reason = "a condition AppLocker does not define"
        into.unmapped.append(scope.unmapped(element, f"AppLocker rule {name}", reason))
    else:
        into.facts.append(scope.registry(element, name, "Value", "REG_SZ", stored))


def rule(element: Element) -> str | None:
    """A rule as the AppLocker editor stores it in registry.pol (None when it holds a
    condition of an unknown kind)."""
    tag = local(element)
    parts = []
    for part in element:
        name = local(part)
        if name == "Conditions":
            found = [_condition(condition) for condition in part]
        elif name == "Exceptions":
            found = [_condition(inner) for wrapper in part for inner in wrapper]
        else:
            continue
        conditions = [condition for condition in found if condition is not None]
        if len(conditions) < len(found):
            return None
        if name == "Exceptions":
            conditions.sort(key=lambda condition: _CONDITIONS.index(condition[0]))
        parts.append(f"<{name}>{''.join(text for _, text in conditions)}</{name}>")
    return f"<{tag}{_attributes(element)}>{''.join(parts)}</{tag}>\r\n"


def _condition(element: Element) -> tuple[str, str] | None:
    """One condition, shown as ``FilePublisher``, ``FilePath`` or ``FileHash``: its stored
    element name and text."""
    tag = local(element)
    if tag == "FilePublisher":
        ranges = "".join(
            f"<BinaryVersionRange{_range(found)}/>" for found in kids(element, "BinaryVersionRange")
        )
        name = "FilePublisherCondition"
        return name, f"<{name}{_attributes(element)}>{ranges}</{name}>"
    if tag == "FilePath":
        return "FilePathCondition", f"<FilePathCondition{_attributes(element)}/>"
    if tag == "FileHash":
        name = "FileHashCondition"
        return name, f"<{name}><FileHash{_attributes(element)}/></{name}>"
    return None


def _range(element: Element) -> str:
    """A version range with both ends: an end the report leaves out is ``*`` (any)."""
    ends = ("LowSection", "HighSection")
    return "".join(f' {end}="{_escaped(element.get(end, "*"))}"' for end in ends)


def _attributes(element: Element) -> str:
    return "".join(f' {name}="{_escaped(value)}"' for name, value in element.attrib.items())


def _escaped(value: str) -> str:
    return value.translate(_ESCAPES)
