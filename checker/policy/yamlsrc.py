"""YAML with positions: every mapping and list remembers the line of each of its items.

Policy authors need errors that point at the key at fault, so the files the tool reads from a
policy repository (benchmarks, exceptions, plans, targets) are loaded through :func:`load_yaml`,
which also refuses duplicate keys (PyYAML silently keeps the last one).
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from checker.core.errors import InputFormatError, PolicyError
from checker.core.files import decode, open_regular, read_upto


class _NoPositions(dict[Any, Any]):
    """The positions of a document kept without them (:func:`without_positions`): empty,
    shared, and refusing to be filled."""

    def __setitem__(self, key: Any, value: Any) -> None:
        raise TypeError("a document kept without positions cannot record one")


_NO_POSITIONS: Any = _NoPositions()
_NO_POSITIONS_LIST: Any = ()
"""The item lines of a list kept without positions (a tuple: nothing can be added)."""


class Located(dict[str, Any]):
    """A mapping that knows its own line and the line and column of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, tuple[int, int]] = _NO_POSITIONS
    value_starts: dict[str, tuple[int, int, str | None]] = _NO_POSITIONS
    """Line, column and quote style (None, "'" or '"') of each value's first character."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines = {}
        self.value_starts = {}


class LocatedList(list[Any]):
    """A list that knows its own line and the line of each item."""

    line: int = 0
    item_lines: list[int] = _NO_POSITIONS_LIST

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.item_lines = []


_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML has it (six times faster on the shipped benchmarks)."""


class _Loader(_Base):  # type: ignore[valid-type,misc]
    """A safe loader building :class:`Located` values and rejecting duplicate keys."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Located:
    loader.flatten_mapping(node)
    out = Located()
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "mapping keys must be scalars", key_node.start_mark
            )
        key = str(key)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        style = getattr(value_node, "style", None)
        out.value_starts[key] = (
            value_node.start_mark.line + 1,
            value_node.start_mark.column + 1,
            style if style in ("'", '"') else None,
        )
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LocatedList:
    out = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> str:
    """Dates stay the text written (``2027-01-31``): schemas and reports handle them as text."""
    return str(loader.construct_scalar(node))


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> float:
    value: float = loader.construct_yaml_float(node)
    if not math.isfinite(value):
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"{node.value!r} is not a JSON number (policy files hold JSON data)",
            node.start_mark,
        )
    return value


def _refuse(loader: _Loader, node: yaml.Node) -> None:
    """YAML types that JSON has not: a schema cannot judge them and no report can show them."""
    kind = str(node.tag).rpartition(":")[2]
    raise yaml.constructor.ConstructorError(
        None, None, f"!!{kind} is not JSON data, which policy files hold", node.start_mark
    )


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
for _tag in ("set", "binary", "omap", "pairs"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)

MAX_POLICY_BYTES = 16 * 1024 * 1024


def read_policy(path: Path) -> bytes:
    """The bytes of a policy-repository file, up to one more than :data:`MAX_POLICY_BYTES`
    (:func:`load_yaml` refuses a file that big)."""
    try:
        with open_regular(path) as handle:
            return read_upto(handle, MAX_POLICY_BYTES)
    except OSError as exc:
        raise PolicyError(str(path), f"cannot read: {exc.strerror or exc}") from exc


def load_yaml(path: Path, data: bytes | None = None) -> Any:
    """Parse a YAML file (or its ``data``, already read) into :class:`Located` values;
    errors become :class:`PolicyError`."""
    if data is None:
        data = read_policy(path)
    if len(data) > MAX_POLICY_BYTES:
        raise PolicyError(str(path), f"file is over {MAX_POLICY_BYTES:,} bytes")
    try:
        text = decode(data, str(path))
    except InputFormatError as exc:
        error = exc.error
        where = f" (byte {error.offset})" if error.offset is not None else ""
        raise PolicyError(str(path), error.message + where) from exc
    return parse_yaml(text, str(path))


MAX_DEPTH = 64
"""Nesting a policy file may have (benchmarks nest fewer than ten levels)."""

MAX_NODES = 2_000_000
"""Values a policy file may expand to once its aliases are followed: a kilobyte of nested
aliases expands to billions (an alias bomb), and validating or quoting that value exhausts
the memory before any error names the file."""


C_DEPTH = 10_000
"""Nesting libyaml's composer is given: it recurses in C, and about 25,000 levels overflow
the stack (the process dies).  A text that could nest deeper is composed in Python, whose
recursion limit ends in an error instead."""


class _DeepLoader(_Loader):
    """:class:`_Loader` composing in Python from libyaml's events (about 50% slower)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.anchors: dict[str, yaml.Node] = {}


