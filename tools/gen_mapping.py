"""Generate checker/data/mapping.json.gz: the Intune -> Group Policy mapping table.

Chains (see ../shared/corpus/README.md):

* Policy CSP DDF node ``./Device/Vendor/MSFT/Policy/Config/<Area>/<Policy>`` is the settings
  catalog id ``device_vendor_msft_policy_config_<area>_<policy>``.
* ``MSFT:AdmxBacked`` names an ADMX file and policy: the ADMX gives the registry value and the
  data written when Enabled (catalog option ``_1``) and Disabled (``_0``), and one catalog child
  per element (``<id>_<element id>``; enum options ``_<item value>``).
* ``MSFT:GpMapping`` names an ADMX policy (``<file>~AT~<category>``), a security option
  (SecurityOptionData.psd1 gives its registry value or System Access name), a user right
  (tools/mapping_curated.yaml) or an advanced audit subcategory.
* tools/mapping_curated.yaml adds legacy profile properties.

Usage: ``python -m tools.gen_mapping [--corpus DIR] [--check]``.  ``--check`` exits 1 when the
shipped table differs from what the corpus generates.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import yaml
from defusedxml import ElementTree

from checker.core.files import read_text
from checker.core.rows import write_rows
from checker.kinds import registry_path
from checker.targets.mapping import setting_id

ROOT = Path(__file__).resolve().parents[1]

OUTPUT = ROOT / "checker" / "data" / "mapping.json.gz"
CURATED = ROOT / "tools" / "mapping_curated.yaml"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
SCHEMA_VERSION = 1
AUDIT_VALUES = {"0": "No Auditing", "1": "Success", "2": "Failure", "3": "Success and Failure"}

Entry = dict[str, Any]


# --- ADMX -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegValue:
    """Registry data an ADMX policy or element writes; ``data`` None means a deletion."""

    type: str
    data: int | str | None


@dataclass(frozen=True, slots=True)
class AdmxElement:
    kind: str
    id: str
    key: str
    value_name: str
    items: tuple[tuple[str, RegValue], ...] = ()
    lossy: bool = False
    """An enum item or boolean that writes extra values besides its own."""
    reg_type: str = "REG_DWORD"


@dataclass(frozen=True, slots=True)
class AdmxPolicy:
    file: str
    name: str
    cls: str
    key: str
    value_name: str | None
    enabled: RegValue | None
    disabled: RegValue | None
    lists: tuple[tuple[str, str, RegValue | None, RegValue | None], ...]
    elements: tuple[AdmxElement, ...] = field(default=())


def parse_xml(path: Path) -> Element:
    """The root of an XML file whatever its BOM; the declared encoding is already applied.

    defusedxml's ElementTree, not the project's ``xmlsafe``: each DDF file's DOCTYPE names the
    OMA DTD by URL, which ``xmlsafe`` refuses in an export (rightly); the DDF files are the
    corpus's, not a device's.  Hence also this module's own ``_children``/``_first``, for
    ElementTree elements."""
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", read_text(path))
    root: Element = ElementTree.fromstring(text)
    return root


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _children(node: Element, name: str) -> Iterator[Element]:
    return (child for child in node if _local(child.tag) == name)


def _first(node: Element, name: str) -> Element | None:
    return next(_children(node, name), None)


def reg_value(node: Element | None) -> RegValue | None:
    """The data of an ADMX ``<value>``-like node (decimal, longDecimal, string, delete)."""
    if node is None:
        return None
    for child in node:
        tag = _local(child.tag)
        if tag == "decimal":
            return RegValue("REG_DWORD", int(child.get("value", "0")))
        if tag == "longDecimal":
            return RegValue("REG_QWORD", int(child.get("value", "0")))
        if tag == "string":
            return RegValue("REG_SZ", child.text or "")
        if tag == "delete":
            return RegValue("REG_NONE", None)
    return None


def _element(node: Element, policy_key: str) -> AdmxElement | None:
    kind = _local(node.tag)
    key = node.get("key", policy_key)
    name = node.get("valueName", "")
    ident = node.get("id", "")
    if kind == "enum":
        items = []
        lossy = False
        for item in _children(node, "item"):
            value = reg_value(_first(item, "value"))
            lossy = lossy or _first(item, "valueList") is not None
            if value is not None and value.data is not None:
                items.append((str(value.data).casefold(), value))
        types = {value.type for _, value in items}
        return AdmxElement(
            kind,
            ident,
            key,
            name,
            tuple(items),
            lossy,
            types.pop() if len(types) == 1 else "REG_SZ",
        )
    if kind == "boolean":
        true = reg_value(_first(node, "trueValue")) or RegValue("REG_DWORD", 1)
        # An unchecked check box without falseValue deletes its value (as checker/loaders/admx.py
        # replays it and registry.pol of the Microsoft baseline shows: **del.).
        false = reg_value(_first(node, "falseValue")) or RegValue("REG_NONE", None)
        lossy = _first(node, "trueList") is not None or _first(node, "falseList") is not None
        return AdmxElement(kind, ident, key, name, (("1", true), ("0", false)), lossy, true.type)
    if kind == "decimal":
        return AdmxElement(
            kind,
            ident,
            key,
            name,
            reg_type="REG_SZ" if node.get("storeAsText") == "true" else "REG_DWORD",
        )
    if kind == "longDecimal":
        return AdmxElement(kind, ident, key, name, reg_type="REG_QWORD")
    if kind == "text":
        return AdmxElement(
            kind,
            ident,
            key,
            name,
            reg_type="REG_EXPAND_SZ" if node.get("expandable") == "true" else "REG_SZ",
        )
    if kind == "multiText":
        return AdmxElement(kind, ident, key, name, reg_type="REG_MULTI_SZ")
    if kind == "list":
        return AdmxElement(kind, ident, key, name, lossy=True, reg_type="REG_SZ")
    return None


def _value_lists(
    policy: Element, key: str
) -> tuple[tuple[str, str, RegValue | None, RegValue | None], ...]:
    """Values in ``enabledList``/``disabledList``: (key, name, data when enabled, when disabled)."""
    table: dict[tuple[str, str], list[RegValue | None]] = {}
    for slot, list_name in enumerate(("enabledList", "disabledList")):
        node = _first(policy, list_name)
        if node is None:
            continue
        default_key = node.get("defaultKey", key)
        for item in _children(node, "item"):
            pair = (item.get("key", default_key), item.get("valueName", ""))
            table.setdefault(pair, [None, None])[slot] = reg_value(_first(item, "value"))
    return tuple((k, n, v[0], v[1]) for (k, n), v in sorted(table.items()))


def parse_admx(path: Path) -> Iterator[AdmxPolicy]:
    root = parse_xml(path)
    policies = _first(root, "policies")
    for node in policies if policies is not None else ():
        if _local(node.tag) != "policy":
            continue
        key = node.get("key", "")
        elements_node = _first(node, "elements")
        elements = tuple(
            element
            for child in (elements_node if elements_node is not None else ())
            if (element := _element(child, key)) is not None
        )
        yield AdmxPolicy(
            file=path.stem,
            name=node.get("name", ""),
            cls=node.get("class", "Machine"),
            key=key,
            value_name=node.get("valueName"),
            enabled=reg_value(_first(node, "enabledValue")),
            disabled=reg_value(_first(node, "disabledValue")),
            lists=_value_lists(node, key),
            elements=elements,
        )


def load_admx(folder: Path) -> dict[tuple[str, str], AdmxPolicy]:
    table: dict[tuple[str, str], AdmxPolicy] = {}
    for path in sorted(folder.glob("*.admx")):
        for policy in parse_admx(path):
            table[(policy.file.casefold(), policy.name.casefold())] = policy
    return table


# --- DDF --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DdfNode:
    path: str
    format: str
    enum: tuple[str, ...]
    admx: tuple[str, str] | None
    gp: tuple[str, str, str | None] | None
    labels: tuple[str, ...] = ()
    """The ValueDescription of each enum value (same order)."""

    def configured_enum(self) -> tuple[str, ...]:
        """The enum without values whose description says "Not configured" (65535, 2...):
        Intune sends them to leave the setting to the user, so they have no GP value."""
        return tuple(
            v
            for v, label in zip(self.enum, self.labels or ("",) * len(self.enum), strict=True)
            if not label.casefold().startswith("not configured")
        )


def _ddf_node(node: Element, parent: str) -> Iterator[DdfNode]:
    name_node = _first(node, "NodeName")
    name = (name_node.text or "") if name_node is not None else ""
    path_node = _first(node, "Path")
    base = (
        path_node.text.strip().rstrip("/") if path_node is not None and path_node.text else parent
    )
    here = f"{base}/{name}" if name else base
    props = _first(node, "DFProperties")
    subnodes = list(_children(node, "Node"))
    if props is not None and not subnodes:
        yield _leaf(here, props)
    for sub in subnodes:
        yield from _ddf_node(sub, here)


def _leaf(path: str, props: Element) -> DdfNode:
    fmt_node = _first(props, "DFFormat")
    fmt = _local(fmt_node[0].tag) if fmt_node is not None and len(fmt_node) else ""
    enum: list[str] = []
    labels: list[str] = []
    admx = gp = None
    for child in props.iter():
        tag = _local(child.tag)
        if tag == "Enum":
            value = _first(child, "Value")
            label = _first(child, "ValueDescription")
            if value is not None and value.text is not None:
                enum.append(value.text.strip())
                labels.append(" ".join((label.text or "").split()) if label is not None else "")
        elif tag == "AdmxBacked":
            admx = (child.get("File", ""), child.get("Name", ""))
        elif tag == "GpMapping":
            gp = (
                child.get("GpEnglishName", ""),
                child.get("GpAreaPath", ""),
                child.get("GpElement"),
            )
    return DdfNode(path, fmt, tuple(enum), admx, gp, tuple(labels))


def load_ddf(folder: Path) -> list[DdfNode]:
    nodes: list[DdfNode] = []
    for path in sorted(folder.glob("*.xml")):
        root = parse_xml(path)
        for node in _children(root, "Node"):
            nodes.extend(_ddf_node(node, ""))
    return nodes


# --- SecurityOptionData.psd1 --------------------------------------------------------------

_PSD_BLOCK = re.compile(
    r'"(?P<name>[^"]+)"\s*=\s*@\{\s*Value\s*=\s*["\'](?P<value>[^"\']*)["\']\s*'
    r"Section\s*=\s*'(?P<section>[^']*)'\s*Option\s*=\s*@\{(?P<options>.*?)\}\s*\}",
    re.S,
)
_PSD_OPTION = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)'|(\w+))\s*=\s*'((?:[^']|'')*)'""", re.M)


