"""How much the Intune -> Group Policy table covers: of the Intune settings some exports
hold (``baseliner inspect``), and against OSConfig's CSP -> registry pairs (the table is
derived, and OSConfig is Microsoft's own statement of the same pairs)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from checker.core.files import read_text
from checker.core.values import Confidence, Source
from checker.kinds import Kind, canonical_key, registry_path
from checker.targets.mapping import Mapping, load_mapping, setting_id


@dataclass(frozen=True, slots=True)
class Coverage:
    """How many distinct Intune settings of some sources the table maps."""

    exact: int
    partial: int
    unmapped: int
    with_gp_equivalent: int
    mapped_with_gp_equivalent: int

    @property
    def total(self) -> int:
        return self.exact + self.partial + self.unmapped

    @property
    def equivalent_ratio(self) -> Fraction:
        """Mapped share of the settings the DDF gives a GP equivalent (1 when there are none)."""
        if not self.with_gp_equivalent:
            return Fraction(1)
        return Fraction(self.mapped_with_gp_equivalent, self.with_gp_equivalent)


@dataclass(frozen=True, slots=True)
class Disagreement:
    setting: str
    osconfig: str
    table: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CrossCheck:
    """The table's CSP -> registry pairs against OSConfig's, over the pairs both cover."""

    compared: int
    agreeing: int
    disagreements: tuple[Disagreement, ...]
    only_osconfig: tuple[str, ...]

    @property
    def agreement(self) -> Fraction:
        return Fraction(self.agreeing, self.compared) if self.compared else Fraction(1)


def coverage(sources: Iterable[Source], mapping: Mapping | None = None) -> Coverage:
    """Counts over the distinct Intune settings of ``sources``.  A setting the loader
    translated itself (an Administrative Template policy, replayed through the ADMX index)
    is exact and has a GP equivalent."""
    table = mapping or load_mapping()
    keys: set[str] = set()
    loaded: set[str] = set()
    for source in sources:
        for fact in source.facts:
            if fact.kind is Kind.INTUNE:
                keys.add(setting_id(fact.key))
            elif fact.via is not None:
                loaded.add(setting_id(fact.via))
    found = {key: _confidence(table, key, loaded) for key in keys}
    equivalent = {key for key in keys if key in loaded or table.has_gp_equivalent(key)}
    return Coverage(
        exact=sum(1 for c in found.values() if c is Confidence.EXACT),
        partial=sum(1 for c in found.values() if c is Confidence.PARTIAL),
        unmapped=sum(1 for c in found.values() if c is None),
        with_gp_equivalent=len(equivalent),
        mapped_with_gp_equivalent=sum(1 for key in equivalent if found[key] is not None),
    )


def _confidence(table: Mapping, key: str, loaded: set[str]) -> Confidence | None:
    entry = table.entries.get(key)
    if entry is not None:
        return entry.confidence
    return Confidence.EXACT if key in loaded else None


def osconfig_pairs(path: Path) -> set[tuple[str, str]]:
    """(settings catalog id, canonical registry key) pairs of OSConfig baseline CSVs under
    ``path`` (a CSV file or a folder of them)."""
    files = sorted(path.rglob("*.csv")) if path.is_dir() else [path]
    pairs = set()
    for file in files:
        for row in csv.DictReader(io.StringIO(read_text(file))):
            csp = row.get("CSP Path") or row.get("CSP Path(s)") or ""
            key, name = row.get("Registry Key") or "", row.get("Registry Value") or ""
            if not (csp.startswith("Config/") and key and name):
                continue
            hive_key = key.replace("HKLM:", "HKLM").replace("HKCU:", "HKCU")
            registry = canonical_key(Kind.REGISTRY, registry_path(hive_key, name))
            pairs.add((setting_id(f"./Device/Vendor/MSFT/Policy/{csp}"), registry))
    return pairs


def crosscheck_osconfig(path: Path, mapping: Mapping | None = None) -> CrossCheck:
    """Compare the table's registry targets with OSConfig's CSP -> registry pairs."""
    table = mapping or load_mapping()
    compared = agreeing = 0
    disagreements: list[Disagreement] = []
    missing: list[str] = []
    for ident, registry in sorted(osconfig_pairs(path)):
        entry = table.entries.get(ident)
        ours = tuple(
            canonical_key(Kind.REGISTRY, t.key)
            for t in (entry.targets if entry else ())
            if t.kind is Kind.REGISTRY
        )
        if not ours:
            missing.append(ident)
            continue
        compared += 1
        if registry in ours:
            agreeing += 1
        else:
            disagreements.append(Disagreement(ident, registry, ours))
    return CrossCheck(compared, agreeing, tuple(disagreements), tuple(missing))
