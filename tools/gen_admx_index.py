"""Build checker/data/admx_index.json.gz from a folder of ADMX files and their en-US ADML.

gpreport.xml and gpresult /x name Administrative Templates policies by their display name and
category path, and their options by the label shown in the editor; the registry values the
policy writes are only in the ADMX.  This script keeps, per policy, just what is needed to
write those values again (see checker/loaders/admx.py for the record layout).

    python -m tools.gen_admx_index ../shared/corpus/mapping/admx checker/data/admx_index.json.gz
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path
from typing import Any

from checker.core.files import read_bytes
from checker.loaders.xmlsafe import Element, first, kids, local, parse_xml, read_xml

_STRING_REF = re.compile(r"\$\((string|presentation)\.([^)]+)\)")
# Windows' WindowsDefender.adml had "Definitions" replaced by "security intelligence"
# everywhere, its namespace URI included; a space is not allowed in a URI, so put it back.
_BROKEN_NAMESPACE = (b"/Policysecurity intelligence", b"/PolicyDefinitions")
_ELEMENT_TYPES = ("decimal", "longDecimal", "boolean", "enum", "text", "list", "multiText")

Json = Any


class Strings:
    """The en-US string and presentation tables of one ADML file."""

    def __init__(self, adml: Path) -> None:
        self.strings: dict[str, str] = {}
        self.presentations: dict[str, Element] = {}
        if not adml.is_file():
            return
        data = read_bytes(adml).replace(*_BROKEN_NAMESPACE)
        for element in parse_xml(data, str(adml)).iter():
            tag = local(element)
            if tag == "string" and element.get("id"):
                self.strings[element.get("id", "")] = element.text or ""
            elif tag == "presentation" and element.get("id"):
                self.presentations[element.get("id", "")] = element

    def text(self, reference: str | None) -> str:
        match = _STRING_REF.fullmatch(reference or "")
        return self.strings.get(match.group(2), "") if match else reference or ""

    def labels(self, reference: str | None) -> dict[str, str]:
        """Element id -> the label shown for it in the policy's presentation."""
        match = _STRING_REF.fullmatch(reference or "")
        presentation = self.presentations.get(match.group(2)) if match else None
        if presentation is None:
            return {}
        out: dict[str, str] = {}
        for part in presentation:
            label = first(part, "label")
            text = (label.text if label is not None else part.text) or ""
            if part.get("refId"):
                out[part.get("refId", "")] = text.strip()
        return out


def value_spec(element: Element | None) -> Json:
    """``<decimal value>``/``<longDecimal>``/``<string>``/``<delete/>`` as a compact list."""
    if element is None:
        return None
    for kind in element:
        tag = local(kind)
        if tag == "decimal":
            return ["d", int(kind.get("value", "0"))]
        if tag == "longDecimal":
            return ["q", int(kind.get("value", "0"))]
        if tag == "string":
            return ["s", kind.text or ""]
        if tag == "delete":
            return ["x"]
    return None


def value_list(element: Element | None, default_key: str | None) -> Json:
    """``<enabledList>``-like lists: [[key, valueName, spec], ...]."""
    if element is None:
        return None
    key = element.get("defaultKey") or default_key
    return [
        [item.get("key") or key, item.get("valueName", ""), value_spec(first(item, "value"))]
        for item in kids(element, "item")
    ]


def compact(record: dict[str, Json]) -> dict[str, Json]:
    """The record without empty fields: the reader treats a missing field as empty.

    An empty ``prefix`` is kept: list values are then named 1, 2, 3...
    """
    return {
        name: value
        for name, value in record.items()
        if value not in (None, [], False) and (value != "" or name == "prefix")
    }


def element_record(
    element: Element, policy_key: str, labels: dict[str, str], strings: Strings
) -> Json:
    tag = local(element)
    key = element.get("key") or policy_key
    record: dict[str, Json] = {"t": tag, "label": labels.get(element.get("id", ""), "")}
    if key != policy_key:
        record["k"] = key
    record["v"] = element.get("valueName", "")
    if tag in ("decimal", "longDecimal") and element.get("storeAsText") == "true":
        record["str"] = True
    elif tag == "boolean":
        record["on"] = value_spec(first(element, "trueValue"))
        record["off"] = value_spec(first(element, "falseValue"))
        record["onl"] = value_list(first(element, "trueList"), key)
        record["offl"] = value_list(first(element, "falseList"), key)
    elif tag == "enum":
        record["items"] = [
            compact(
                {
                    "name": strings.text(item.get("displayName")).strip(),
                    "val": value_spec(first(item, "value")),
                    "list": value_list(first(item, "valueList"), key),
                }
            )
            for item in kids(element, "item")
        ]
    elif tag in ("text", "list") and element.get("expandable") == "true":
        record["exp"] = True
    if tag == "list":
        record["prefix"] = element.get("valuePrefix")
        record["explicit"] = element.get("explicitValue") == "true"
        record["additive"] = element.get("additive") == "true"
    return compact(record)