@dataclass(frozen=True, slots=True)
class SecurityOption:
    section: str
    value: str
    options: tuple[str, ...]


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def load_security_options(path: Path) -> dict[str, SecurityOption]:
    table: dict[str, SecurityOption] = {}
    for block in _PSD_BLOCK.finditer(read_text(path)):
        options = tuple(m.group(4) for m in _PSD_OPTION.finditer(block.group("options")))
        table[_norm(block.group("name"))] = SecurityOption(
            block.group("section"), block.group("value"), options
        )
    return table


# --- building entries -------------------------------------------------------------------


def _hive(node_path: str, cls: str = "Machine") -> str:
    if node_path.startswith("./User/"):
        return "HKCU"
    return "HKCU" if cls == "User" else "HKLM"


def _reg_target(hive: str, key: str, name: str, reg_type: str, **rule: Any) -> dict[str, Any]:
    return {
        "kind": "registry",
        "key": registry_path(f"{hive}\\{key}", name),
        "type": reg_type,
        **rule,
    }


def _gp_data(value: RegValue | None, default: int | None) -> Any:
    if value is None:
        return default
    return value.data


def admx_entries(ident: str, hive: str, policy: AdmxPolicy) -> dict[str, Entry]:
    """The parent entry (enabled/disabled) and one entry per element of an ADMX policy."""
    entries: dict[str, Entry] = {}
    targets: list[dict[str, Any]] = []
    if policy.value_name:
        reg_type = (policy.enabled or policy.disabled or RegValue("REG_DWORD", 1)).type
        # Disabled without disabledValue deletes the value.  When an element writes the
        # policy's own value, that element (a child setting) decides the data when enabled:
        # the parent gives no value for _1, so parent and child never disagree.
        values: dict[str, Any] = {}
        if not shadowed(policy):
            values[f"{ident}_1"] = _gp_data(policy.enabled, 1)
        values[f"{ident}_0"] = policy.disabled.data if policy.disabled else None
        targets.append(_reg_target(hive, policy.key, policy.value_name, reg_type, values=values))
    for key, name, on, off in policy.lists:
        values = {}
        if on is not None:
            values[f"{ident}_1"] = on.data
        if off is not None:
            values[f"{ident}_0"] = off.data
        reg_type = (on or off or RegValue("REG_DWORD", 1)).type
        targets.append(_reg_target(hive, key, name, reg_type, values=values))
    if not targets:
        # Disabling a policy that has only elements deletes the element values.
        targets = [
            _reg_target(hive, e.key, e.value_name, e.reg_type, values={f"{ident}_0": None})
            for e in policy.elements
            if e.value_name
        ]
    entry: Entry = {
        "confidence": "exact",
        "targets": targets,
        "admx": f"{policy.file}:{policy.name}",
    }
    if not targets:
        entry = {
            **entry,
            "confidence": "partial",
            "reason": "the ADMX policy writes no registry value of its own",
        }
    entries[ident] = entry
    for element in policy.elements:
        child = element_entry(f"{ident}_{element.id.casefold()}", hive, element)
        if child is not None:
            entries[f"{ident}_{element.id.casefold()}"] = {**child, "admx": entry["admx"]}
    return entries


