"""Administrative Templates in Group Policy settings XML: policies replayed through the ADMX
index (:mod:`checker.loaders.admx`) to the registry values they write, and extra registry
settings.  A policy missing from the index becomes a ``Kind.SETTING`` fact named
``Category/Display name`` and is noted as unmapped."""

from __future__ import annotations

import functools

from checker.core.values import JSON, Confidence, Fact
from checker.kinds import Kind, registry_path
from checker.loaders import admx
from checker.loaders.gpxml import Collected, Scope, child_text, fields, number
from checker.loaders.xmlsafe import LOCAL_NAMES, Element, kids, local, text


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
    options: list[OptionShown] = []
    names = LOCAL_NAMES
    for child in element:
        tag = names[child.tag]
        if tag in _OPTION_TAGS:
            options.append(_option(child, tag))
        elif tag in _NAMING and tag not in shown:  # not the GPO, nor the long Explain text
            shown[tag] = child.text or ""
    name, category = shown.get("Name", ""), shown.get("Category", "")
    state = shown.get("State", "")
    resolved = _resolve(name, category, state, tuple(options), scope.admx_class, scope.hive)
    if isinstance(resolved, str):
        into.unmapped.append(scope.unmapped(element, f"{category}/{name}", resolved))
        into.facts.append(scope.fact(element, Kind.SETTING, f"{category}/{name}", state))
        return
    writes, unresolved = resolved
    into.unmapped += [
        scope.unmapped(element, option, "the ADMX policy has no such option")
        for option in unresolved
    ]
    origin, extra = scope.origin(element)
    into.facts += [
        Fact(
            Kind.REGISTRY, path, value, origin, rtype, deleted, Confidence.EXACT, None, None, extra
        )
        for path, rtype, value, deleted in writes
    ]


Writes = tuple[tuple[str, str | None, JSON, bool], ...]
"""A policy's registry writes as (display path, REG_* type, value, deleted)."""


@functools.lru_cache(maxsize=1 << 12)
def _resolve(
    name: str, category: str, state: str, options: tuple[OptionShown, ...], cls: str, hive: str
) -> tuple[Writes, tuple[str, ...]] | str:
    """The writes and unplaced option labels of a policy shown with ``options`` in ADMX class
    ``cls``; or why it cannot be mapped (the index does not know it or not as one policy,
    or its state is neither Enabled nor Disabled)."""
    # Cached: a fleet shows the same policies with the same options on device after device,
    # and replaying the ADMX was the largest part of reading a gpresult.  The values are
    # shared between devices' facts, which are never modified.  The options come as plain
    # tuples, hashed and compared in C on every hit; only a miss makes them admx.Options.
    if state.casefold() not in ("enabled", "disabled"):
        return f"state {state!r} is neither Enabled nor Disabled"
    shown = tuple(admx.Option(*option) for option in options)
    resolution = admx.resolve(name, category, cls, state, shown)
    if isinstance(resolution, str):
        return resolution
    writes = tuple(
        (registry_path(w.key, w.name, hive), w.type, w.value, w.deleted) for w in resolution.writes
    )
    return writes, tuple(f"{category}/{name}: {label}" for label in resolution.unresolved)


_NAMING = frozenset({"Name", "Category", "State"})
"""What a policy is known by; its other children are its GPO, precedence and explanation."""

_OPTION_TAGS = frozenset(
    {"Numeric", "EditText", "CheckBox", "DropDownList", "ListBox", "MultiText"}
)
"""The options a report shows under a policy: numbers, check boxes, drop-downs, texts, lists."""


OptionShown = tuple[str, str, str | None, tuple[tuple[str | None, str], ...]]
"""An option as a report shows it: the fields of an :class:`admx.Option`, in its order."""


def _option(element: Element, tag: str) -> OptionShown:
    """One option (``tag`` is one of :data:`_OPTION_TAGS`) as the ADMX replay takes it."""
    found = fields(element)
    label, state = child_text(found, "Name") or "", child_text(found, "State") or "Enabled"
    if tag == "DropDownList":
        value = found.get("Value")
        return label, state, text(value, "Name") if value is not None else None, ()
    if tag == "ListBox":
        return label, state, None, _list_items(found.get("Value"))
    if tag == "MultiText":
        return label, state, None, _lines(found.get("Value"))
    return label, state, child_text(found, "Value"), ()


def _list_items(values: Element | None) -> tuple[tuple[str | None, str], ...]:
    """A list box's entries: ``Value/Element``, each with its ``Data`` and, for lists of
    explicit value names, its ``Name``."""
    if values is None:
        return ()
    return tuple((text(item, "Name"), text(item, "Data") or "") for item in kids(values, "Element"))


def _lines(values: Element | None) -> tuple[tuple[str | None, str], ...]:
    """A multi-line text box's lines: ``Value/string``, one a line."""
    if values is None:
        return ()
    return tuple((None, line.text or "") for line in kids(values, "string"))


def _registry_setting(element: Element, scope: Scope, into: Collected) -> None:
    """An extra registry setting; one without ``Value`` creates its key (value name empty,
    REG_NONE, as registry.pol keeps it)."""
    found = fields(element)
    key = child_text(found, "KeyPath") or ""
    value = found.get("Value")
    if value is None:
        into.facts.append(scope.registry(element, key, "", "REG_NONE", None))
        return
    shown = fields(value)
    name = child_text(shown, "Name") or ""
    for tag, rtype in (
        ("Number", "REG_DWORD"),
        ("String", "REG_SZ"),
        ("ExpString", "REG_EXPAND_SZ"),
    ):
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
    into.unmapped.append(scope.unmapped(element, f"{key}\\{name}", "a value of a kind not read"))
