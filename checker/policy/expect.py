"""Assertions: the declarative ``expect`` shorthand and raw JMESPath ``assert``, compiled once.

Each compiles to a *judge*: a plain Python function from the value read to a verdict, plus
the text of the expected condition shown in reports.  Several ``expect`` operators in one
mapping must all hold.

Comparisons are exact and typed (``1`` is not ``"1"``): a REG_SZ value of ``"1"`` and a
REG_DWORD of ``1`` are different settings on Windows too.  Set operators compare strings
case-insensitively, because the items they hold (SIDs, account names) are case-insensitive.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Hashable, Mapping
from typing import Any

import re2  # type: ignore[import-untyped]

from checker.core.values import JSON
from checker.policy.jmes import Compiled

Judge = Callable[[JSON], bool]


class ExpectError(ValueError):
    """An ``expect`` mapping that cannot be compiled."""


def _number(value: JSON) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _fold(items: JSON) -> frozenset[Hashable] | None:
    """The items of a list as set operators compare them (see :func:`_item`)."""
    if not isinstance(items, list):
        return None
    return frozenset(_item(item) for item in items)


def _item(item: JSON) -> Hashable:
    """A list item as set operators compare it: a string case-insensitively, ``true`` apart
    from ``1`` (JSON equality), a list or object by its content (it has no hash)."""
    if isinstance(item, str):
        return item.casefold()
    if isinstance(item, bool):
        return bool, item
    if isinstance(item, list | dict):
        return list, json.dumps(item, sort_keys=True, default=str)
    scalar: Hashable = item  # a number or null
    return scalar


def _set_op(
    relation: Callable[[frozenset[Hashable], frozenset[Hashable]], bool],
) -> Callable[[JSON], Judge]:
    def make(operand: JSON) -> Judge:
        wanted = _fold(operand)
        if wanted is None:
            raise ExpectError("needs a list")

        def judge(value: JSON) -> bool:
            have = _fold(value)
            return have is not None and relation(have, wanted)

        return judge

    return make


def _compare(relation: Callable[[Any, Any], bool]) -> Callable[[JSON], Judge]:
    def make(operand: JSON) -> Judge:
        if not _number(operand):
            raise ExpectError("needs a number")
        return lambda value: _number(value) and relation(value, operand)

    return make


def _contains(operand: JSON) -> Judge:
    folded = operand.casefold() if isinstance(operand, str) else operand

    def judge(value: JSON) -> bool:
        if isinstance(value, list):
            return folded in (v.casefold() if isinstance(v, str) else v for v in value)
        return isinstance(value, str) and isinstance(operand, str) and operand in value

    return judge


_RE2 = re2.Options()
_RE2.log_errors = False  # an error is raised; libre2 would also print it to stderr
_RE2.max_mem = 8 << 20  # a compiled pattern's memory, bounded


def _matches(operand: JSON) -> Judge:
    """A regular expression searched in linear time (RE2): a backtracking engine spends
    exponential time on ``^(a+)+$`` against a 41-character value, and a pattern comes from
    a policy repository, the value from an export.  RE2 has no look-around and no
    back-references; a pattern that uses them is refused when the benchmark loads."""
    if not isinstance(operand, str):
        raise ExpectError("needs a regular expression string")
    try:
        pattern = re2.compile(operand, options=_RE2)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
        raise ExpectError(f"bad regular expression {operand!r}: {reason}") from exc
    return lambda value: isinstance(value, str) and pattern.search(value) is not None


def _member(operand: JSON) -> Judge:
    if not isinstance(operand, list):
        raise ExpectError("needs a list")
    # JSON equality (``true`` is not ``1``, as Python would say) as one ``in`` test: bools
    # against bools only.
    flags = [item for item in operand if isinstance(item, bool)]
    others = [item for item in operand if not isinstance(item, bool)]
    return lambda value: value in flags if isinstance(value, bool) else value in others


def _empty(operand: JSON) -> Judge:
    if not isinstance(operand, bool):
        raise ExpectError("needs true or false")
    return lambda value: (value in ([], "", {})) is operand


def _negate(make: Callable[[JSON], Judge]) -> Callable[[JSON], Judge]:
    def negated(operand: JSON) -> Judge:
        judge = make(operand)
        return lambda value: value is not None and not judge(value)

    return negated


def _equals(operand: JSON) -> Judge:
    """JSON equality with ``operand`` (``true`` is not ``1``), its type known now."""
    if isinstance(operand, bool):
        return lambda value: value is operand
    return lambda value: value == operand and not isinstance(value, bool)


OPERATORS: dict[str, tuple[Callable[[JSON], Judge], str]] = {
    "equals": (_equals, "== {}"),
    "not_equals": (_negate(_equals), "!= {}"),
    "in": (_member, "in {}"),
    "not_in": (_negate(_member), "not in {}"),
    "gt": (_compare(operator.gt), "> {}"),
    "gte": (_compare(operator.ge), ">= {}"),
    "lt": (_compare(operator.lt), "< {}"),
    "lte": (_compare(operator.le), "<= {}"),
    "contains": (_contains, "contains {}"),
    "not_contains": (_negate(_contains), "does not contain {}"),
    "matches": (_matches, "matches /{}/"),
    "empty": (_empty, "empty is {}"),
    "set_equals": (_set_op(lambda have, want: have == want), "exactly {}"),
    "subset_of": (_set_op(lambda have, want: have <= want), "only items of {}"),
    "superset_of": (_set_op(lambda have, want: have >= want), "includes {}"),
}
"""Operator name -> (judge factory, expected-text template).  ``absent`` is handled apart,
since it is about whether the setting exists, not about its value."""


def _show(value: JSON) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def compile_expect(spec: Mapping[str, JSON]) -> tuple[Judge, str, bool]:
    """(judge, expected text, wants_absent) for an ``expect`` mapping."""
    judges: list[Judge] = []
    texts: list[str] = []
    wants_absent = False
    for name, operand in spec.items():
        if name == "absent":
            if not isinstance(operand, bool):
                raise ExpectError("absent: needs true or false")
            wants_absent = operand
            texts.append("absent" if operand else "present")
            if not operand:
                judges.append(lambda value: value is not None)
            continue
        if name not in OPERATORS:
            raise ExpectError(f"unknown operator {name!r} (known: absent, {', '.join(OPERATORS)})")
        make, template = OPERATORS[name]
        try:
            judges.append(make(operand))
        except ExpectError as exc:
            raise ExpectError(f"{name}: {exc}") from exc
        texts.append(template.format(_show(operand)))
    if wants_absent:
        # A setting that must be absent fails whenever it has a value.
        return (lambda value: value is None), " and ".join(texts), True
    if len(judges) == 1:
        return judges[0], texts[0], False
    return (lambda value: all(judge(value) for judge in judges)), " and ".join(texts), False


def truthy(value: JSON) -> bool:
    """JMESPath truth: false, null, empty string, list and object are false."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str | list | dict):
        return len(value) > 0
    return value is not None


def compile_assert(expression: Compiled, text: str) -> tuple[Judge, str, bool]:
    """(judge, expected text, wants_absent) for a raw JMESPath ``assert``."""
    return (lambda value: truthy(expression.search(value))), text, False
