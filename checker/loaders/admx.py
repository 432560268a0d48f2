"""Administrative Templates: which registry values a policy, as a report shows it, writes.

gpreport.xml and gpresult /x show a policy by display name, category and state, and its
options by the label the editor shows; the registry values are only in the ADMX files.  The
shipped index ``checker/data/admx_index.json.gz`` (built by ``tools/gen_admx_index.py`` from
the ADMX files of several Windows releases, oldest first, and a few curated policies of ADMX
files Windows does not ship, ``tools/admx_curated.yaml``) maps display names to *variants*: a
policy with one set of writes, under every name, category path and release it had.  It is
JSON Lines (gzipped): a head, then variant number 0, 1, ... a line each::

    {"releases": ["win10-1607", "win10-1809", "current"],
     "names": {"<display name, casefolded>": [variant number, ...]}}
    {"cats": ["Network/DNS Client", ...], "rel": [release number, ...],
     "cur": true (curated), "cls": "Machine|User|Both",
     "k": key, "v": valueName, "on"/"off": SPEC, "onl"/"offl": [[key, valueName, SPEC]...],
     "el": [{"t": "decimal|longDecimal|boolean|enum|text|list|multiText",
             "label": ..., "k": key (policy key when absent), "v": valueName, ...}]}

    SPEC = ["d", int] | ["q", int] | ["s", str] | ["x"] (delete)

A report names a policy by display name and category path only, so :func:`resolve` finds it
by name (of any release), ADMX class and category path (of any release, a category under any
of its names), then by the options the report shows; where variants still write different
values (legacy Edge's "Configure Windows Defender SmartScreen" wrote ``MicrosoftEdge``'s key
up to Windows 10 1809 and writes Chromium Edge's in Windows 11, under the same name, category
and everything else) the policy is not guessed but unmapped, with the reason, as is a name
that is unknown or known only under another category.

:func:`writes` replays what the Group Policy editor writes to registry.pol for a state, so
the values match the raw file of the same GPO:

- Enabled: the policy value (``enabledValue``, else DWORD 1), ``enabledList``, every option;
  an unchecked check box without ``falseValue`` deletes its value (``**del.``); a list that
  is not additive first deletes every value of its key (``**delvals.``).
- Disabled: the policy value (``disabledValue``, else deleted), ``disabledList``; options
  are deleted (lists: ``**delvals.``), but a check box that has a ``falseValue`` writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from checker.core.rows import Rows

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


class _Index:
    """The shipped index, each variant decoded, and its categories casefolded, when a report
    first names it (checker/core/rows.py): a run reads a few hundred of 5,000 variants, and
    doing it all up front took 47 ms, a tenth of checking one gpresult against every shipped
    benchmark; this takes 9."""

    __slots__ = ("_categories", "_released", "_rows", "names", "releases")

    def __init__(self, data: bytes) -> None:
        self._rows = Rows(data)
        self.releases: list[str] = self._rows.head["releases"]
        self.names: dict[str, list[int]] = self._rows.head["names"]
        self._released: dict[int, frozenset[str]] = {}
        self._categories: dict[int, frozenset[str]] = {}

    def variant(self, number: int) -> Record:
        found: Record = self._rows[number]
        return found

    def released(self, number: int) -> frozenset[str]:
        """The variant's category paths as its releases had them, casefolded."""
        found = self._released.get(number)
        if found is None:
            cats = self.variant(number)["cats"]
            found = self._released[number] = frozenset(path.casefold() for path in cats)
        return found

    def categories(self, number: int) -> frozenset[str]:
        """Those and the paths that name its categories as other releases did, casefolded."""
        found = self._categories.get(number)
        if found is None:
            other = (path.casefold() for path in self.variant(number).get("alt", ()))
            found = self._categories[number] = self.released(number).union(other)
        return found

    def here(
        self, numbers: Sequence[int], scope: str, category: str
    ) -> tuple[list[int], list[int]]:
        """Of the variants ``numbers``, those of ``scope`` (Machine or User), and of those the
        ones under ``category`` (casefolded): as released, else under any of its names."""
        classed = [n for n in numbers if self.variant(n)["cls"] in (scope, "Both")]
        here = [n for n in classed if category in self.released(n)]
        return classed, here or [n for n in classed if category in self.categories(n)]


