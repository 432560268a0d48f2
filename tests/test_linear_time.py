"""Work grows in proportion to the input (issue 21): registry.pol deletions and Intune JSON
property lookups were quadratic (20,000 deletions took 36 s; 40,000 escaped property names
20 s).  The CPU time per byte of a ~10 MB input must stay within 3x that of a ~1 MB one: a
quadratic cost is 10x, whatever the machine's speed or load (the best of a few runs is
taken, on process time)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from checker.loaders import intune, registry_pol
from checker.loaders.registry_pol import make_entry, write
from checker.targets.load import with_translations
from checker.targets.merge import build_target
from tests.hostile_exports import escaped_names_policy

RATIO = 3.0


def _pol(tmp_path: Path, entries: int) -> Path:
    pairs = []
    for number in range(entries):
        key = f"Software\\Policies\\Contoso\\K{number % 500}"
        pairs += [make_entry(key, f"V{number}", number), make_entry(key, "**delvals.", " ")]
    path = tmp_path / f"{entries}.pol"
    path.write_bytes(write(pairs))
    return path


def _intune(tmp_path: Path, settings: int) -> Path:
    path = tmp_path / f"{settings}.json"
    path.write_text(escaped_names_policy(settings), encoding="utf-8")
    return path


def _load_pol(path: Path) -> None:
    build_target("t", registry_pol.load(path))


def _load_intune(path: Path) -> None:
    build_target("t", [with_translations(source) for source in intune.load(path)])


def _per_byte(path: Path, load: Callable[[Path], None]) -> float:
    best = min(_cpu(path, load) for _ in range(2))
    return best / path.stat().st_size


def _cpu(path: Path, load: Callable[[Path], None]) -> float:
    started = time.process_time()
    load(path)
    return time.process_time() - started


@pytest.mark.parametrize(
    ("make", "load", "small", "large"),
    [(_pol, _load_pol, 6_000, 60_000), (_intune, _load_intune, 4_000, 40_000)],
    ids=["registry-pol", "intune-json"],
)
def test_time_is_linear_in_size(
    tmp_path: Path,
    make: Callable[[Path, int], Path],
    load: Callable[[Path], None],
    small: int,
    large: int,
) -> None:
    little, big = make(tmp_path, small), make(tmp_path, large)
    assert 0.8e6 < little.stat().st_size < 1.6e6 and 8e6 < big.stat().st_size < 16e6
    ratio = _per_byte(big, load) / _per_byte(little, load)
    assert ratio < RATIO, f"{ratio:.1f}x the time per byte at ten times the size"
