"""Shipped data tables (the ADMX index, the Intune mapping) as gzipped JSON Lines: a head,
then one row a line, each row decoded when it is first asked for.

A run looks up a few hundred rows of thousands: decoding the whole ADMX index took 47 ms of
every run that reads a Group Policy report, and the mapping 18 ms of every run that reads an
Intune export, to use a tenth of either.  JSON never holds a raw newline (one in a string is
written ``\\n``), so the lines are the rows.  The tools that generate the tables write them
with :func:`write_rows`, byte for byte the same from the same input.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from typing import Any


def write_rows(head: dict[str, Any], rows: Iterable[Any]) -> bytes:
    """The table: sorted keys, no timestamp, a fixed compression level."""
    lines = (
        json.dumps(line, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        for line in (head, *rows)
    )
    return gzip.compress("\n".join(lines).encode("utf-8"), compresslevel=9, mtime=0)


class Rows:
    """A table written by :func:`write_rows`: its ``head``, and its rows by number."""

    __slots__ = ("_decoded", "_lines", "head")

    def __init__(self, data: bytes) -> None:
        head, *self._lines = gzip.decompress(data).split(b"\n")
        self.head: dict[str, Any] = json.loads(head)
        self._decoded: dict[int, Any] = {}

    def __len__(self) -> int:
        return len(self._lines)

    def __getitem__(self, number: int) -> Any:
        found = self._decoded.get(number)
        if found is None:
            found = self._decoded[number] = json.loads(self._lines[number])
        return found
