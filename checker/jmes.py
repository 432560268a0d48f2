"""JMESPath compiled to Python closures, so a check costs little more than a dict lookup.

The reference interpreter (``jmespath``) walks the AST dicts on every search and dispatches
each node by name; checks are compiled once and evaluated once per target, so that walk is
most of the evaluation time of a fleet.  Here each AST node of jmespath's own parser becomes
a closure that performs the same Python operations as the matching
``TreeInterpreter.visit_<type>``, in the same order, so results, their types and the
package's quirks (``1 == 1.0``, ``[1] == [true]``, strings ordered by ``<``, a
``TypeError`` for ``'a' < 1``) are the package's.

Whatever is not translated (a bare ``&expr`` value, an unknown function, a function called
with the wrong number of arguments or with an expression reference where the package
would not use one as such) is handed, subtree and all, to the reference interpreter: the
compiled form never answers differently from ``jmespath.search``.  Functions check their
argument types like the package; on a mismatch the call goes to the package's own function
table, which raises its ``JMESPathTypeError``.
"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from numbers import Number
from typing import Any

from jmespath import exceptions
from jmespath.functions import REVERSE_TYPES_MAP, TYPES_MAP, Functions
from jmespath.parser import Parser
from jmespath.visitor import TreeInterpreter

Node = Any
"""An AST dict of jmespath's parser: ``{"type", "children", "value"}``."""
Fn = Callable[[Any], Any]
Compile = Callable[[Node], Fn]
TypeCheck = Callable[[Any], bool]

_INTERPRETER = TreeInterpreter()


@dataclass(frozen=True, slots=True)
class Compiled:
    """A compiled expression: ``search(data)`` gives what ``jmespath.search`` gives."""

    expression: str
    search: Fn
    delegated: tuple[str, ...]
    """Types of the AST nodes handed to the reference interpreter (empty: fully native)."""


def compile_expression(text: str) -> Compiled:
    """Compile ``text``; syntax errors raise the package's ``ParseError`` family."""
    delegated: list[str] = []

    def sub(node: Node) -> Fn:
        rule = _RULES.get(node["type"])
        compiled = rule(node, sub) if rule is not None else None
        if compiled is None:
            delegated.append(node["type"])
            return _delegate(node)
        return compiled

    search = sub(Parser().parse(text).parsed)
    return Compiled(text, search, tuple(delegated))


def _delegate(node: Node) -> Fn:
    visit = _INTERPRETER.visit
    return lambda value: visit(node, value)


def _identity(value: Any) -> Any:
    return value


# -- truth and comparison, as jmespath.visitor defines them -------------------------------

_NOT_NUMBERS = (str, list, dict, bool, type(None))


def _is_number(value: Any) -> bool:
    """A number that is not a bool (the package's ``_is_actual_number``), fast for JSON."""
    kind = type(value)
    if kind is int or kind is float:
        return True
    return not isinstance(value, _NOT_NUMBERS) and isinstance(value, Number)


def _is_false(value: Any) -> bool:
    """JMESPath falsehood: null, false, and empty string, array and object."""
    return value is None or value is False or value == "" or value == [] or value == {}


def _equals(left: Any, right: Any) -> bool:
    """Python equality, except that 0 and 1 never equal a boolean."""
    if _is_number(left) and left in (0, 1):
        special = isinstance(right, bool)
    elif _is_number(right) and right in (0, 1):
        special = isinstance(left, bool)
    else:
        special = False
    return not special and left == right


def _not_equals(left: Any, right: Any) -> bool:
    return not _equals(left, right)


def _comparable(value: Any) -> bool:
    return isinstance(value, str) or _is_number(value)


_ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "lt": operator.lt,
    "gt": operator.gt,
    "lte": operator.le,
    "gte": operator.ge,
}


def _ordering(relation: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool | None]:
    """An ordering operator: null unless both sides are numbers or strings."""

    def compare(left: Any, right: Any) -> bool | None:
        if not (_comparable(left) and _comparable(right)):
            return None
        return relation(left, right)

    return compare


_COMPARATORS: dict[str, Callable[[Any, Any], bool | None]] = {
    "eq": _equals,
    "ne": _not_equals,
    **{name: _ordering(relation) for name, relation in _ORDERINGS.items()},
}


