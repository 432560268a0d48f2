"""Administrative Templates in Group Policy settings XML: policies replayed through the ADMX
index (:mod:`checker.loaders.admx`) to the registry values they write, and extra registry
settings.  A policy missing from the index becomes a ``Kind.SETTING`` fact named
``Category/Display name`` and is noted as unmapped."""

from __future__ import annotations

import functools

from checker.core.values import JSON, Fact
from checker.kinds import Kind, registry_path
from checker.loaders import admx
from checker.loaders.gpxml import Collected, Scope, child_text, fields, number
from checker.loaders.xmlsafe import Element, first, kids, local, text


def registry_settings(extension: Element, scope: Scope, into: Collected) -> None:
    for element in extension:
        tag = local(element)
        if tag == "Policy":
            _policy(element, scope, into)
        elif tag == "RegistrySetting":
            _registry_setting(element, scope, into)


def _policy(element: Element, scope: Scope, into: Collected) -> None:
    # One pass over the children: this runs for every policy of every device of a fleet.
    shown: dict[str, str] = {}
    options: list[admx.Option] = []
    for child in element:
        tag = local(child)
        if tag in _OPTION_TAGS:
            options.append(_option(child, tag))
        elif tag not in shown:
            shown[tag] = child.text or ""
    name, category = shown.get("Name", ""), shown.get("Category", "")
    state = shown.get("State", "")
    resolved = _resolve(name, category, state, tuple(options), scope.admx_class, scope.hive)
    if resolved is None:
        into.unmapped.append(scope.unmapped(element, f"{category}/{name}"))
        into.facts.append(scope.fact(element, Kind.SETTING, f"{category}/{name}", state))
        return
    writes, unresolved = resolved
    into.unmapped += [scope.unmapped(element, option) for option in unresolved]
    origin, extra = scope.origin(element)
    into.facts += [
        Fact(Kind.REGISTRY, path, value, origin, type=rtype, deleted=deleted, extra=extra)
        for path, rtype, value, deleted in writes
    ]


Writes = tuple[tuple[str, str | None, JSON, bool], ...]
"""A policy's registry writes as (display path, REG_* type, value, deleted)."""


@functools.lru_cache(maxsize=1 << 12)
def _resolve(
    name: str, category: str, state: str, options: tuple[admx.Option, ...], cls: str, hive: str
) -> tuple[Writes, tuple[str, ...]] | None:
    """The writes and unplaced option labels of a policy shown with ``options`` in ADMX class
    ``cls``, or None when the index does not know it or its state is neither Enabled nor
    Disabled."""
    # Cached: a fleet shows the same policies with the same options on device after device,
    # and replaying the ADMX was the largest part of reading a gpresult.  The values are
    # shared between devices' facts, which are never modified.
    record = admx.find_policy(name, category, cls)
    if record is None or state.casefold() not in ("enabled", "disabled"):
        return None
    resolution = admx.writes(record, state, list(options))
    writes = tuple(
        (registry_path(w.key, w.name, hive), w.type, w.value, w.deleted) for w in resolution.writes
    )
    return writes, tuple(f"{category}/{name}: {label}" for label in resolution.unresolved)


_OPTION_TAGS = frozenset(
    {"Numeric", "EditText", "CheckBox", "DropDownList", "ListBox", "MultiText"}
)
"""The options a report shows under a policy: numbers, check boxes, drop-downs, texts, lists."""


def _option(element: Element, tag: str) -> admx.Option:
    """One option (``tag`` is one of :data:`_OPTION_TAGS`) as the ADMX replay takes it."""
    found = fields(element)
    label, state = child_text(found, "Name") or "", child_text(found, "State") or "Enabled"
    if tag == "DropDownList":
        value = found.get("Value")
        return admx.Option(label, state, text(value, "Name") if value is not None else None)
    if tag in ("ListBox", "MultiText"):
        return admx.Option(label, state, items=_list_items(element))
    return admx.Option(label, state, child_text(found, "Value"))


def _list_items(element: Element) -> tuple[tuple[str | None, str], ...]:
    values = first(element, "Value")
    if values is None:
        return ()
    return tuple((text(item, "Name"), text(item, "Data") or "") for item in kids(values, "Element"))


def _registry_setting(element: Element, scope: Scope, into: Collected) -> None:
    """An extra registry setting; one without ``Value`` creates its key (value name empty)."""
    found = fields(element)
    key = child_text(found, "KeyPath") or ""
    value = found.get("Value")
    if value is None:
        into.facts.append(scope.registry(element, key, "", None, None))
        return
    shown = fields(value)
    name = child_text(shown, "Name") or ""
    for tag, rtype in (("Number", "REG_DWORD"), ("String", "REG_SZ")):
        data = child_text(shown, tag)
        if data is not None:
            typed: JSON = number(data) if tag == "Number" else data
            into.facts.append(scope.registry(element, key, name, rtype, typed))
            return
    multi = shown.get("MultiString")
    if multi is not None:
        into.facts.append(
            scope.registry(element, key, name, "REG_MULTI_SZ", [v.text or "" for v in multi])
        )
        return
    into.unmapped.append(scope.unmapped(element, f"{key}\\{name}"))
