"""OSConfig's expected-value language, and its translation to ``expect`` mappings.

Per role, the OSConfig baseline CSV states the value it expects as a small expression:
``Equals(1)``, ``OneOf(Equals(1), Equals(null))``, ``Range(1, 900)``, ``Not(Equals('Guest'))``,
``ContainsAtMost('*S-1-5-32-544', ...)``, ``ContainsExactly``, ``ContainsAtLeast``,
``Contains``, ``AllOf(Pattern(...), ...)``.  ``null`` in a ``OneOf`` means OSConfig also
accepts the value being absent (the Windows default).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass

from checker.core.values import JSON
from tools.benchgen.vocabulary import AUDIT_VALUES


@dataclass(frozen=True, slots=True)
class Call:
    """``Name(arg, ...)``: arguments are calls, numbers, strings or None (``null``)."""

    name: str
    args: tuple[Call | int | str | None, ...]


_TOKEN = re.compile(
    r"\s*(?:(?P<name>[A-Za-z]+)\(|(?P<close>\))|(?P<comma>,)|'(?P<str>[^']*)'|(?P<num>-?\d+)|(?P<null>null))"
)


def parse_expression(text: str) -> Call:
    """Parse an OSConfig expected-value expression; ValueError when it is not one."""
    call, end = _parse_call(text, 0)
    if text[end:].strip():
        raise ValueError(f"trailing text in {text!r}")
    return call


def _parse_call(text: str, at: int) -> tuple[Call, int]:
    match = _TOKEN.match(text, at)
    if not match or not match.group("name"):
        raise ValueError(f"expected a call at {at} in {text!r}")
    name, at = match.group("name"), match.end()
    args: list[Call | int | str | None] = []
    while True:
        match = _TOKEN.match(text, at)
        if match is None:
            raise ValueError(f"bad token at {at} in {text!r}")
        if match.group("close"):
            return Call(name, tuple(args)), match.end()
        if match.group("comma"):
            at = match.end()
        elif match.group("name"):
            inner, at = _parse_call(text, at)
            args.append(inner)
        elif match.group("str") is not None:
            args.append(match.group("str"))
            at = match.end()
        elif match.group("num"):
            args.append(int(match.group("num")))
            at = match.end()
        else:
            args.append(None)
            at = match.end()


Typing = Callable[[JSON], JSON]
"""Converts a literal of the expression language to the type of the fact it is compared to."""


ABSENT_NOTE = "OSConfig also accepts the value absent (the Windows default)"


@dataclass(frozen=True, slots=True)
class Expected:
    """An ``expect`` mapping, and a note when it is narrower than OSConfig (null dropped)."""

    expect: dict[str, JSON]
    note: str | None = None


def _literal(value: Call | int | str | None, typed: Typing) -> JSON:
    if isinstance(value, Call):
        raise ValueError(f"a value was expected, not {value.name}()")
    return typed(value)


def _range(args: tuple[Call | int | str | None, ...], typed: Typing) -> dict[str, JSON]:
    """``Range(lo, hi)`` or ``Range(lo, )``: bounds, or the values in between when the fact
    is not a number (audit settings: 0..3 are No Auditing..Success and Failure)."""
    low = args[0] if isinstance(args[0], int) else 0
    high = args[1] if len(args) > 1 and isinstance(args[1], int) else None
    if not isinstance(typed(low), int):
        top = max(AUDIT_VALUES) if high is None else high
        return {"in": [typed(value) for value in range(low, top + 1)]}
    bounds: dict[str, JSON] = {"gte": low}
    if high is not None:
        bounds["lte"] = high
    return bounds


def to_expect(call: Call, typed: Typing, list_valued: bool) -> Expected:
    """The ``expect`` mapping of an expression; ``typed`` converts a literal to the fact's
    type; ``list_valued``: the setting holds a list (REG_MULTI_SZ, a user right)."""
    name, args = call.name, call.args
    if name == "Equals":
        value = _literal(args[0], typed)
        if list_valued and value in ("", []):
            return Expected({"empty": True})
        return Expected({"equals": value})
    if name == "OneOf":
        values = [_literal(arg.args[0], typed) for arg in args if isinstance(arg, Call)]
        present = [value for value in values if value is not None]
        note = ABSENT_NOTE if None in values else None
        if list_valued and all(value in ("", []) for value in present):
            return Expected({"empty": True}, note)
        if len(present) == 1:
            return Expected({"equals": present[0]}, note)
        return Expected({"in": present}, note)
    if name == "Range":
        return Expected(_range(args, typed))
    if name == "Not" and isinstance(args[0], Call):
        inner = to_expect(args[0], typed, list_valued)
        if "equals" in inner.expect:
            return Expected({"not_equals": inner.expect["equals"]})
        if "in" in inner.expect or "empty" in inner.expect:
            return Expected({"empty": False})
    sets = {
        "ContainsExactly": "set_equals",
        "ContainsAtLeast": "superset_of",
        "ContainsAtMost": "subset_of",
    }
    if name in sets and list_valued:
        return Expected({sets[name]: [str(arg).lstrip("*") for arg in args]})
    if name == "Contains" or (name == "ContainsAtLeast" and len(args) == 1):
        return Expected({"contains": _literal(args[0], typing_for("REG_SZ"))})
    if name == "ContainsAtMost":
        # A comma-separated REG_SZ list: only these items, in any order.
        items = "|".join(re.escape(str(arg)) for arg in args)
        return Expected({"matches": f"^({items})(,({items}))*$"})
    raise ValueError(f"no expect equivalent for {name}()")


def typing_for(reg_type: str) -> Typing:
    """How a literal reads as a value of ``reg_type`` (a REG_* type, ``string`` or ``int``)."""

    def typed(value: JSON) -> JSON:
        if value is None or reg_type in ("REG_SZ", "REG_EXPAND_SZ", "string"):
            return value if value is None else str(value)
        if reg_type == "REG_MULTI_SZ":
            return [item for item in str(value).split(",") if item]
        if reg_type == "REG_BINARY":
            # The CSV writes binary data base64-encoded text ("MDA=" is "00").
            return base64.b64decode(str(value)).decode("ascii").casefold()
        return int(value) if isinstance(value, str) and re.fullmatch(r"-?\d+", value) else value

    return typed