# -- node rules ----------------------------------------------------------------------------


def _field(node: Node, sub: Compile) -> Fn:
    name = node["value"]

    def field(value: Any) -> Any:
        try:
            return value.get(name)
        except AttributeError:
            return None

    return field


def _fields(names: Sequence[str]) -> Fn:
    """A chain of field lookups (``registry."key".value``), the commonest query shape."""

    def fields(value: Any) -> Any:
        for name in names:
            try:
                value = value.get(name)
            except AttributeError:
                return None
        return value

    return fields


def _chain(node: Node, sub: Compile) -> Fn:
    """subexpression, index_expression and pipe: each child reads what the last gave."""
    children = node["children"]
    if all(child["type"] == "field" for child in children):
        return _fields([child["value"] for child in children])
    steps = [sub(child) for child in children]
    if len(steps) == 2:
        first, second = steps
        return lambda value: second(first(value))

    def chain(value: Any) -> Any:
        for step in steps:
            value = step(value)
        return value

    return chain


def _index(node: Node, sub: Compile) -> Fn:
    position = node["value"]

    def index(value: Any) -> Any:
        if not isinstance(value, list):
            return None
        try:
            return value[position]
        except IndexError:
            return None

    return index


def _slice(node: Node, sub: Compile) -> Fn:
    bounds = slice(*node["children"])
    return lambda value: value[bounds] if isinstance(value, list) else None


def _constant(constant: Any) -> Fn:
    return lambda value: constant


def _literal(node: Node, sub: Compile) -> Fn:
    return _constant(node["value"])


def _current(node: Node, sub: Compile) -> Fn:
    return _identity


def _comparator(node: Node, sub: Compile) -> Fn:
    compare = _COMPARATORS[node["value"]]
    left_node, right_node = node["children"]
    left = sub(left_node)
    if right_node["type"] != "literal":
        right = sub(right_node)
        return lambda value: compare(left(value), right(value))
    constant = right_node["value"]
    relation = _ORDERINGS.get(node["value"])
    if relation is None or not _comparable(constant):
        return lambda value: compare(left(value), constant)

    def bound(value: Any) -> bool | None:
        """``@ >= `14``: the constant side is known to be orderable."""
        current = left(value)
        return relation(current, constant) if _comparable(current) else None

    return bound


def _or(node: Node, sub: Compile) -> Fn:
    left, right = (sub(child) for child in node["children"])

    def either(value: Any) -> Any:
        matched = left(value)
        return right(value) if _is_false(matched) else matched

    return either


def _and(node: Node, sub: Compile) -> Fn:
    left, right = (sub(child) for child in node["children"])

    def both(value: Any) -> Any:
        matched = left(value)
        return matched if _is_false(matched) else right(value)

    return both


def _not(node: Node, sub: Compile) -> Fn:
    (inner,) = (sub(child) for child in node["children"])

    def negate(value: Any) -> bool:
        result = inner(value)
        if _is_number(result) and result == 0:
            return False  # 0 is true in JMESPath, so !0 is false
        return not result

    return negate


def _collect(element: Fn, elements: Any) -> list[Any]:
    """A projection's right-hand side over ``elements``, nulls dropped."""
    if element is _identity:
        return [item for item in elements if item is not None]
    collected = []
    for item in elements:
        current = element(item)
        if current is not None:
            collected.append(current)
    return collected


def _projection(node: Node, sub: Compile) -> Fn:
    left, right = (sub(child) for child in node["children"])

    def project(value: Any) -> Any:
        base = left(value)
        return _collect(right, base) if isinstance(base, list) else None

    return project


def _value_projection(node: Node, sub: Compile) -> Fn:
    left, right = (sub(child) for child in node["children"])

    def project(value: Any) -> Any:
        base = left(value)
        try:
            elements = base.values()
        except AttributeError:
            return None
        return _collect(right, elements)

    return project


def _filter_projection(node: Node, sub: Compile) -> Fn:
    left, right, condition = (sub(child) for child in node["children"])

    def project(value: Any) -> Any:
        base = left(value)
        if not isinstance(base, list):
            return None
        collected = []
        for item in base:
            if not _is_false(condition(item)):
                current = right(item)
                if current is not None:
                    collected.append(current)
        return collected

    return project


