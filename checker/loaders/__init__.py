"""Loaders: one module per export format, each turning a file or folder into a Source.

Each format module provides::

    FORMAT: str                             # the name used in Source.format and --format
    def sniff(path: Path, head: bytes) -> bool   # is this file/folder of my format?
    def load(path: Path) -> list[Source]         # read it (raise model.InputFormatError)

``head`` is the first 4 KiB of a file (``b""`` for a folder).  Registration is explicit in
``FORMATS`` below, never an import side effect.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from checker.model import Source


class Loader(Protocol):
    FORMAT: str

    def sniff(self, path: Path, head: bytes) -> bool: ...

    def load(self, path: Path) -> list[Source]: ...
