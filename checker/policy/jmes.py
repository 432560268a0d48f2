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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from jmespath.functions import Functions
from jmespath.parser import Parser
from jmespath.visitor import TreeInterpreter

from checker.policy.jmes_builtins import (
    BODIES,
    COMPARATORS,
    ORDERINGS,
    Fn,
    anything,
    call,
    comparable,
    is_false,
    is_number,
    type_check,
)

Node = Any
"""An AST dict of jmespath's parser: ``{"type", "children", "value"}``."""


Compile = Callable[[Node], Fn]


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
    compare = COMPARATORS[node["value"]]
    left_node, right_node = node["children"]
    left = sub(left_node)
    if right_node["type"] != "literal":
        right = sub(right_node)
        return lambda value: compare(left(value), right(value))
    constant = right_node["value"]
    relation = ORDERINGS.get(node["value"])
    if relation is None or not comparable(constant):
        return lambda value: compare(left(value), constant)

    def bound(value: Any) -> bool | None:
        """``@ >= `14``: the constant side is known to be orderable."""
        current = left(value)
        return relation(current, constant) if comparable(current) else None

    return bound


def _or(node: Node, sub: Compile) -> Fn:
    left, right = (sub(child) for child in node["children"])

    def either(value: Any) -> Any:
        matched = left(value)
        return right(value) if is_false(matched) else matched

    return either


def _and(node: Node, sub: Compile) -> Fn:
    left, right = (sub(child) for child in node["children"])

    def both(value: Any) -> Any:
        matched = left(value)
        return matched if is_false(matched) else right(value)

    return both


def _not(node: Node, sub: Compile) -> Fn:
    (inner,) = (sub(child) for child in node["children"])

    def negate(value: Any) -> bool:
        result = inner(value)
        if is_number(result) and result == 0:
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
            if not is_false(condition(item)):
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
    if spec is None or name not in BODIES:
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
        type_check(params[i]["types"]) if i < len(params) and not expref else anything
        for i, expref in enumerate(exprefs)
    ]
    return call(_delegate(node), BODIES[name], steps, checks)


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