def _flatten(node: Node, sub: Compile) -> Fn:
    (inner,) = (sub(child) for child in node["children"])

    def flatten(value: Any) -> Any:
        base = inner(value)
        if not isinstance(base, list):
            return None
        merged: list[Any] = []
        for element in base:
            if isinstance(element, list):
                merged.extend(element)
            else:
                merged.append(element)
        return merged

    return flatten


def _multi_select_list(node: Node, sub: Compile) -> Fn:
    items = [sub(child) for child in node["children"]]
    return lambda value: None if value is None else [item(value) for item in items]


def _multi_select_dict(node: Node, sub: Compile) -> Fn:
    pairs = [(child["value"], sub(child)) for child in node["children"]]
    return lambda value: None if value is None else {key: item(value) for key, item in pairs}


def _key_val_pair(node: Node, sub: Compile) -> Fn:
    return sub(node["children"][0])


def _function(node: Node, sub: Compile) -> Fn | None:
    """A call of a function implemented here; None (delegate) for anything else."""
    name: str = node["value"]
    spec = Functions.FUNCTION_TABLE.get(name)
    if spec is None or name not in _BODIES:
        return None
    params: tuple[dict[str, Any], ...] = spec["signature"]
    args: list[Node] = node["children"]
    variadic = bool(params and params[-1].get("variadic"))
    if len(args) < len(params) if variadic else len(args) != len(params):
        return None
    exprefs = [i < len(params) and "expref" in params[i]["types"] for i in range(len(args))]
    if exprefs != [arg["type"] == "expref" for arg in args]:
        return None  # an expression reference where the package would not take one as such
    # An expression reference is passed to the body as its compiled function.
    steps = [
        _constant(sub(arg["children"][0])) if expref else sub(arg)
        for expref, arg in zip(exprefs, args, strict=True)
    ]
    checks = [
        _type_check(params[i]["types"]) if i < len(params) and not expref else _anything
        for i, expref in enumerate(exprefs)
    ]
    return _call(_delegate(node), _BODIES[name], steps, checks)


def _call(reference: Fn, body: Callable[..., Any], steps: list[Fn], checks: list[TypeCheck]) -> Fn:
    """Evaluate the arguments, check their types, run the body.  Arguments of the wrong type
    send the call to the ``reference`` interpreter, which raises the package's error."""
    if len(steps) == 1:
        (step,), (check,) = steps, checks

        def call_one(value: Any) -> Any:
            arg = step(value)
            return body(arg) if check(arg) else reference(value)

        return call_one
    if len(steps) == 2:
        (first, second), (check_first, check_second) = steps, checks

        def call_two(value: Any) -> Any:
            left, right = first(value), second(value)
            return (
                body(left, right) if check_first(left) and check_second(right) else reference(value)
            )

        return call_two

    def call(value: Any) -> Any:
        args = [step(value) for step in steps]
        if all(check(arg) for check, arg in zip(checks, args, strict=True)):
            return body(*args)
        return reference(value)

    return call


def _anything(value: Any) -> bool:
    return True


def _type_check(types: Sequence[str]) -> TypeCheck:
    """The package's argument check (by Python type name, array element types included) as
    a predicate; no types declared means any value."""
    if not types:
        return _anything
    allowed: set[str] = set()
    element_groups: list[frozenset[str]] = []
    for declared in types:
        top, _, element = declared.partition("-")
        allowed.update(REVERSE_TYPES_MAP[top])
        if element:
            element_groups.append(frozenset(REVERSE_TYPES_MAP[element]))
    names = frozenset(allowed)

    def check(arg: Any) -> bool:
        if type(arg).__name__ not in names:
            return False
        if not element_groups:
            return True
        if len(element_groups) == 1:
            group = element_groups[0]
        elif not arg:
            return True
        else:
            first = type(arg[0]).__name__
            found = next((g for g in element_groups if first in g), None)
            if found is None:
                return False
            group = found
        return all(type(item).__name__ in group for item in arg)

    return check


