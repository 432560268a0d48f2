"""Positions in JSON text: where each string (key or value) is, found by its decoded content.

Python's JSON parser gives values, not positions.  A loader that wants a line for every fact
indexes the text once (:class:`JsonText`) and then asks, in document order, where the next
occurrence of a string is (:class:`Cursor`): one pass over the text and a dictionary lookup
per fact, whatever escapes the exporter wrote (PowerShell writes ``'`` as ``\\u0027``), so
the time stays linear in the size of the file.

Duplicate keys in one object are refused, with their position: JSON parsers disagree on
which value such an object holds, and an origin could point at the other occurrence.  No
exporter writes them.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass

from checker.core.errors import input_error

_TOKEN = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"(\s*:)?|[{}\[\]]')
"""A string (group 1; group 2 when it is a key) or a bracket, in valid JSON text."""


class JsonText:
    """The text of a parsed JSON document and an index of its strings.

    ``line`` pins every position to one line: a document that was itself a JSON string
    (PowerShell's ``ConvertTo-Json`` of a string) sits on the line of that string."""

    def __init__(self, text: str, path: str, line: int | None = None) -> None:
        self.path = path
        self._fixed = line
        self._strings: dict[str, list[int]] = {}
        self._newlines = [m.start() for m in re.finditer("\n", text)] if line is None else []
        self._scan(text)

    def _scan(self, text: str) -> None:
        keys: list[set[str] | None] = []
        strings = self._strings
        for match in _TOKEN.finditer(text):
            raw = match.group(1)
            if raw is None:
                bracket = match.group()
                if bracket in "{[":
                    keys.append(set() if bracket == "{" else None)
                elif keys:
                    keys.pop()
                continue
            value = json.loads(f'"{raw}"') if "\\" in raw else raw
            strings.setdefault(value, []).append(match.start())
            seen = keys[-1] if match.group(2) and keys else None
            if seen is not None:
                if value in seen:
                    line, column = self.place(match.start())
                    raise input_error(
                        self.path,
                        f"duplicate key {value!r} in one object",
                        line=line,
                        column=column,
                    )
                seen.add(value)

    def place(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of ``offset``."""
        if self._fixed is not None:
            return self._fixed, 1
        before = bisect.bisect_left(self._newlines, offset)
        start = self._newlines[before - 1] + 1 if before else 0
        return before + 1, offset - start + 1

    def cursor(self) -> Cursor:
        return Cursor(self)

    def after(self, token: str, offset: int) -> int | None:
        """The offset of the first occurrence of the string ``token`` at or after ``offset``."""
        found = self._strings.get(token)
        if not found:
            return None
        at = bisect.bisect_left(found, offset)
        return found[at] if at < len(found) else None


@dataclass(slots=True)
class Cursor:
    """Finds strings in document order: each search starts after the last string found, as
    a loader reads facts in the order the document holds them (a repeated string is found
    at its next occurrence)."""

    text: JsonText
    offset: int = 0

    def find(self, token: str) -> int | None:
        """The line of the next occurrence of the string ``token``, or None."""
        found = self.text.after(token, self.offset)
        if found is None:
            return None
        self.offset = found + 1
        return self.text.place(found)[0]