@cache
def _index() -> _Index:
    return _Index(resources.files("checker.data").joinpath("admx_index.json.gz").read_bytes())


def resolve(
    name: str, category: str, scope: str, state: str, options: Sequence[Option] = ()
) -> Resolution | str:
    """The writes of the policy shown as ``name`` under ``category`` in ``state`` with
    ``options``, for ``scope`` (Machine or User); or, when it cannot be mapped, why.

    The category tells apart policies of one name (``Allow Basic authentication`` is in both
    WinRM Client and WinRM Service) and never gives way: a name known only under another
    category is unmapped (a site's "Cookies" policy is not Firefox's).  A name not in the
    index matches a policy of the same category whose name it extends: older MSS ADMX files
    add a remark, "... protection level (protects against packet spoofing)"."""
    index = _index()
    wanted, folded = name.strip().casefold(), category.strip().casefold()
    numbers = index.names.get(wanted) or _extended(wanted, folded)
    if not numbers:
        return "no ADMX policy of this name is known"
    classed, here = index.here(numbers, scope, folded)
    if not classed:
        return f"no ADMX policy of this name applies to the {scope} configuration"
    if not here:
        elsewhere = sorted({path for n in classed for path in index.variant(n)["cats"]})
        return f"an ADMX policy of this name is known only under {'; '.join(elsewhere)}"
    found = {n: writes(index.variant(n), state, options) for n in here}
    # What else the report shows tells variants apart: the options it lists and the values
    # it gives them (an enum item of one release only).
    fitting = [n for n in here if _fits(index.variant(n), options) and not found[n].unresolved]
    shown = fitting or here
    newest = found[shown[-1]]
    if all(found[n] == newest for n in shown):
        return newest
    return "ambiguous: " + "; ".join(
        f"{_shown_writes(found[n])} in {_releases(index, index.variant(n))}" for n in shown
    )


def find_policy(name: str, category: str, scope: str) -> Record | None:
    """The one ADMX policy shown as ``name`` under ``category`` for ``scope``, or None
    when there is none or several that write differently (see :func:`resolve`)."""
    index = _index()
    wanted, folded = name.strip().casefold(), category.strip().casefold()
    numbers = index.names.get(wanted) or _extended(wanted, folded)
    here = index.here(numbers, scope, folded)[1]
    return index.variant(here[0]) if len(here) == 1 else None


@lru_cache(maxsize=1 << 12)
def _extended(name: str, category: str) -> tuple[int, ...]:
    """Policies of ``category`` whose name ``name`` extends ("<known name> <remark>").

    Each shorter name ``name`` starts with, cut at a space, is one lookup: a name missing
    from the index costs as many lookups as it has words (a scan of the whole index each,
    in an unbounded cache, took a 51 MB gpresult 33 s and 423 MB)."""
    index = _index()
    cuts = [at for at, char in enumerate(name) if char == " "]
    return tuple(
        number
        for at in cuts
        for number in index.names.get(name[:at], ())
        if category in index.categories(number)
    )


def _fits(policy: Record, options: Sequence[Option]) -> bool:
    """Whether the report shows the options ``policy`` has (variants of a policy differ in
    their options more often than in anything else)."""
    shown = {_label(option.label) for option in options}
    return not shown or shown == {_label(e.get("label", "")) for e in policy.get("el", [])}


def _shown_writes(resolution: Resolution) -> str:
    shown = [f"{w.key}!{w.name}" for w in resolution.writes if not w.deleted]
    return ", ".join(shown) or "nothing"


def _releases(index: _Index, policy: Record) -> str:
    if policy.get("cur"):
        return "a curated entry"
    names = [index.releases[number] for number in policy.get("rel", [])]
    return names[0] if len(names) == 1 else f"{names[0]} to {names[-1]}"


def writes(policy: Record, state: str, options: Sequence[Option]) -> Resolution:
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
    """What disabling a policy writes for one of its options: a check box with a
    ``falseValue`` writes it (as registry.pol of disabled BitLocker policies shows), any
    other option is deleted."""
    element_key = element.get("k", key)
    if element["t"] == "boolean" and "off" in element:
        return [
            _write(element_key, element.get("v", ""), element["off"]),
            *_list_writes(element.get("offl", [])),
        ]
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
