"""The JMESPath package's value semantics and functions, natively (see checker/policy/jmes.py).

Truth, equality and ordering as ``jmespath.visitor`` defines them, and the bodies of the
package's functions with its argument type checks, for the compiled expressions to call.
"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Callable, Sequence
from numbers import Number
from typing import Any

from jmespath import exceptions
from jmespath.functions import REVERSE_TYPES_MAP, TYPES_MAP

Fn = Callable[[Any], Any]
TypeCheck = Callable[[Any], bool]


_NOT_NUMBERS = (str, list, dict, bool, type(None))


def is_number(value: Any) -> bool:
    """A number that is not a bool (the package's ``_is_actual_number``), fast for JSON."""
    kind = type(value)
    if kind is int or kind is float:
        return True
    return not isinstance(value, _NOT_NUMBERS) and isinstance(value, Number)


def is_false(value: Any) -> bool:
    """JMESPath falsehood: null, false, and empty string, array and object."""
    return value is None or value is False or value == "" or value == [] or value == {}


def _equals(left: Any, right: Any) -> bool:
    """Python equality, except that 0 and 1 never equal a boolean."""
    if is_number(left) and left in (0, 1):
        special = isinstance(right, bool)
    elif is_number(right) and right in (0, 1):
        special = isinstance(left, bool)
    else:
        special = False
    return not special and left == right


def _not_equals(left: Any, right: Any) -> bool:
    return not _equals(left, right)


def comparable(value: Any) -> bool:
    return isinstance(value, str) or is_number(value)


ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "lt": operator.lt,
    "gt": operator.gt,
    "lte": operator.le,
    "gte": operator.ge,
}


def _ordering(relation: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool | None]:
    """An ordering operator: null unless both sides are numbers or strings."""

    def compare(left: Any, right: Any) -> bool | None:
        if not (comparable(left) and comparable(right)):
            return None
        return relation(left, right)

    return compare


COMPARATORS: dict[str, Callable[[Any, Any], bool | None]] = {
    "eq": _equals,
    "ne": _not_equals,
    **{name: _ordering(relation) for name, relation in ORDERINGS.items()},
}


def call(reference: Fn, body: Callable[..., Any], steps: list[Fn], checks: list[TypeCheck]) -> Fn:
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


def anything(value: Any) -> bool:
    return True


def type_check(types: Sequence[str]) -> TypeCheck:
    """The package's argument check (by Python type name, array element types included) as
    a predicate; no types declared means any value."""
    if not types:
        return anything
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


BODIES: dict[str, Callable[..., Any]] = {
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