# -- function bodies (arguments already type-checked) --------------------------------------


def _jmespath_type(value: Any) -> str:
    return TYPES_MAP.get(type(value).__name__, "unknown")


def _key_function(key: Fn, allowed: list[str], function: str) -> Fn:
    def checked(item: Any) -> Any:
        result = key(item)
        kind = _jmespath_type(result)
        if kind not in allowed:
            raise exceptions.JMESPathTypeError(function, result, kind, allowed)
        return result

    return checked


def _sort_by(array: list[Any], key: Fn) -> list[Any]:
    if not array:
        return array
    required = _jmespath_type(key(array[0]))
    if required not in ("number", "string"):
        raise exceptions.JMESPathTypeError("sort_by", array[0], required, ["string", "number"])
    return sorted(array, key=_key_function(key, [required], "sort_by"))


def _min_by(array: list[Any], key: Fn) -> Any:
    return min(array, key=_key_function(key, ["number", "string"], "min_by")) if array else None


def _max_by(array: list[Any], key: Fn) -> Any:
    return max(array, key=_key_function(key, ["number", "string"], "max_by")) if array else None


def _to_number(arg: Any) -> Any:
    if arg is None or isinstance(arg, list | dict | bool):
        return None
    if isinstance(arg, int | float):
        return arg
    try:
        return int(arg)
    except ValueError:
        try:
            return float(arg)
        except ValueError:
            return None


def _to_string(arg: Any) -> str:
    return arg if isinstance(arg, str) else json.dumps(arg, separators=(",", ":"), default=str)


_TYPE_NAMES: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (str, "string"),
    (bool, "boolean"),
    (list, "array"),
    (dict, "object"),
    ((float, int), "number"),
    (type(None), "null"),
)
"""Checked in this order, as the package's ``type()`` does (a bool is also an int)."""


def _type(arg: Any) -> str | None:
    return next((name for cls, name in _TYPE_NAMES if isinstance(arg, cls)), None)


def _merge(*objects: dict[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for item in objects:
        merged.update(item)
    return merged


_BODIES: dict[str, Callable[..., Any]] = {
    "abs": abs,
    "avg": lambda arg: sum(arg) / len(arg) if arg else None,
    "ceil": math.ceil,
    "contains": lambda subject, search: search in subject,
    "ends_with": lambda subject, suffix: subject.endswith(suffix),
    "floor": math.floor,
    "join": lambda separator, array: separator.join(array),
    "keys": lambda arg: list(arg.keys()),
    "length": len,
    "map": lambda key, array: [key(item) for item in array],
    "max": lambda arg: max(arg) if arg else None,
    "max_by": _max_by,
    "merge": _merge,
    "min": lambda arg: min(arg) if arg else None,
    "min_by": _min_by,
    "not_null": lambda *args: next((arg for arg in args if arg is not None), None),
    "reverse": lambda arg: arg[::-1] if isinstance(arg, str) else list(reversed(arg)),
    "sort": sorted,
    "sort_by": _sort_by,
    "starts_with": lambda subject, prefix: subject.startswith(prefix),
    "sum": sum,
    "to_array": lambda arg: arg if isinstance(arg, list) else [arg],
    "to_number": _to_number,
    "to_string": _to_string,
    "type": _type,
    "values": lambda arg: list(arg.values()),
}
"""Native bodies of the package's functions, same semantics, keyed by JMESPath name."""

_RULES: dict[str, Callable[[Node, Compile], Fn | None]] = {
    "and_expression": _and,
    "comparator": _comparator,
    "current": _current,
    "field": _field,
    "filter_projection": _filter_projection,
    "flatten": _flatten,
    "function_expression": _function,
    "identity": _current,
    "index": _index,
    "index_expression": _chain,
    "key_val_pair": _key_val_pair,
    "literal": _literal,
    "multi_select_dict": _multi_select_dict,
    "multi_select_list": _multi_select_list,
    "not_expression": _not,
    "or_expression": _or,
    "pipe": _chain,
    "projection": _projection,
    "slice": _slice,
    "subexpression": _chain,
    "value_projection": _value_projection,
}
"""AST node type -> compiler; a type missing here (``expref`` as a value) is delegated."""