_COMPOSING = ("get_single_node", "compose_document", "compose_node", "compose_scalar_node")
for _name in (*_COMPOSING, "compose_sequence_node", "compose_mapping_node", "check_node"):
    setattr(_DeepLoader, _name, getattr(yaml.composer.Composer, _name))


def _depth_bound(text: str) -> int:
    """At least the nesting ``text`` can have: each flow collection opens with a bracket, and
    each nested block collection starts further right than its parent, within a line."""
    widest = max(map(len, text.splitlines()), default=0)
    return text.count("[") + text.count("{") + widest


def parse_yaml(text: str, path: str) -> Any:
    loader = (_Loader if _depth_bound(text) <= C_DEPTH else _DeepLoader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _bounded(node, path)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(part for part in (exc.context, exc.problem) if part) or str(exc)
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise PolicyError(path, message, line, column) from exc
    except yaml.YAMLError as exc:
        raise PolicyError(path, str(exc)) from exc
    except RecursionError as exc:
        raise PolicyError(path, f"nested deeper than {MAX_DEPTH} levels") from exc
    finally:
        loader.dispose()


def _bounded(root: yaml.Node, path: str) -> None:
    """Refuse a document nested deeper than :data:`MAX_DEPTH`, expanding to more than
    :data:`MAX_NODES` values, or holding itself; before anything is built from it.

    Walked without recursion; each collection's expanded size is counted once however many
    aliases name it, so the walk is linear in the file.  Only collections are walked: a
    scalar counts one value wherever it is, and benchmarks are mostly scalars (a cold load of
    the shipped ones walked 97,000 nodes, a third of its time, where 12,000 are collections).
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, int, list[yaml.Node] | None]] = [(root, 1, None)]
    while stack:
        node, depth, nested = stack.pop()
        if nested is not None:  # its collections are counted: close it
            open_nodes.discard(id(node))
            size = 1 + len(_children(node)) - len(nested) + sum(sizes[id(c)] for c in nested)
            sizes[id(node)] = min(MAX_NODES + 1, size)
            if size > MAX_NODES:
                _refuse_node(node, path, f"expands to more than {MAX_NODES:,} values (aliases)")
            continue
        if id(node) in sizes:
            continue
        if id(node) in open_nodes:
            _refuse_node(node, path, "an alias refers to a value that holds it")
        if depth > MAX_DEPTH:
            _refuse_node(node, path, f"nested deeper than {MAX_DEPTH} levels")
        children = _children(node)
        if children and depth == MAX_DEPTH:
            _refuse_node(children[-1], path, f"nested deeper than {MAX_DEPTH} levels")
        collections = [c for c in children if not isinstance(c, yaml.ScalarNode)]
        open_nodes.add(id(node))
        stack.append((node, depth, collections))
        stack.extend((child, depth + 1, None) for child in collections)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [item for pair in node.value for item in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _refuse_node(node: yaml.Node, path: str, message: str) -> None:
    mark = node.start_mark
    raise PolicyError(path, message, mark.line + 1, mark.column + 1)


def position(
    document: Any, crumbs: list[str | int], *, at_value: bool = False
) -> tuple[int | None, int | None]:
    """Line and column of the item at ``crumbs`` (a path of keys and indexes) in a document:
    of its key, or with ``at_value`` of its value.

    Falls back to the nearest enclosing item that has a position.
    """
    line: int | None = getattr(document, "line", None)
    column: int | None = None
    node = document
    for crumb in crumbs:
        if isinstance(node, Located) and isinstance(crumb, str) and crumb in node.key_lines:
            line, column = node.key_lines[crumb]
            if at_value and crumb is crumbs[-1]:
                line, column, _ = node.value_starts[crumb]
            node = node[crumb]
        elif isinstance(node, LocatedList) and isinstance(crumb, int) and crumb < len(node):
            line, column = node.item_lines[crumb], None
            node = node[crumb]
        else:
            break
    return line, column


def without_positions(document: Any) -> Any:
    """``document`` keeping only each mapping's and list's own line: what a file that is
    known to be valid still needs (origins), and far cheaper to cache.

    The positions are removed from the objects, which then read the classes' empty ones: a
    cached benchmark unpickles a third faster without an empty dict or two per mapping and
    list (loading every shipped benchmark is a bar of issue 8).
    """
    if isinstance(document, Located):
        vars(document).pop("key_lines", None)
        vars(document).pop("value_starts", None)
        for value in document.values():
            without_positions(value)
    elif isinstance(document, LocatedList):
        vars(document).pop("item_lines", None)
        for value in document:
            without_positions(value)
    return document


def as_data(document: Any) -> Any:
    """A document kept without positions (:func:`without_positions`) as JSON data, each
    mapping and list with the line it keeps: ``["m", line, {...}]``, ``["a", line, [...]]``
    (see checker/policy/cache.py; :func:`located` is the inverse)."""
    if isinstance(document, dict):
        items = {key: as_data(value) for key, value in document.items()}
        return ["m", getattr(document, "line", 0), items]
    if isinstance(document, list):
        return ["a", getattr(document, "line", 0), [as_data(value) for value in document]]
    return document


def located(data: Any) -> Any:
    """:func:`as_data`'s data as the document it was; a ``ValueError`` for other data."""
    if not isinstance(data, list):
        return data
    tag, line, items = data
    if tag == "m" and isinstance(items, dict):
        mapping = Located((str(key), located(value)) for key, value in items.items())
        vars(mapping).pop("key_lines", None)
        vars(mapping).pop("value_starts", None)
        mapping.line = int(line)
        return mapping
    if tag == "a" and isinstance(items, list):
        sequence = LocatedList(located(value) for value in items)
        vars(sequence).pop("item_lines", None)
        sequence.line = int(line)
        return sequence
    raise ValueError(f"not a cached document: {tag!r}")


def breadcrumb(crumbs: list[str | int]) -> str:
    """``checks[3].expect.gte`` from ``["checks", 3, "expect", "gte"]``."""
    out = ""
    for crumb in crumbs:
        out += f"[{crumb}]" if isinstance(crumb, int) else (f".{crumb}" if out else crumb)
    return out


def iso_date(document: Any, crumbs: list[str | int], path: str) -> date:
    """The date written at ``crumbs`` in ``document``: the schemas check its shape
    (``YYYY-MM-DD``); this refuses a day the calendar has not (``2031-02-30``) at its place."""
    value: Any = document
    for crumb in crumbs:
        value = value[crumb]
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        line, column = position(document, crumbs, at_value=True)
        message = f"{value!r} is not a date: {exc}"
        raise PolicyError(path, message, line, column, breadcrumb(crumbs)) from exc


FILE_KINDS: tuple[tuple[str, str], ...] = (
    ("cases", "cases"),
    ("checks", "benchmark"),
    ("extends", "benchmark"),  # a profile may add no checks of its own
    ("exceptions", "exceptions"),
    ("plans", "plans"),
    ("targets", "targets"),
)
"""Top-level key -> kind of policy-repository file, the first present key deciding."""


def classify(document: Any) -> str | None:
    """The kind of a parsed policy-repository file (see :data:`FILE_KINDS`), or None."""
    if not isinstance(document, dict):
        return None
    return next((kind for key, kind in FILE_KINDS if key in document), None)


def yaml_files_under(folder: Path) -> list[Path]:
    """The YAML files below ``folder``, sorted, leaving out hidden files and folders (a
    repository's ``.pre-commit-config.yaml``, ``.github/``)."""
    return [
        found
        for found in sorted(folder.rglob("*.y*ml"))
        if found.suffix in (".yaml", ".yml")
        and found.is_file()
        and not any(part.startswith(".") for part in found.relative_to(folder).parts)
    ]