def shadowed(policy: AdmxPolicy) -> bool:
    """Whether an element of ``policy`` writes the policy's own registry value."""
    return any(_same_value(e, policy.key, policy.value_name or "") for e in policy.elements)


def element_entry(ident: str, hive: str, element: AdmxElement) -> Entry | None:
    if not element.value_name:
        return None
    if element.kind == "list":
        return None
    if element.items:
        values = {f"{ident}_{suffix}": value.data for suffix, value in element.items}
        rule: dict[str, Any] = {"values": values}
    else:
        rule = {"transform": "multi_sz" if element.kind == "multiText" else "identity"}
    target = _reg_target(hive, element.key, element.value_name, element.reg_type, **rule)
    if element.lossy:
        return {
            "confidence": "partial",
            "reason": "the ADMX element writes further values not mapped here",
            "targets": [target],
        }
    return {"confidence": "exact", "targets": [target]}


def native_admx_entry(
    ident: str,
    node: DdfNode,
    policy: AdmxPolicy,
    element_id: str | None,
    polarity: dict[str, int],
) -> Entry:
    """A native Policy CSP setting whose GP equivalent is an ADMX policy (GpMapping).

    The values come from the ADMX, never from the CSP's numbers alone: an element's items
    and check box values, or the policy's enabled/disabled data picked by what CSP value 1
    means (:func:`_relation`).  Where neither gives a value, the entry gives none and says
    why (``values: {}``: the setting yields no GP fact)."""
    hive = _hive(node.path, policy.cls)
    where = {"admx": f"{policy.file}:{policy.name}"}
    if element_id is not None or not policy.value_name:
        return {**_element_setting(ident, node, policy, element_id, hive), **where}
    return {**_policy_value_setting(ident, node, policy, hive, polarity), **where}


