"""Administrative Templates: which registry values a policy, as a report shows it, writes.

gpreport.xml and gpresult /x show a policy by display name, category and state, and its
options by the label the editor shows; the registry values are only in the ADMX files.  The
shipped index ``checker/data/admx_index.json.gz`` (built by ``tools/gen_admx_index.py``) maps
display names to ADMX records::

    {"<display name, casefolded>": [{"cat": "Network/DNS Client", "cls": "Machine|User|Both",
      "k": key, "v": valueName, "on"/"off": SPEC, "onl"/"offl": [[key, valueName, SPEC]...],
      "el": [{"t": "decimal|longDecimal|boolean|enum|text|list|multiText", "label": ...,
              "k": key (policy key when absent), "v": valueName, ...}]}]}

    SPEC = ["d", int] | ["q", int] | ["s", str] | ["x"] (delete)

:func:`writes` replays what the Group Policy editor writes to registry.pol for a state, so
the values match the raw file of the same GPO:

- Enabled: the policy value (``enabledValue``, else DWORD 1), ``enabledList``, every option;
  an unchecked check box without ``falseValue`` deletes its value (``**del.``); a list that
  is not additive first deletes every value of its key (``**delvals.``).
- Disabled: the policy value (``disabledValue``, else deleted), ``disabledList``; options
  are deleted (lists: ``**delvals.``).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

Record = dict[str, Any]

_TYPES = {"d": "REG_DWORD", "q": "REG_QWORD", "s": "REG_SZ"}


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a policy as a report shows it.

    ``state`` is the report's ``State`` (check boxes: ``Enabled``/``Disabled``); ``value`` the
    number, text or drop-down item name; ``items`` the (name, data) pairs of a list box, or
    of a multi-line text box (name None).
    """

    label: str
    state: str = "Enabled"
    value: str | None = None
    items: tuple[tuple[str | None, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Write:
    """One registry.pol entry: a value set, or deleted (``value`` None, ``deleted``)."""

    key: str
    name: str
    type: str | None
    value: Any
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class Resolution:
    """The writes of one policy, and the labels of options that could not be placed."""

    writes: tuple[Write, ...]
    unresolved: tuple[str, ...] = ()


@cache
def _index() -> dict[str, list[Record]]:
    data = resources.files("checker.data").joinpath("admx_index.json.gz").read_bytes()
    index: dict[str, list[Record]] = json.loads(gzip.decompress(data))
    return index


def find_policy(name: str, category: str, scope: str) -> Record | None:
    """The ADMX policy shown as ``name`` under ``category`` for ``scope`` (Machine or User).

    The category tells apart policies of one name (``Allow Basic authentication`` is in both
    WinRM Client and WinRM Service); a name with a single candidate matches even when the
    report's category differs (custom ADMX files can be filed elsewhere).  A name not in the
    index matches a policy of the same category whose name it extends: older MSS ADMX files
    add a remark, "... protection level (protects against packet spoofing)".
    """
    wanted = name.strip().casefold()
    records = _index().get(wanted) or _extended(wanted, category)
    candidates = [record for record in records if record["cls"] in (scope, "Both")]
    exact = [r for r in candidates if r.get("cat", "").casefold() == category.casefold()]
    if len(exact) == 1:
        return exact[0]
    return candidates[0] if len(candidates) == 1 else None


@cache
def _extended(name: str, category: str) -> list[Record]:
    """Scans the whole index, so a name missing from it is looked for once per process."""
    return [
        record
        for known, records in _index().items()
        if name.startswith(known + " ")
        for record in records
        if record.get("cat", "").casefold() == category.casefold()
    ]


def writes(policy: Record, state: str, options: list[Option]) -> Resolution:
    """The registry writes of ``policy`` in ``state`` (Enabled/Disabled) with ``options``."""
    enabled = state.casefold() == "enabled"
    out: list[Write] = []
    key = policy["k"]
    if policy.get("v"):
        spec = policy.get("on", ["d", 1]) if enabled else policy.get("off", ["x"])
        out.append(_write(key, policy["v"], spec))
    out += _list_writes(policy.get("onl" if enabled else "offl", []))
    if not enabled:
        for element in policy.get("el", []):
            out += _cleared(element, key)
        return Resolution(tuple(out))
    # An option left "NotConfigured" (possible in reports) writes nothing.
    by_label = {_label(o.label): o for o in options if o.state.casefold() != "notconfigured"}
    skipped = {_label(o.label) for o in options if o.state.casefold() == "notconfigured"}
    missing: list[str] = []
    for element in policy.get("el", []):
        label = _label(element.get("label", ""))
        option = by_label.get(label)
        if option is None and label in skipped:
            continue
        if option is None:
            missing.append(element.get("label") or element.get("v", "?"))
            continue
        element_writes = _option_writes(element, element.get("k", key), option)
        if element_writes is None:
            missing.append(option.label)
        else:
            out += element_writes
    return Resolution(tuple(out), tuple(missing))


def _label(text: str) -> str:
    return " ".join(text.split()).rstrip(":").casefold()


def _write(key: str, name: str, spec: list[Any]) -> Write:
    if spec[0] == "x":
        return Write(key, name, None, None, deleted=True)
    return Write(key, name, _TYPES[spec[0]], spec[1])


def _list_writes(items: list[list[Any]]) -> list[Write]:
    return [_write(key, name, spec) for key, name, spec in items if spec is not None]


def _cleared(element: Record, key: str) -> list[Write]:
    """What disabling a policy writes for one of its options."""
    element_key = element.get("k", key)
    if element["t"] == "list":
        return [Write(element_key, "**delvals.", None, None, deleted=True)]
    return [Write(element_key, element.get("v", ""), None, None, deleted=True)]


def _option_writes(element: Record, key: str, option: Option) -> list[Write] | None:
    """The writes of one option, or None when the report's value does not fit the ADMX."""
    kind, name = element["t"], element.get("v", "")
    if kind in ("decimal", "longDecimal"):
        number = _integer(option.value)
        if number is None:
            return None
        if element.get("str"):
            return [Write(key, name, "REG_SZ", str(number))]
        return [Write(key, name, "REG_DWORD" if kind == "decimal" else "REG_QWORD", number)]
    if kind == "boolean":
        checked = option.state.casefold() == "enabled"
        spec = element.get("on", ["d", 1]) if checked else element.get("off", ["x"])
        return [
            _write(key, name, spec),
            *_list_writes(element.get("onl" if checked else "offl", [])),
        ]
    if kind == "enum":
        return _enum_writes(element, key, option)
    string_type = "REG_EXPAND_SZ" if element.get("exp") else "REG_SZ"
    if kind == "text":
        return [Write(key, name, string_type, option.value or "")]
    if kind == "multiText":
        return [Write(key, name, "REG_MULTI_SZ", [data for _, data in option.items])]
    return _list_box_writes(element, key, option, string_type)


def _enum_writes(element: Record, key: str, option: Option) -> list[Write] | None:
    wanted = _label(option.value or "")
    for item in element.get("items", []):
        if _label(item.get("name", "")) == wanted:
            found = [_write(key, element.get("v", ""), item["val"])] if "val" in item else []
            return found + _list_writes(item.get("list", []))
    return None


def _list_box_writes(element: Record, key: str, option: Option, string_type: str) -> list[Write]:
    out = [] if element.get("additive") else [Write(key, "**delvals.", None, None, deleted=True)]
    prefix = element.get("prefix")
    for number, (name, data) in enumerate(option.items, start=1):
        if element.get("explicit"):
            value_name = name or ""
        elif prefix is not None:
            value_name = f"{prefix}{number}"
        else:
            value_name = data
        out.append(Write(key, value_name, string_type, data))
    return out


def _integer(text: str | None) -> int | None:
    try:
        return int((text or "").strip())
    except ValueError:
        return None
