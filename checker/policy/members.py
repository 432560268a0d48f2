"""The items of a set operator (``set_equals``, ``subset_of``, ``superset_of``) and how a
value's items meet them.

An item is compared as :func:`item` folds it (strings case-insensitively: SIDs and account
names are case-insensitive on Windows).  Two kinds of item stand for more than one value:

- a string with ``*``, a SID pattern: ``*`` stands for one or more sub-authorities, so
  ``S-1-5-21-*-512`` is the account of RID 512 (Domain Admins) of any domain;
- a mapping ``{any_of: [ITEM, ...]}``, a choice: any one of its items will do (the STIG's
  "Local account and member of Administrators group" *or* "Local account").

A list of plain items is compared as a set, in one operation; patterns and choices are
matched item by item (the lists are a user right's few principals).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import re2  # type: ignore[import-untyped]

from checker.core.values import JSON

Relation = Callable[[frozenset[Hashable], frozenset[Hashable]], bool]
"""(items of the value, items wanted) -> verdict, for lists of plain items."""

CHOICE = "any_of"
"""The key of a choice item."""

_RE2 = re2.Options()
_RE2.log_errors = False
_SUB_AUTHORITIES = r"[0-9]+(?:-[0-9]+)*"


class MembersError(ValueError):
    """A set operand that cannot be compiled (the message says why)."""


def item(value: JSON) -> Hashable:
    """A list item as set operators compare it: a string case-insensitively, ``true`` apart
    from ``1`` (JSON equality), a list or object by its content (it has no hash)."""
    if isinstance(value, str):
        return value.casefold()
    if isinstance(value, bool):
        return bool, value
    if isinstance(value, list | dict):
        return list, json.dumps(value, sort_keys=True, default=str)
    scalar: Hashable = value  # a number or null
    return scalar


def fold(items: JSON) -> frozenset[Hashable] | None:
    """The items of a list as set operators compare them, or None for a value not a list."""
    if not isinstance(items, list):
        return None
    return frozenset(item(value) for value in items)


Match = Callable[[Hashable], bool]


def is_pattern(value: JSON) -> bool:
    return isinstance(value, str) and "*" in value


def is_choice(value: JSON) -> bool:
    return isinstance(value, dict) and set(value) == {CHOICE}


def _pattern(text: str) -> Match:
    source = _SUB_AUTHORITIES.join(re.escape(part) for part in text.casefold().split("*"))
    compiled = re2.compile(source, options=_RE2)
    return lambda found: isinstance(found, str) and compiled.fullmatch(found) is not None


def _match(value: JSON) -> Match:
    if is_pattern(value):
        return _pattern(str(value))
    if is_choice(value):
        choices = value[CHOICE]
        if not isinstance(choices, list) or not choices:
            raise MembersError(f"{CHOICE}: needs a list of items")
        matches = [_match(choice) for choice in choices]
        return lambda found: any(match(found) for match in matches)
    wanted = item(value)
    return lambda found: found == wanted


@dataclass(frozen=True, slots=True)
class Members:
    """The compiled items of a set operand."""

    plain: frozenset[Hashable] | None
    """All the items, when none is a pattern or a choice (compared as a set)."""
    matches: tuple[Match, ...]
    """One predicate per item (patterns and choices included)."""

    def covers(self, found: Hashable) -> bool:
        """Whether some wanted item admits ``found`` (an item of the value)."""
        return any(match(found) for match in self.matches)

    def met_by(self, have: frozenset[Hashable]) -> bool:
        """Whether every wanted item is admitted by some item of ``have``."""
        return all(any(match(found) for found in have) for match in self.matches)


def members(operand: JSON) -> Members:
    if not isinstance(operand, list):
        raise MembersError("needs a list")
    matches = tuple(_match(value) for value in operand)
    plain = None if any(is_pattern(v) or is_choice(v) for v in operand) else fold(operand)
    return Members(plain, matches)


def superset(have: frozenset[Hashable], wanted: Members) -> bool:
    return have >= wanted.plain if wanted.plain is not None else wanted.met_by(have)


def subset(have: frozenset[Hashable], wanted: Members) -> bool:
    if wanted.plain is not None:
        return have <= wanted.plain
    return all(wanted.covers(found) for found in have)


def same_set(have: frozenset[Hashable], wanted: Members) -> bool:
    if wanted.plain is not None:
        return have == wanted.plain
    return subset(have, wanted) and wanted.met_by(have)