def _partial(reason: str, targets: list[dict[str, Any]]) -> Entry:
    return {"confidence": "partial", "reason": reason, "targets": targets}


def _item_values(
    ident: str, enum: tuple[str, ...], element: AdmxElement
) -> tuple[dict[str, Any], list[str]]:
    """The element data of each CSP value, and the CSP values that have none.

    An item's data is the drop-down value or the check box's true/false value (a deletion
    when the ADMX has no falseValue).  A CSP value 0 that is no item stands for the policy
    disabled, which deletes the element's value: the only other thing the ADMX writes there.
    An element without items (a number or text box) takes the CSP value as its data."""
    data_of = dict(element.items)
    values: dict[str, Any] = {}
    foreign: list[str] = []
    for value in enum:
        if value.casefold() in data_of:
            values[f"{ident}_{value}"] = data_of[value.casefold()].data
        elif not element.items:
            values[f"{ident}_{value}"] = _typed(value, element.reg_type)
        elif value == "0":
            values[f"{ident}_{value}"] = None
        else:
            foreign.append(value)
    return values, foreign


def _element_setting(
    ident: str, node: DdfNode, policy: AdmxPolicy, element_id: str | None, hive: str
) -> Entry:
    element = _pick_element(policy, element_id)
    if element is None or not element.value_name:
        named = f" (element {element_id})" if element_id else ""
        return _partial(f"the ADMX policy {policy.name}{named} has no registry value to map to", [])
    enum = node.configured_enum()
    values, foreign = _item_values(ident, enum, element)
    rule: dict[str, Any] = {"values": values} if enum else {"transform": "identity"}
    target = _reg_target(hive, element.key, element.value_name, element.reg_type, **rule)
    if foreign:
        items = ", ".join(suffix for suffix, _ in element.items)
        return _partial(
            f"CSP values {', '.join(foreign)} are not values of the ADMX element {element.id}"
            f" ({items})",
            [target],
        )
    others = sorted(
        {e.value_name for e in policy.elements if e is not element and e.value_name}
        - {element.value_name}
    )
    if not others:
        return {"confidence": "exact", "targets": [target]}
    return _partial(
        f"sets only the option {element.value_name} of the ADMX policy {policy.name}; its other"
        f" options ({', '.join(others)}) are not set by this setting",
        [target],
    )


