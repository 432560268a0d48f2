"""How values and expectations read in titles and remediation text."""

from __future__ import annotations

from checker.core.values import JSON


def show(value: JSON) -> str:
    """A fact's value as text: a list comma-separated, ``(empty)`` when it is empty."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(empty)"
    return str(value)


WORDS = {
    "equals": "{}",
    "not_equals": "anything but {}",
    "in": "one of {}",
    "gte": "at least {}",
    "lte": "at most {}",
    "gt": "more than {}",
    "lt": "less than {}",
    "contains": "containing {}",
    "matches": "matching /{}/",
    "set_equals": "exactly {}",
    "subset_of": "granted to no one but {}",
    "superset_of": "denied to at least {}",
}
"""How remediation text says each ``expect`` operator (sources without a gpreport)."""


def expected_words(expect: dict[str, JSON]) -> str:
    """An ``expect`` mapping in words: ``at least 15``, ``granted to no one``."""
    if expect.get("absent"):
        return "not set"
    if "empty" in expect:
        return "granted to no one" if expect["empty"] else "not empty"
    return " and ".join(WORDS[op].format(show(operand)) for op, operand in expect.items())
