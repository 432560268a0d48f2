"""What a plan holds: the exports of each target, read later (see checker/targets/load.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from checker.core.errors import InputError


@dataclass(frozen=True, slots=True)
class Planned:
    """One export to read: its path and the loader that reads it."""

    path: Path
    format: str
    part: int | None = None
    """Which export of a file that holds several (see ``loaders.Parted``); None: all."""


@dataclass(frozen=True, slots=True)
class TargetPlan:
    """A target to build: name, sources in precedence order, and where it was declared."""

    name: str
    sources: tuple[Planned, ...]
    group: str | None = None
    tags: tuple[str, ...] = ()
    named_by_content: bool = False
    """Take the name from the device export (gpresult names its computer)."""
    meta: tuple[tuple[str, str], ...] = ()
    """Facts about the target from the manifest (os, role) for ``applies_to``."""


@dataclass(slots=True)
class Plan:
    targets: list[TargetPlan] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