def _policy_value_setting(
    ident: str, node: DdfNode, policy: AdmxPolicy, hive: str, polarity: dict[str, int]
) -> Entry:
    """A CSP setting mapped to the policy's own registry value (see native_admx_entry)."""
    name = policy.value_name or ""
    enum = node.configured_enum()
    owner = next((e for e in policy.elements if e.items and _same_value(e, policy.key, name)), None)
    if owner is not None and enum:
        # The policy's value is written by its drop-down: the CSP enum is the drop-down's.
        values, foreign = _item_values(ident, enum, owner)
        if not foreign:
            target = _reg_target(hive, owner.key, owner.value_name, owner.reg_type, values=values)
            return {"confidence": "exact", "targets": [target]}
    on = policy.enabled or RegValue("REG_DWORD", 1)
    states = {_truth(on.data): on.data}
    off_truth = _truth(policy.disabled.data) if policy.disabled else None
    if policy.disabled is None and states.keys() <= {0, 1}:
        off_truth = 1 - _truth(on.data)  # type: ignore[operator]
    states[off_truth] = policy.disabled.data if policy.disabled else None
    leaf = node.path.rpartition("/")[2]
    sign = polarity.get(ident, _relation(leaf, name))
    reg_type = on.type
    extra = [v for v in enum if v not in ("0", "1")]
    binary = set(states) == {0, 1} and len(extra) < len(enum or "01")
    if binary and sign is not None:
        values = {
            f"{ident}_{v}": states[int(v) if sign > 0 else 1 - int(v)]
            for v in enum or ("0", "1")
            if v in ("0", "1")
        }
        target = _reg_target(hive, policy.key, name, reg_type, values=values)
        if not extra:
            return {"confidence": "exact", "targets": [target]}
        labels = dict(zip(node.enum, node.labels, strict=True))
        said = "; ".join(f"{v}: {labels.get(v, '')[:60]}" for v in extra)
        return _partial(f"CSP value(s) without a Group Policy equivalent ({said})", [target])
    written = {on.data} | ({policy.disabled.data} if policy.disabled else set())
    if enum and {_typed(v, reg_type) for v in enum} == written and not written <= {0, 1}:
        # The CSP's values are the very data the policy writes (and not a 0/1 whose sense
        # could be either way): DisableWebBrowserSettingSync 2 / 0.
        values = {f"{ident}_{v}": _typed(v, reg_type) for v in enum}
        target = _reg_target(hive, policy.key, name, reg_type, values=values)
        return {"confidence": "exact", "targets": [target]}
    if binary:
        reason = (
            f"neither the names ({leaf} / {name}) nor a curated entry say whether CSP value 1"
            f" means {name} = {states[1]} or {states[0]}"
        )
    else:
        shown = ", ".join(str(d) for d in sorted(written, key=str))
        reason = (
            f"the CSP values ({', '.join(enum) or 'any integer'}) are not the data the ADMX"
            f" policy writes ({shown}{'' if policy.disabled else ' / deleted'})"
        )
    # No value table can be derived: no value is guessed (the setting gives no GP fact).
    return _partial(reason, [_reg_target(hive, policy.key, name, reg_type, values={})])


