"""Loaders: one module per export format, each turning a file or folder into Sources.

:data:`FORMATS` is the one registry of export formats: target discovery
(checker/targets/discover.py) sniffs files and folders with it, in its order, and the docs
and the ``--help`` texts list it.  Each format module is a plain module that satisfies
:class:`Loader`; registration is this dict, never an import side effect.  The other modules
here are shared helpers (``xmlsafe``, ``admx``), not formats.

``head`` is the first 4 KiB of a file (``b""`` for a folder).  A loader raises
:class:`~checker.core.errors.InputFormatError` for a file it cannot read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from checker.core.values import Source
from checker.loaders import (
    audit_csv,
    gpo_backup,
    gpp_registry,
    gpreport,
    gpresult,
    gpttmpl,
    intune,
    lgpo_text,
    registry_pol,
)


class Loader(Protocol):
    """An export format module."""

    FORMAT: str
    """The name in ``Source.format`` and in the docs."""
    DESCRIPTION: str
    """What users call such an export, for messages and docs."""
    READS: str
    """What baseliner reads from it, for the docs."""
    FOLDER: bool
    """Whether the export is a folder (a walk does not descend into one it claims)."""
    DEVICE: bool
    """Whether each export is one device, named by its content (a folder of them is a fleet);
    otherwise the exports under one input path are one target, applied in path order."""

    def sniff(self, path: Path, head: bytes) -> bool:
        """Whether ``path`` is an export of this format, by content."""

    def load(self, path: Path) -> list[Source]:
        """The sources ``path`` holds."""


@runtime_checkable
class Parted(Protocol):
    """A format one file of which may hold several exports, each a target of its own (a
    ``Get-GPOReport -All`` report: a GPO each).  A loader module that has these functions
    beside :class:`Loader`'s is one."""

    def parts(self, path: Path) -> list[str]:
        """The names of the exports ``path`` holds, when it holds several (else ``[]``)."""

    def load_part(self, path: Path, part: int) -> list[Source]:
        """The sources of the ``part``-th of them alone."""


FORMATS: dict[str, Loader] = {
    loader.FORMAT: loader
    for loader in (
        gpo_backup,
        registry_pol,
        gpttmpl,
        lgpo_text,
        audit_csv,
        gpresult,
        gpreport,
        gpp_registry,
        intune,
    )
}
"""Every export format, tried in this order when sniffing (most specific first)."""


def describe(files: bool = False) -> str:
    """The formats as a sentence: "a GPO backup folder, ... or an Intune export" (only those
    of single files, with ``files``)."""
    names = [loader.DESCRIPTION for loader in FORMATS.values() if not (files and loader.FOLDER)]
    return "a " + ", ".join(names[:-1]) + " or " + names[-1]
