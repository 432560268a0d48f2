"""Build checker/data/admx_index.json.gz from a folder of ADMX files and their en-US ADML.

gpreport.xml and gpresult /x name Administrative Templates policies by their display name and
category path, and their options by the label shown in the editor; the registry values the
policy writes are only in the ADMX.  This script keeps, per policy, just what is needed to
write those values again (see checker/loaders/admx.py for the record layout).

    python -m tools.gen_admx_index ../shared/corpus/mapping/admx checker/data/admx_index.json.gz
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from checker.core.files import read_bytes
from checker.core.rows import write_rows
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


def policy_record(policy: Element, strings: Strings) -> Json:
    key = policy.get("key", "")
    labels = strings.labels(policy.get("presentation"))
    elements = first(policy, "elements")
    record: dict[str, Json] = {
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


Ref = tuple[str, str]
"""A category: the namespace of its ADMX file and its name there."""


Policy = tuple[str, str, str, tuple[Ref, ...], Json]
"""One policy of one release: its ADMX file, policy id, display name, category chain (root
first) and what it writes (the record of checker/loaders/admx.py)."""


LANGUAGE = "en-US"


class Catalog:
    """Every ADMX file of a folder (one Windows release's PolicyDefinitions), with categories
    resolved across files by namespace.

    The language folder and the ADML files are matched ignoring case: older central stores
    have ``en-us`` and lower-case ADML names (``inetres.admx`` beside ``InetRes.adml``).  An
    ADMX file without its ADML is an error: its policies would have no names."""

    def __init__(self, folder: Path) -> None:
        self.files: list[tuple[str, Element, Strings, str, dict[str, str]]] = []
        self.categories: dict[Ref, tuple[str, Ref | None]] = {}
        adml = {path.stem.casefold(): path for path in _language(folder).glob("*.adml")}
        for admx in sorted(folder.iterdir(), key=lambda path: path.name.casefold()):
            if admx.suffix.casefold() != ".admx":
                continue
            if admx.stem.casefold() not in adml:
                raise SystemExit(f"{admx}: no {LANGUAGE} ADML file beside it")
            root = read_xml(admx)
            strings = Strings(adml[admx.stem.casefold()])
            namespace, prefixes = self.namespaces(root)
            self.files.append((admx.name, root, strings, namespace, prefixes))
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
    def reference(ref: str, namespace: str, prefixes: dict[str, str]) -> Ref:
        prefix, colon, name = ref.partition(":")
        return (prefixes.get(prefix, prefix), name) if colon else (namespace, ref)

    def chain(self, ref: Ref | None) -> tuple[Ref, ...]:
        """The categories from the root down to ``ref``."""
        refs: list[Ref] = []
        while ref is not None and ref in self.categories and ref not in refs:
            refs.append(ref)
            ref = self.categories[ref][1]
        return tuple(reversed(refs))

    def policies(self) -> list[Policy]:
        found: list[Policy] = []
        for file, root, strings, namespace, prefixes in self.files:
            for policy in root.iter("{*}policy"):
                parent = first(policy, "parentCategory")
                ref = (
                    self.reference(parent.get("ref", ""), namespace, prefixes)
                    if parent is not None
                    else None
                )
                name = strings.text(policy.get("displayName")).strip()
                record = policy_record(policy, strings)
                found.append((file, policy.get("name", ""), name, self.chain(ref), record))
        return found


def _language(folder: Path) -> Path:
    for child in folder.iterdir():
        if child.is_dir() and child.name.casefold() == LANGUAGE.casefold():
            return child
    raise SystemExit(f"{folder}: no {LANGUAGE} folder of ADML files")


MAX_PATHS = 64
"""Category paths a variant is indexed under, at most (see :func:`category_paths`)."""

_DEPRECATED = " (DEPRECATED)"


class History:
    """The policies of several releases, oldest first, as variants: a policy (ADMX file and
    policy id) with one set of writes, and every display name, category path and release it
    was seen with (see checker/loaders/admx.py for the index layout)."""

    def __init__(self) -> None:
        self.releases: list[str] = []
        self.variants: list[Json] = []
        self.names: dict[str, set[int]] = {}
        self.chains: list[set[tuple[Ref, ...]]] = []
        self.category_names: dict[Ref, list[str]] = {}
        self.by_signature: dict[tuple[str, str, str], int] = {}

    def add(self, label: str, catalog: Catalog) -> None:
        release = len(self.releases)
        self.releases.append(label)
        for ref, (name, _parent) in catalog.categories.items():
            known = self.category_names.setdefault(ref, [])
            if name not in known:
                known.append(name)
        for file, ident, name, chain, record in catalog.policies():
            signature = (file.casefold(), ident, json.dumps(record, sort_keys=True))
            number = self.by_signature.get(signature)
            if number is None:
                number = self.by_signature[signature] = len(self.variants)
                self.variants.append({**record, "cats": [], "rel": []})
                self.chains.append(set())
            variant = self.variants[number]
            if release not in variant["rel"]:
                variant["rel"].append(release)
            self.chains[number].add(chain)
            path = "/".join(catalog.categories[ref][0] for ref in chain)
            if path not in variant["cats"]:
                variant["cats"].append(path)
            self.name(name, number)

    def name(self, name: str, number: int) -> None:
        """Index variant ``number`` under ``name``, and under it without " (DEPRECATED)"
        (SecGuide.admx marks renamed policies so; reports of their time show the old name)."""
        for shown in {name, name.removesuffix(_DEPRECATED)}:
            self.names.setdefault(shown.casefold(), set()).add(number)

    def add_curated(self, entries: list[Json]) -> None:
        """Policies of ADMX files no release holds (see tools/admx_curated.yaml)."""
        for entry in entries:
            number = len(self.variants)
            record = compact(
                {
                    "cls": entry["class"],
                    "k": entry["key"],
                    "v": entry.get("value"),
                    "on": entry.get("enabled"),
                    "off": entry.get("disabled"),
                }
            )
            self.variants.append({**record, "cats": [entry["category"]], "rel": [], "cur": True})
            self.chains.append(set())
            self.name(entry["name"], number)

    def category_paths(self, chains: set[tuple[Ref, ...]]) -> list[str]:
        """Every path a report may show for a variant's category: each category of its
        chain under any name any release gave it, so that a path of a release between two
        of ours ("Windows Defender Antivirus/Security Intelligence Updates", 1903 to 2004)
        matches too.  Where that makes more than :data:`MAX_PATHS`, the newest names."""
        paths: set[str] = set()
        for chain in chains:
            combined = [""]
            for ref in chain:
                names = self.category_names[ref]
                combined = [
                    f"{head}/{name}" if head else name for head in combined for name in names
                ]
                if len(combined) > MAX_PATHS:
                    combined = ["/".join(self.category_names[ref][-1] for ref in chain)]
                    break
            paths.update(combined)
        return sorted(paths)

    def index(self) -> Json:
        for variant, chains in zip(self.variants, self.chains, strict=True):
            variant["cats"].sort()
            others = [path for path in self.category_paths(chains) if path not in variant["cats"]]
            if others:
                variant["alt"] = others
        return {
            "releases": self.releases,
            "names": {name: sorted(numbers) for name, numbers in sorted(self.names.items())},
            "variants": self.variants,
        }


def releases(admx: Path) -> list[tuple[str, Path]]:
    """The PolicyDefinitions folders to index, oldest first: those of ``admx-history`` beside
    ``admx`` (``<commit>-<release>/PolicyDefinitions``, in release order), then ``admx``."""
    history = admx.parent / "admx-history"
    found = []
    if history.is_dir():
        for folder in sorted(history.iterdir(), key=lambda path: path.name.partition("-")[2]):
            definitions = folder / "PolicyDefinitions"
            if definitions.is_dir():
                found.append((folder.name.partition("-")[2] or folder.name, definitions))
    return [*found, ("current", admx)]


CURATED = Path(__file__).with_name("admx_curated.yaml")


def curated(path: Path = CURATED) -> list[Json]:
    import yaml  # only the generator reads the curated entries

    with path.open(encoding="utf-8") as handle:
        entries: list[Json] = yaml.safe_load(handle)["policies"]
    return entries


def build(admx: Path) -> Json:
    history = History()
    for label, folder in releases(admx):
        history.add(label, Catalog(folder))
    history.add_curated(curated())
    return history.index()


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    index = build(Path(argv[0]))
    # A head, then a variant a line (checker/core/rows.py): a run decodes a variant when a
    # report first names it.
    head = {key: value for key, value in index.items() if key != "variants"}
    data = write_rows(head, index["variants"])
    Path(argv[1]).write_bytes(data)
    print(
        f"{len(index['variants'])} policy variants of {', '.join(index['releases'])} under "
        f"{len(index['names'])} names, {len(data):,} bytes -> {argv[1]}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
