"""A GPO backup's gpreport.xml: policy titles, categories, states and displayed values.

The raw settings files say what a GPO writes; only the report says how the Group Policy
editor shows it (the policy's name and category path, the chosen option of an element, the
display name of a security option, the members of a user right as names).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from checker.core.files import read_bytes
from checker.kinds import Kind, canonical_key, registry_path
from checker.loaders import xmlsafe
from checker.loaders.xmlsafe import Element, first, kids, local, parse_xml


@dataclass(frozen=True, slots=True)
class ReportPolicy:
    """An Administrative Templates policy as gpreport.xml shows it."""

    name: str
    state: str
    category: str
    elements: tuple[tuple[str, str], ...]  # (label, displayed value)


@dataclass(frozen=True, slots=True)
class SecurityOption:
    name: str
    display: str


@dataclass(frozen=True, slots=True)
class Report:
    name: str
    policies: tuple[ReportPolicy, ...] = ()
    options: dict[str, SecurityOption] = field(default_factory=dict)  # canonical registry key
    members: dict[str, tuple[str, ...]] = field(default_factory=dict)  # right -> member names


NO_REPORT = Report("")
"""What sources without a gpreport.xml (finding lists, OSConfig) resolve settings against."""


def read_gpreport(path: Path) -> Report:
    root = parse_xml(read_bytes(path), str(path))
    computer = first(root, "Computer")
    policies, options, members = [], {}, {}
    for element in computer.iter() if computer is not None else ():
        kind = local(element)
        if kind == "Policy":
            policies.append(_report_policy(element))
        elif kind == "SecurityOptions":
            found = _security_option(element)
            if found:
                options[found[0]] = found[1]
        elif kind == "UserRightsAssignment":
            names = (_text(m, "Name") or _text(m, "SID") for m in kids(element, "Member"))
            members[_text(element, "Name")] = tuple(names)
    return Report(_text(root, "Name"), tuple(policies), options, members)


def _text(element: Element, name: str) -> str:
    """A child's text without surrounding space ("" when there is no such child)."""
    return (xmlsafe.text(element, name) or "").strip()


_POLICY_META = {"Name", "State", "Explain", "Supported", "Category"}


def _report_policy(element: Element) -> ReportPolicy:
    parts = (_policy_element(child) for child in element if local(child) not in _POLICY_META)
    return ReportPolicy(
        _text(element, "Name"),
        _text(element, "State"),
        _text(element, "Category"),
        tuple(part for part in parts if part is not None),
    )


def _policy_element(element: Element) -> tuple[str, str] | None:
    """(label, displayed value) of a policy element, when it has a value."""
    label = _text(element, "Name")
    value = first(element, "Value")
    if _text(element, "State") != "Enabled" and value is None:
        return None
    if value is not None:
        shown = _text(value, "Name") or (value.text or "").strip()
    else:
        shown = "Enabled" if local(element) == "CheckBox" else ""
    return (label, shown) if label else None


def _security_option(element: Element) -> tuple[str, SecurityOption] | None:
    key = _text(element, "KeyName")
    display = first(element, "Display")
    if not key or display is None:
        return None
    path, _, name = key.rpartition("\\")
    option = SecurityOption(_text(display, "Name"), _option_display(display))
    return canonical_key(Kind.REGISTRY, registry_path(path, name)), option


def _option_display(display: Element) -> str:
    boolean = _text(display, "DisplayBoolean")
    if boolean:
        return "Enabled" if boolean == "true" else "Disabled"
    number = _text(display, "DisplayNumber")
    if number:
        units = _text(display, "Units")
        return f"{number} {units}".strip()
    fields = [f for f in display.iter() if local(f) == "Field" and _text(f, "Value") == "true"]
    if fields:
        return ", ".join(_text(f, "Name") for f in fields)
    return _text(display, "DisplayString")