def _same_value(element: AdmxElement, key: str, name: str) -> bool:
    return (
        element.value_name.casefold() == name.casefold()
        and element.key.casefold() == key.casefold()
    )


def _truth(data: Any) -> int | None:
    """1 or 0 for data that says yes or no (1, "yes", "true"...), else None."""
    text = str(data).casefold()
    return 1 if text in ("1", "yes", "true") else 0 if text in ("0", "no", "false") else None


_NEGATIVE_WORDS = (
    "Disallow",
    "Disable",
    "TurnOff",
    "DoNot",
    "Dont",
    "Prevent",
    "Hide",
    "Block",
    "Deny",
    "Exclude",
    "No",
)
_POSITIVE_WORDS = (
    "Allow",
    "Enable",
    "TurnOn",
    "Show",
    "Always",
    "Require",
    "Use",
    "Publish",
    "Upload",
    "Send",
    "Sync",
    "Unlock",
)


def _word_polarity(name: str) -> int:
    """+1 for a name saying "allow/enable X", -1 for "disable/hide/no X", 0 when it says neither."""
    name = name.replace(" ", "")
    if name.endswith("Lockdown"):
        return -1
    for words, sign in ((_NEGATIVE_WORDS, -1), (_POSITIVE_WORDS, 1)):
        for word in words:
            rest = name[len(word) :]
            if name.startswith(word) and (
                not rest or rest[0].isupper() or rest[0] in "_0123456789"
            ):
                return sign
    return 1 if name.endswith(("Enabled", "Allowed")) else 0


POLARITY = {"same": 1, "inverted": -1}
"""The words of tools/mapping_curated.yaml ``polarity``: CSP value 1 is a yes, or a no, in the
registry."""


def _relation(leaf: str, value_name: str) -> int | None:
    """Whether CSP value 1 of ``leaf`` means a yes (1, "yes") in the registry value ``value_name``
    (+1) or a no (-1), by the words the names start with ("Allow..." against "Disable...");
    None when the names do not tell.  tools/mapping_curated.yaml ``polarity`` overrides it where
    the names mislead (checked by hand against the DDF's value descriptions)."""
    a, b = _word_polarity(leaf), _word_polarity(value_name)
    if a and b:
        return a * b
    plain_leaf, plain_name = leaf.casefold(), value_name.casefold().replace(" ", "")
    if plain_name in plain_leaf or plain_leaf in plain_name:
        return 1
    return None


def _pick_element(policy: AdmxPolicy, element_id: str | None) -> AdmxElement | None:
    for element in policy.elements:
        if element_id is None or element.id.casefold() == element_id.casefold():
            return element
    return None


def _typed(text: str, reg_type: str) -> int | str:
    if reg_type in ("REG_DWORD", "REG_QWORD") and re.fullmatch(r"-?\d+", text):
        return int(text)
    return text


def security_entry(ident: str, node: DdfNode, option: SecurityOption) -> Entry:
    rule: dict[str, Any]
    if option.section == "System Access":
        target: dict[str, Any] = {"kind": "security", "key": f"System Access/{option.value}"}
        gp_values = {o for o in option.options if o}
        reg_type = None
    else:
        hive_key, _, name = option.value.rpartition("\\")
        codes = {o.partition(",")[0] for o in option.options}
        reg_type = {"1": "REG_SZ", "4": "REG_DWORD", "7": "REG_MULTI_SZ", "3": "REG_BINARY"}.get(
            codes.pop() if len(codes) == 1 else "", "REG_SZ"
        )
        target = {"kind": "registry", "key": registry_path(hive_key, name), "type": reg_type}
        gp_values = {o.partition(",")[2].strip('"') for o in option.options if "," in o}
    if node.enum:
        rule = {"values": {f"{ident}_{v}": _typed(v, reg_type or "REG_DWORD") for v in node.enum}}
    else:
        rule = {"transform": "multi_sz" if reg_type == "REG_MULTI_SZ" else "identity"}
    entry: Entry = {"confidence": "exact", "targets": [{**target, **rule}], "gp": "security option"}
    if node.enum and gp_values and not set(node.enum) <= gp_values:
        entry = {
            **entry,
            "confidence": "partial",
            "reason": "the CSP values are not the values the security option writes",
        }
    return entry


