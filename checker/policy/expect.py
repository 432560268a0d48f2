"""Assertions: the declarative ``expect`` shorthand and raw JMESPath ``assert``, compiled once.

Each compiles to a *judge*: a plain Python function from the value read to a verdict, plus
the text of the expected condition shown in reports.  Several ``expect`` operators in one
mapping must all hold.

Comparisons are exact and typed (``1`` is not ``"1"``): a REG_SZ value of ``"1"`` and a
REG_DWORD of ``1`` are different settings on Windows too.  A check that declares its value a
string (``type: REG_SZ``) may still bound it (``lte: 10``): Windows reads such strings as
decimal numbers (``CachedLogonsCount``), and so do the bounds then (``text_numbers``).  Set
operators compare strings case-insensitively, because the items they hold (SIDs, account
names) are case-insensitive, and take SID patterns and choices (checker/policy/members.py).
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Hashable, Mapping
from typing import Any

import re2  # type: ignore[import-untyped]

from checker.core.values import JSON
from checker.policy.jmes import Compiled
from checker.policy.members import Members, MembersError, fold, members, same_set, subset, superset

Judge = Callable[[JSON], bool]


class ExpectError(ValueError):
    """An ``expect`` mapping that cannot be compiled."""


def _number(value: JSON) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _set_op(relation: Callable[[frozenset[Hashable], Members], bool]) -> Callable[[JSON], Judge]:
    def make(operand: JSON) -> Judge:
        try:
            wanted = members(operand)
        except MembersError as exc:
            raise ExpectError(str(exc)) from exc

        def judge(value: JSON) -> bool:
            have = fold(value)
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


def flag_set(text: str) -> dict[str, str]:
    """``RequireMutualAuthentication=1, RequireIntegrity=1`` as Windows parses a hardened UNC
    path's value: ``name=value`` pairs separated by commas, white space around them and the
    case of the names aside."""
    pairs = (pair.partition("=") for pair in text.split(","))
    return {name.strip().casefold(): value.strip() for name, eq, value in pairs if eq}


def _flags(operand: JSON) -> Judge:
    """Every named flag has its value in the value's flag set (other flags may be there)."""
    if not isinstance(operand, dict) or not operand:
        raise ExpectError("needs a mapping of flag names to values")
    wanted = {str(name).casefold(): _text(value) for name, value in operand.items()}

    def judge(value: JSON) -> bool:
        if not isinstance(value, str):
            return False
        have = flag_set(value)
        return all(have.get(name) == flag for name, flag in wanted.items())

    return judge


def _text(value: JSON) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


_WHITE = re.compile(r"\s+")


def plain_text(value: JSON) -> str | None:
    """A text as ``text_equals`` compares it: runs of white space as one space, trimmed; a
    list (REG_MULTI_SZ, GptTmpl's banner) is its items as lines.  None for other values."""
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        value = "\n".join(value)
    return _WHITE.sub(" ", value).strip() if isinstance(value, str) else None


def _text_equals(operand: JSON) -> Judge:
    wanted = plain_text(operand)
    if not isinstance(operand, str) or wanted is None:
        raise ExpectError("needs a string")
    return lambda value: plain_text(value) == wanted


_DECIMAL = re.compile(r"\s*[+-]?[0-9]+\s*")


def text_number(value: JSON) -> JSON:
    """A string of decimal digits as the number Windows reads from it; any other value as
    it is (a bound then fails on it)."""
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return int(value)
    return value


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
    "not_matches": (_negate(_matches), "does not match /{}/"),
    "empty": (_empty, "empty is {}"),
    "set_equals": (_set_op(same_set), "exactly {}"),
    "subset_of": (_set_op(subset), "only items of {}"),
    "superset_of": (_set_op(superset), "includes {}"),
    "flags": (_flags, "has flags {}"),
    "text_equals": (_text_equals, "is the text {}"),
}
"""Operator name -> (judge factory, expected-text template).  ``absent`` is handled apart,
since it is about whether the setting exists, not about its value; so is ``any_of``, whose
operand is a list of ``expect`` mappings."""

