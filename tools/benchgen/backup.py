"""GPO backups: the facts each one sets, and its gpreport.xml.

The facts are read by the project's GPO backup loader (:mod:`checker.loaders.gpo_backup`),
so a generated check reads exactly the fact the checker will see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from checker.core.values import Fact, Source
from checker.loaders import gpo_backup
from tools.benchgen.gpreport import Report, read_gpreport


@dataclass(frozen=True, slots=True)
class Backup:
    """One GPO backup folder: its display name, its facts and its gpreport."""

    name: str
    facts: tuple[Fact, ...]
    report: Report


def find_backups(paths: Iterable[Path]) -> list[Path]:
    """GPO backup folders under ``paths``, in the order given (the loader's order within one)."""
    return [backup for path in paths for backup in gpo_backup.find_backups(path)]


def backup_facts(folder: Path) -> tuple[Fact, ...]:
    """Every fact of a backup, in the loader's order."""
    return _facts(gpo_backup.load_backup(folder))


def read_backup(folder: Path) -> Backup:
    """The facts of a backup and its gpreport.xml."""
    sources = gpo_backup.load_backup(folder)
    report = read_gpreport(folder / "gpreport.xml")
    name = next((source.name for source in sources if source.name), None)
    return Backup(name or report.name, _facts(sources), report)


def _facts(sources: Iterable[Source]) -> tuple[Fact, ...]:
    return tuple(fact for source in sources for fact in source.facts)