def gp_entry(
    ident: str,
    node: DdfNode,
    admx: dict[tuple[str, str], AdmxPolicy],
    options: dict[str, SecurityOption],
    rights: dict[str, str],
    polarity: dict[str, int],
) -> Entry | None:
    assert node.gp is not None
    name, area, element = node.gp
    if "~AT~" in area:
        policy = admx.get((area.partition("~AT~")[0].casefold(), name.casefold()))
        return native_admx_entry(ident, node, policy, element, polarity) if policy else None
    if area.endswith("Security Options"):
        option = options.get(_norm(name))
        return security_entry(ident, node, option) if option else None
    right = rights.get(node.path.rpartition("/")[2])
    if area.endswith("User Rights Assignment") and right:
        target = {"kind": "privilege", "key": right, "transform": "principals"}
        return {"confidence": "exact", "targets": [target], "gp": "user right"}
    if "Advanced Audit Policy Configuration" in area:
        sub = name[6:] if name.casefold().startswith("audit ") else name
        values = {f"{ident}_{v}": AUDIT_VALUES[v] for v in node.enum if v in AUDIT_VALUES}
        return {
            "confidence": "exact",
            "targets": [{"kind": "audit", "key": sub, "values": values}],
            "gp": "audit",
        }
    return None


def build(corpus: Path) -> dict[str, Any]:
    mapping = corpus / "mapping"
    admx = load_admx(mapping / "admx")
    options = load_security_options(mapping / "SecurityOptionData.psd1")
    curated = yaml.safe_load(CURATED.read_text(encoding="utf-8"))
    rights: dict[str, str] = curated["user_rights"]
    polarity = {key: POLARITY[rel] for key, rel in curated["polarity"].items()}
    settings: dict[str, Entry] = {}
    equivalent: set[str] = set()
    for node in load_ddf(mapping / "ddf"):
        ident = setting_id(node.path)
        if not ident.startswith(("device_", "user_")) or (node.admx is None and node.gp is None):
            continue
        equivalent.add(ident)
        if node.admx is not None:
            policy = admx.get((Path(node.admx[0]).stem.casefold(), node.admx[1].casefold()))
            if policy is not None:
                settings.update(admx_entries(ident, _hive(node.path, policy.cls), policy))
                settings[ident]["csp"] = node.path
            continue
        entry = gp_entry(ident, node, admx, options, rights, polarity)
        if entry is not None:
            settings[ident] = {**entry, "csp": node.path}
    for key, spec in curated["legacy"].items():
        settings[key] = {"confidence": spec.get("confidence", "exact"), "targets": spec["targets"]}
        if "reason" in spec:
            settings[key]["reason"] = spec["reason"]
    return {
        "schema_version": SCHEMA_VERSION,
        "settings": {key: shorten(key, settings[key]) for key in sorted(settings)},
        "gp_equivalent": sorted(equivalent),
    }


def shorten(ident: str, entry: Entry) -> Entry:
    """Choice ids ``<ident>_<option>`` are stored as ``_<option>`` (checker.mapping reads both)."""
    targets = []
    for target in entry["targets"]:
        if "values" in target:
            values = {_suffix(ident, key): value for key, value in target["values"].items()}
            target = {**target, "values": values}
        targets.append(target)
    return {**entry, "targets": targets}


def _suffix(ident: str, key: str) -> str:
    return key[len(ident) :] if key.startswith(ident + "_") else key


def serialise(table: dict[str, Any]) -> bytes:
    """A head (the setting ids in order, the ids with a GP equivalent), then a setting a line
    (checker/core/rows.py: a run builds an entry when it first looks the setting up)."""
    keys = sorted(table["settings"])
    head = {key: value for key, value in table.items() if key != "settings"}
    return write_rows({**head, "keys": keys}, (table["settings"][key] for key in keys))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--check", action="store_true", help="exit 1 if the shipped table is stale")
    args = parser.parse_args(argv)
    data = serialise(build(args.corpus))
    if args.check:
        current = OUTPUT.read_bytes() if OUTPUT.exists() else b""
        if current != data:
            print(
                f"{OUTPUT.relative_to(ROOT)} is out of date: run python -m tools.gen_mapping",
                file=sys.stderr,
            )
            return 1
        return 0
    OUTPUT.write_bytes(data)
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
