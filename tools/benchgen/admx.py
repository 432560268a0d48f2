"""ADMX/ADML files: which Administrative Templates policy writes a registry value.

A registry value is written by a policy's own value, an item of its enabled/disabled lists,
one of its elements, or a list element's key; the index maps each to the policy's display
name, its category path and the element's presentation label.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from checker.core.files import read_text
from checker.core.values import JSON
from checker.kinds import registry_path
from checker.loaders.xmlsafe import Element, first, kids, local, parse_xml


@dataclass(frozen=True, slots=True)
class AdmxPart:
    """A registry value an ADMX policy writes.

    ``label`` is the element's presentation label (None for the policy's own value and its
    enabled/disabled lists); ``items`` maps an enum element's values to their display names.
    """

    policy: str
    category: tuple[str, ...]
    label: str | None
    items: tuple[tuple[JSON, str], ...] = ()
    is_list: bool = False


@dataclass(slots=True)
class _AdmxFile:
    strings: dict[str, str]
    labels: dict[str, dict[str, str]]  # presentation id -> element id -> label


_STRING_REF = re.compile(r"\$\((string|presentation)\.([^)]+)\)")


def _resolve(ref: str, strings: dict[str, str]) -> str:
    match = _STRING_REF.fullmatch(ref.strip())
    return strings.get(match.group(2), match.group(2)) if match else ref


_DEFAULT_NAMESPACE = re.compile(r'\sxmlns="[^"]*"')
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _parse_definitions(path: Path) -> Element:
    """An ADMX/ADML root, read without its default namespace (only local names are used).

    Windows 11's WindowsDefender.adml declares ``xmlns=".../Policysecurity intelligence"`` (a
    find-and-replace of "definition"), which no conforming XML parser accepts.
    """
    text = _DEFAULT_NAMESPACE.sub("", _DECLARATION.sub("", read_text(path), count=1), count=1)
    return parse_xml(text.encode("utf-8"), str(path))


def _read_adml(path: Path) -> _AdmxFile:
    if path.suffix.casefold() != ".adml" or not path.is_file():
        return _AdmxFile({}, {})
    root = _parse_definitions(path)
    strings = {e.get("id", ""): (e.text or "").strip() for e in root.iter() if local(e) == "string"}
    labels = {
        p.get("id", ""): {c.get("refId", ""): "".join(c.itertext()).strip() for c in p}
        for p in root.iter()
        if local(p) == "presentation"
    }
    return _AdmxFile(strings, labels)


def _enum_items(element: Element, strings: dict[str, str]) -> tuple[tuple[JSON, str], ...]:
    items: list[tuple[JSON, str]] = []
    for item in kids(element, "item"):
        for value in item.iter():
            if local(value) == "decimal":
                items.append(
                    (int(value.get("value", "0")), _resolve(item.get("displayName", ""), strings))
                )
            elif local(value) == "string":
                items.append((value.text or "", _resolve(item.get("displayName", ""), strings)))
    return tuple(items)


class AdmxIndex:
    """Registry value -> the ADMX policies that write it (machine policies only)."""

    def __init__(self, folder: Path | None) -> None:
        self._parts: dict[tuple[str, str], list[AdmxPart]] = defaultdict(list)
        self._categories: dict[str, tuple[str, str | None]] = {}
        pending: list[tuple[Element, _AdmxFile, dict[str, str]]] = []
        # ADML file names differ in case from their ADMX (kdc.admx / KDC.adml).
        languages = folder / "en-US" if folder else None
        adml_names = {p.name.casefold(): p for p in languages.glob("*.adml")} if languages else {}
        for path in sorted(folder.glob("*.admx")) if folder else ():
            root = _parse_definitions(path)
            adml = _read_adml(adml_names.get(f"{path.stem}.adml".casefold(), path))
            spaces = _namespaces(root)
            for category in (e for e in root.iter() if local(e) == "category"):
                self._categories[_qualified(category.get("name", ""), spaces)] = (
                    _resolve(category.get("displayName", ""), adml.strings),
                    _parent(category, spaces),
                )
            pending.extend((p, adml, spaces) for p in root.iter() if local(p) == "policy")
        for policy, adml, spaces in pending:
            if policy.get("class") in ("Machine", "Both"):
                self._index_policy(policy, adml, spaces)

    def _chain(self, name: str | None) -> tuple[str, ...]:
        chain: list[str] = []
        while name and name in self._categories and len(chain) < 16:
            display, name = self._categories[name]
            chain.insert(0, display)
        return tuple(chain)

    def _index_policy(self, policy: Element, adml: _AdmxFile, spaces: dict[str, str]) -> None:
        display = _resolve(policy.get("displayName", ""), adml.strings)
        category = self._chain(_parent(policy, spaces))
        key = policy.get("key", "")
        labels = adml.labels.get(_resolve_id(policy.get("presentation", "")), {})
        if policy.get("valueName"):
            self._add(key, policy.get("valueName", ""), AdmxPart(display, category, None))
        for listed in (e for e in policy.iter() if local(e) in ("enabledList", "disabledList")):
            for item in kids(listed, "item"):
                self._add(
                    item.get("key", key),
                    item.get("valueName", ""),
                    AdmxPart(display, category, None),
                )
        for elements in kids(policy, "elements"):
            for element in elements:
                label = labels.get(element.get("id", ""), element.get("id", ""))
                items = _enum_items(element, adml.strings) if local(element) == "enum" else ()
                is_list = local(element) == "list"
                part = AdmxPart(display, category, label, items, is_list)
                self._add(
                    element.get("key", key), "*" if is_list else element.get("valueName", ""), part
                )

    def _add(self, key: str, value_name: str, part: AdmxPart) -> None:
        if key and value_name:
            self._parts[(_norm_key(key), value_name.casefold())].append(part)

    def lookup(self, registry: str) -> list[AdmxPart]:
        path, _, name = registry.rpartition("!")
        key = _norm_key(path)
        return self._parts.get((key, name.casefold())) or self._parts.get((key, "*"), [])


def _namespaces(root: Element) -> dict[str, str]:
    """An ADMX file's prefixes -> namespaces; "" is its own (category names are only unique
    within a namespace: Edge WebView2 and Windows both define "Network")."""
    spaces = {}
    for element in root.iter():
        if local(element) in ("target", "using"):
            spaces[element.get("prefix", "")] = element.get("namespace", "")
        if local(element) == "target":
            spaces[""] = element.get("namespace", "")
    return spaces


def _qualified(ref: str, spaces: dict[str, str]) -> str:
    prefix, _, name = ref.rpartition(":")
    return f"{spaces.get(prefix, prefix)}:{name}"


def _parent(element: Element, spaces: dict[str, str]) -> str | None:
    parent = first(element, "parentCategory")
    return _qualified(parent.get("ref", ""), spaces) if parent is not None else None


def _resolve_id(ref: str) -> str:
    match = _STRING_REF.fullmatch(ref.strip())
    return match.group(2) if match else ref


def _norm_key(key: str) -> str:
    """A registry key without hive, lower case (ADMX keys carry no hive)."""
    display = registry_path(key, "x").rpartition("!")[0]
    return display.partition("\\")[2].casefold()