NUMERIC = frozenset({"gt", "gte", "lt", "lte"})
"""The operators that read a string of digits as a number under ``text_numbers``."""

TEXT_SHOWN = 72
"""Characters of a ``text_equals`` operand the expected text shows."""


def _show(value: JSON) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _show_operand(name: str, operand: JSON) -> str:
    if name == "flags" and isinstance(operand, dict):
        return ", ".join(f"{flag}={_text(value)}" for flag, value in operand.items())
    if name == "text_equals" and isinstance(operand, str):
        text = plain_text(operand) or ""
        if len(text) > TEXT_SHOWN:
            return f"{_show(text[:TEXT_SHOWN] + '…')} ({len(text):,} characters)"
        return _show(text)
    return _show(operand)


def compile_expect(
    spec: Mapping[str, JSON], *, text_numbers: bool = False
) -> tuple[Judge, str, bool]:
    """(judge, expected text, wants_absent) for an ``expect`` mapping; ``text_numbers``: the
    value is a string Windows reads as a number (see the module docstring)."""
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
        if name == "any_of":
            judge, text = _any_of(operand, text_numbers)
        elif name in OPERATORS:
            judge, text = _operator(name, operand, text_numbers)
        else:
            known = ", ".join(["absent", "any_of", *OPERATORS])
            raise ExpectError(f"unknown operator {name!r} (known: {known})")
        judges.append(judge)
        texts.append(text)
    if wants_absent:
        # A setting that must be absent fails whenever it has a value.
        return (lambda value: value is None), " and ".join(texts), True
    if len(judges) == 1:
        return judges[0], texts[0], False
    return (lambda value: all(judge(value) for judge in judges)), " and ".join(texts), False


def _operator(name: str, operand: JSON, text_numbers: bool) -> tuple[Judge, str]:
    make, template = OPERATORS[name]
    try:
        judge = make(operand)
    except ExpectError as exc:
        raise ExpectError(f"{name}: {exc}") from exc
    if text_numbers and name in NUMERIC:
        bound = judge
        judge = lambda value: bound(text_number(value))  # noqa: E731 -- a closure over bound
    return judge, template.format(_show_operand(name, operand))


def _any_of(operand: JSON, text_numbers: bool) -> tuple[Judge, str]:
    """Alternatives: the value passes when one of the ``expect`` mappings passes it."""
    if not isinstance(operand, list) or not operand:
        raise ExpectError("any_of: needs a list of expect mappings")
    judges: list[Judge] = []
    texts: list[str] = []
    for index, alternative in enumerate(operand):
        if not isinstance(alternative, dict) or not alternative:
            raise ExpectError(f"any_of[{index}]: needs an expect mapping")
        if "absent" in alternative:
            raise ExpectError(f"any_of[{index}]: absent has no alternative (use absent_ok)")
        try:
            judge, text, _ = compile_expect(alternative, text_numbers=text_numbers)
        except ExpectError as exc:
            raise ExpectError(f"any_of[{index}].{exc}") from exc
        judges.append(judge)
        texts.append(f"({text})" if " and " in text else text)
    return (lambda value: any(judge(value) for judge in judges)), " or ".join(texts)


def operands(spec: Mapping[str, JSON]) -> list[JSON]:
    """The values an ``expect`` mapping names (those of ``any_of`` alternatives and the items
    of ``in`` too): what a report could print beside the value read."""
    found: list[JSON] = []
    for name, operand in spec.items():
        if name == "any_of" and isinstance(operand, list):
            found += [o for alt in operand if isinstance(alt, dict) for o in operands(alt)]
        elif name in ("in", "not_in") and isinstance(operand, list):
            found += operand
        elif name not in ("absent", "empty"):
            found.append(operand)
    return found


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
