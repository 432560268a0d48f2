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


def folder_formats() -> dict[str, Loader]:
    """Formats that are folders, tried in this order."""
    from checker.loaders import gpo_backup

    return {gpo_backup.FORMAT: gpo_backup}


def file_formats() -> dict[str, Loader]:
    """Formats that are single files, tried in this order (most specific first)."""
    from checker.loaders import (
        audit_csv,
        gpp_registry,
        gpreport,
        gpresult,
        gpttmpl,
        intune,
        lgpo_text,
        registry_pol,
    )

    modules: tuple[Loader, ...] = (
        registry_pol,
        gpttmpl,
        lgpo_text,
        audit_csv,
        gpresult,
        gpreport,
        gpp_registry,
        intune,
    )
    return {module.FORMAT: module for module in modules}