def policy_record(policy: Element, category: str, strings: Strings) -> Json:
    key = policy.get("key", "")
    labels = strings.labels(policy.get("presentation"))
    elements = first(policy, "elements")
    record: dict[str, Json] = {
        "cat": category,
        "cls": policy.get("class", "Both"),
        "k": key,
        "v": policy.get("valueName"),
        "on": value_spec(first(policy, "enabledValue")),
        "off": value_spec(first(policy, "disabledValue")),
        "onl": value_list(first(policy, "enabledList"), key),
        "offl": value_list(first(policy, "disabledList"), key),
        "el": [
            element_record(element, key, labels, strings)
            for element in (elements if elements is not None else [])
            if local(element) in _ELEMENT_TYPES
        ],
    }
    return compact(record)


class Catalog:
    """Every ADMX file of a folder, with categories resolved across files by namespace."""

    def __init__(self, folder: Path) -> None:
        self.files: list[tuple[Element, Strings, str, dict[str, str]]] = []
        self.categories: dict[tuple[str, str], tuple[str, tuple[str, str] | None]] = {}
        # ADML names differ in case from their ADMX (inetres.admx, InetRes.adml).
        adml = {path.stem.casefold(): path for path in (folder / "en-US").glob("*.adml")}
        for admx in sorted(folder.glob("*.admx")):
            root = read_xml(admx)
            strings = Strings(adml.get(admx.stem.casefold(), folder / "en-US" / "missing.adml"))
            namespace, prefixes = self.namespaces(root)
            self.files.append((root, strings, namespace, prefixes))
            for category in root.iter("{*}category"):
                parent = first(category, "parentCategory")
                self.categories[(namespace, category.get("name", ""))] = (
                    strings.text(category.get("displayName")).strip(),
                    self.reference(parent.get("ref", ""), namespace, prefixes)
                    if parent is not None
                    else None,
                )

    @staticmethod
    def namespaces(root: Element) -> tuple[str, dict[str, str]]:
        target = next(root.iter("{*}target"))
        prefixes = {
            item.get("prefix", ""): item.get("namespace", "") for item in root.iter("{*}using")
        }
        prefixes[target.get("prefix", "")] = target.get("namespace", "")
        return target.get("namespace", ""), prefixes

    @staticmethod
    def reference(ref: str, namespace: str, prefixes: dict[str, str]) -> tuple[str, str]:
        prefix, colon, name = ref.partition(":")
        return (prefixes.get(prefix, prefix), name) if colon else (namespace, ref)

    def category_path(self, ref: tuple[str, str] | None) -> str:
        parts: list[str] = []
        seen: set[tuple[str, str]] = set()
        while ref is not None and ref in self.categories and ref not in seen:
            seen.add(ref)
            name, ref = self.categories[ref]
            parts.append(name)
        return "/".join(reversed(parts))

    def index(self) -> dict[str, list[Json]]:
        """Casefolded display name -> the policies of that name."""
        out: dict[str, list[Json]] = {}
        for root, strings, namespace, prefixes in self.files:
            for policy in root.iter("{*}policy"):
                parent = first(policy, "parentCategory")
                ref = (
                    self.reference(parent.get("ref", ""), namespace, prefixes)
                    if parent is not None
                    else None
                )
                name = strings.text(policy.get("displayName")).strip()
                record = policy_record(policy, self.category_path(ref), strings)
                out.setdefault(name.casefold(), []).append(record)
        return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    index = Catalog(Path(argv[0])).index()
    payload = json.dumps(index, sort_keys=True, separators=(",", ":")).encode()
    # mtime=0: the same ADMX folder always gives the same bytes.
    Path(argv[1]).write_bytes(gzip.compress(payload, 9, mtime=0))
    print(f"{sum(map(len, index.values()))} policies, {len(payload):,} bytes of JSON -> {argv[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
